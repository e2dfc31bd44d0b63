import ModelIR

/// Folds a batch normalisation that directly follows a dense layer into that
/// layer's float weights and bias (before any quantization):
/// `W' = diag(s) W`, `b' = s (b - mean) + beta` with `s = gamma/sqrt(var+eps)`.
///
/// Precondition: the dense output is read only by the batchnorm and is not a
/// model output. Postcondition: no such pair remains; the folded node keeps
/// the batchnorm's name (so readers of the batchnorm are unchanged), the
/// dense node's weight/bias/accumulator precision and the batchnorm's result
/// precision (or the dense's when the batchnorm gives none).
public enum FoldBatchNorm {
    public static func run(_ graph: Graph) -> (Graph, [String]) {
        var g = graph
        var log: [String] = []
        // Built once (a scan per batchnorm was quadratic in the layer count).
        var index: [String: Int] = [:]
        var readers: [String: Int] = [:]
        for (i, node) in g.nodes.enumerated() {
            index[node.name] = i
            for input in Set(node.inputs) { readers[input, default: 0] += 1 }
        }
        let outputs = Set(g.outputs)
        var removed = [Bool](repeating: false, count: g.nodes.count)
        for i in g.nodes.indices {
            let bnNode = g.nodes[i]
            guard case .batchNorm(let bn) = bnNode.op,
                  let denseIndex = index[bnNode.inputs[0]], denseIndex != i, !removed[denseIndex],
                  readers[g.nodes[denseIndex].name] == 1,
                  !outputs.contains(g.nodes[denseIndex].name),
                  let folded = Self.fold(bn, into: g.nodes[denseIndex].op)
            else { continue }
            let denseNode = g.nodes[denseIndex]
            var precision = denseNode.precision
            precision.result = bnNode.precision.result ?? denseNode.precision.result
            // The folded node keeps the batchnorm's name and place: its readers are unchanged.
            g.nodes[i] = Node(name: bnNode.name, op: folded, inputs: denseNode.inputs, precision: precision,
                              sourceLayers: denseNode.sourceLayers + bnNode.sourceLayers)
            removed[denseIndex] = true
            log.append("FoldBatchNorm: folded '\(bnNode.name)' into dense '\(denseNode.name)'")
        }
        g.nodes = g.nodes.indices.filter { !removed[$0] }.map { g.nodes[$0] }
        return (g, log)
    }

    /// The dense or shared linear op with the batchnorm (one scale and shift
    /// per output) folded in; nil when the op is neither, or when a shared
    /// parameter would need two different scales (a per-element batchnorm
    /// after a per-particle layer), so the batchnorm stays a scale op.
    static func fold(_ bn: BatchNorm, into op: Op) -> Op? {
        let (scale, shift) = bn.scaleAndShift
        switch op {
        case .dense(let dense):
            guard scale.count == dense.units else { return nil }
            var folded = dense
            for j in 0..<dense.units {
                folded.weights[j] = dense.weights[j].map { $0 * scale[j] }
                folded.bias[j] = dense.bias[j] * scale[j] + shift[j]
            }
            return .dense(folded)
        case .linear(let l):
            guard scale.count == l.units else { return nil }
            var weightScale = [Double?](repeating: nil, count: l.weights.count)
            var biasFolded = [Double?](repeating: nil, count: l.bias.count)
            for (j, row) in l.rows.enumerated() {
                for t in row {
                    if let s = weightScale[t.parameter], s != scale[j] { return nil }
                    weightScale[t.parameter] = scale[j]
                }
                let b = l.bias[l.biasIndex[j]] * scale[j] + shift[j]
                if let existing = biasFolded[l.biasIndex[j]], existing != b { return nil }
                biasFolded[l.biasIndex[j]] = b
            }
            var folded = l
            folded.weights = zip(l.weights, weightScale).map { $0 * ($1 ?? 1) }
            folded.bias = zip(l.bias, biasFolded).map { $1 ?? $0 }
            return .linear(folded)
        default:
            return nil
        }
    }
}

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
        var i = 0
        while i < g.nodes.count {
            let bnNode = g.nodes[i]
            guard case .batchNorm(let bn) = bnNode.op,
                  let denseIndex = g.nodes.firstIndex(where: { $0.name == bnNode.inputs[0] }),
                  case .dense(let dense) = g.nodes[denseIndex].op,
                  g.consumers(of: g.nodes[denseIndex].name).count == 1,
                  !g.outputs.contains(g.nodes[denseIndex].name)
            else { i += 1; continue }
            let denseNode = g.nodes[denseIndex]
            let (scale, shift) = bn.scaleAndShift
            var folded = dense
            for j in 0..<dense.units {
                folded.weights[j] = dense.weights[j].map { $0 * scale[j] }
                folded.bias[j] = dense.bias[j] * scale[j] + shift[j]
            }
            var precision = denseNode.precision
            precision.result = bnNode.precision.result ?? denseNode.precision.result
            g.nodes[i] = Node(name: bnNode.name, op: .dense(folded), inputs: denseNode.inputs, precision: precision,
                              sourceLayers: denseNode.sourceLayers + bnNode.sourceLayers)
            g.nodes.remove(at: denseIndex)
            log.append("FoldBatchNorm: folded '\(bnNode.name)' into dense '\(denseNode.name)'")
        }
        return (g, log)
    }
}

import FixedPoint
import Foundation
import ModelIR
import Passes

/// Exact per-element scalings and shifts (from `Add`, `Mul`, batch
/// normalisation, pending scales made real), folded into the producing
/// layer when they can be.
extension GraphImporter {
    /// `y = scale * x + shift` per element, exactly: folded into the dense
    /// layer that produces `x` when only this reads it and its result is
    /// exact, else a batchnorm node with exact parameter types.
    mutating func emitAffine(_ x: DynamicTensor, scale: [Double], shift: [Double], node: Onnx_NodeProto,
                             hint: String) throws(QONNXError) -> DynamicTensor {
        precondition(x.pending == nil)
        if x.soleUse, let i = nodeIndex[x.tensor], absorbable.contains(x.tensor), case .dense(var dense) = nodes[i].op,
           let input = producerType(of: nodes[i].inputs[0]),
           // A dense layer over a tensor has the same parameters at every position.
           scale.indices.allSatisfy({ scale[$0] == scale[$0 % dense.units] && shift[$0] == shift[$0 % dense.units] }) {
            var ok = true
            for j in 0..<dense.units {
                for k in 0..<dense.inputCount {
                    guard let w = ExactTypes.exactProduct(dense.weights[j][k], scale[j]) else { ok = false; break }
                    dense.weights[j][k] = w
                }
                guard ok, let b = ExactTypes.exactProduct(dense.bias[j], scale[j]).flatMap({ ExactTypes.exactSum($0, shift[j]) }) else { ok = false; break }
                dense.bias[j] = b
            }
            if ok, let y = adoptFoldedAffine(x, at: i, op: .dense(dense), rows: dense.weights, bias: dense.bias, input: input,
                                             scaled: !scale.allSatisfy({ $0 == 1 }), node: node, hint: hint) {
                return y
            }
        }
        if let y = try foldAffineIntoConv(x, scale: scale, shift: shift, node: node, hint: hint) { return y }
        var input = x.tensor
        // The lowering would fold a batchnorm into a dense layer that feeds
        // it with the dense layer's parameter types, dropping a rounding:
        // keep that rounding as its own (linear) node.
        if let i = nodeIndex[x.tensor], Self.lowersToLinear(nodes[i].op) {
            input = try emit(x.tensor + "_q", .activation(.linear), inputs: [x.tensor],
                         precision: LayerPrecision(result: x.type), absorbable: false, source: node)
        }
        let weightType = try exactType(scale, node, "scale")
        let biasType = try exactType(shift, node, "shift")
        var union: ValueRange?
        let xr = ValueRange(of: x.type)
        // exactType above found a type for each, so every code fits.
        guard let s = ExactTypes.range(of: scale), let t = ExactTypes.range(of: shift) else {
            throw error(node, nil, "the scale or shift values need more than 64 bits to be held exactly")
        }
        for j in 0..<x.count {
            guard let c = ExactTypes.code(scale[j], fractionBits: s.fractionBits),
                  let b = ExactTypes.code(shift[j], fractionBits: t.fractionBits) else {
                throw error(node, nil, "element \(j): the scale \(scale[j]) or shift \(shift[j]) needs more than 64 bits to be held exactly")
            }
            let r = ValueRange(lo: c, hi: c, fractionBits: s.fractionBits) * xr + ValueRange(lo: b, hi: b, fractionBits: t.fractionBits)
            union = union.map { $0.union(r) } ?? r
        }
        let resultType = try exactType(union!, node, "result")
        let bn = BatchNorm(gamma: scale, beta: shift, mean: Array(repeating: 0, count: x.count),
                           variance: Array(repeating: 1, count: x.count), epsilon: 0)
        let name = try emit(hint, .batchNorm(bn), inputs: [input],
                        precision: LayerPrecision(weight: weightType, bias: biasType, result: resultType),
                        absorbable: true, source: node)
        return DynamicTensor(tensor: name, dims: x.dims, type: resultType, pending: nil, soleUse: true, batchAxis: x.batchAxis,
                             layout: x.layout)
    }

    /// Ops that become a dense or shared linear map, into which the lowering
    /// folds a following batchnorm (FoldBatchNorm) with their own parameter types.
    static func lowersToLinear(_ op: Op) -> Bool {
        switch op {
        case .dense, .conv, .linear: return true
        case .pool(let p): return p.kind == .average
        case .reduce(let r): return r.kind != .max
        default: return false
        }
    }

    /// Node `i` (the sole producer of `x`) becomes `op`, whose weights
    /// (`rows`, one per output) and bias an exact affine was folded into,
    /// with exact types for them and for its result; nil, and node `i`
    /// unchanged, when no type holds them. A shift alone (`scaled` false)
    /// keeps the weights and their (Quant) type.
    mutating func adoptFoldedAffine(_ x: DynamicTensor, at i: Int, op: Op, rows: [[Double]], bias: [Double], input: FixedType,
                                    scaled: Bool, node: Onnx_NodeProto, hint: String) -> DynamicTensor? {
        guard let wt = ExactTypes.type(holding: rows.flatMap { $0 }), let bt = ExactTypes.type(holding: bias),
              let range = ExactTypes.denseRange(weights: rows, bias: bias, input: input),
              let rt = ExactTypes.type(holding: range) else { return nil }
        nodes[i].op = op
        if scaled { nodes[i].precision.weight = wt }
        nodes[i].precision.bias = bt
        nodes[i].precision.result = rt
        nodes[i].sourceLayers.append(String((node.name.isEmpty ? hint : node.name).prefix(200)))
        var y = x
        y.type = rt
        return y
    }

    /// The type of a graph IR tensor (an input or a node's declared result).
    func producerType(of tensor: String) -> FixedType? {
        if let type = inputTypes[tensor] { return type }
        guard let i = nodeIndex[tensor] else { return nil }
        if let type = nodes[i].precision.result { return type }
        // Data movement (a layout's transpose, a reshape) keeps its input's type.
        switch nodes[i].op {
        case .reshape, .transpose, .gather: return producerType(of: nodes[i].inputs[0])
        default: return nil
        }
    }
}

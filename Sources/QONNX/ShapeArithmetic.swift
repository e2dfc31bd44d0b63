import Foundation
import ModelIR

/// The shape arithmetic a PyTorch export adds around `view`/`flatten`
/// (`Shape` → `Gather` → `Unsqueeze` → `Concat` → `Reshape`), folded to
/// constants at import. The batch size, unknown here, is written 0 in a
/// folded shape: `Reshape` reads a 0 as "copy this dimension", which is
/// what `x.view(x.size(0), -1)` means; any arithmetic on it is refused.
extension GraphImporter {
    /// `Shape` (with opset 15's `start`/`end`): the dimensions of its input.
    mutating func importShapeOf(_ node: Onnx_NodeProto) throws(QONNXError) {
        var dims: [Double]
        var batch: Int?
        switch try value(node, 0, "data") {
        case .constant(let c): dims = c.dims.map(Double.init)
        case .dynamic(let d): dims = d.dims.map(Double.init); batch = d.batchAxis
        }
        if let b = batch { dims[b] = 0 }
        let rank = dims.count
        func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + rank : v, 0), rank) }
        let start = clamp(try intAttribute(node, "start") ?? 0), end = clamp(try intAttribute(node, "end") ?? rank)
        let slice = start < end ? Array(dims[start..<end]) : []
        var c = ConstantTensor(dims: [slice.count], values: slice)
        c.holdsBatchSize = batch.map { $0 >= start && $0 < end } ?? false
        try define(node, .constant(c))
    }

    /// `Gather` of a constant by constant indices along `axis`; of a computed
    /// tensor, along a feature axis (not the batch), as a `gather` node
    /// (what `export` writes for max pooling, a transpose or a broadcast).
    mutating func importGather(_ node: Onnx_NodeProto) throws(QONNXError) {
        let source = try value(node, 0, "data")
        if case .dynamic(let dynamic) = source {
            try importGatherOfComputed(dynamic, node)
            return
        }
        guard case .constant(let data) = source else { return }
        let indices = try constant(node, 1, "indices")
        let rank = data.dims.count
        guard rank >= 1 else { throw error(node, "data", "Gather of a scalar") }
        let a = try axis(try intAttribute(node, "axis") ?? 0, rank: rank, node)
        let n = data.dims[a]
        var picks: [Int] = []
        for v in indices.values {
            guard v == v.rounded(), v >= Double(-n), v < Double(n) else {
                throw error(node, "indices", "index \(v) is out of range for axis \(a) of size \(n)")
            }
            picks.append(v < 0 ? Int(v) + n : Int(v))
        }
        let dims = Array(data.dims[..<a]) + indices.dims + Array(data.dims[(a + 1)...])
        guard let total = Shape.elements(dims), total <= ONNXLimits.maxElements else {
            throw error(node, nil, "the result of shape \(dims) has more than \(ONNXLimits.maxElements) elements")
        }
        let outer = data.dims[..<a].reduce(1, *), inner = data.dims[(a + 1)...].reduce(1, *)
        var values: [Double] = []
        values.reserveCapacity(total)
        for o in 0..<outer {
            for p in picks { values += data.values[((o * n + p) * inner)..<((o * n + p + 1) * inner)] }
        }
        var c = ConstantTensor(dims: dims, values: values)
        c.holdsBatchSize = data.holdsBatchSize && values.contains(0)
        try define(node, .constant(c))
    }

    mutating func importGatherOfComputed(_ x: DynamicTensor, _ node: Onnx_NodeProto) throws(QONNXError) {
        let d = try inONNXOrder(x, source: node)
        let indices = try constant(node, 1, "indices")
        let rank = d.dims.count
        let a = try axis(try intAttribute(node, "axis") ?? 0, rank: rank, node)
        guard a != d.batchAxis else { throw error(node, "axis", "Gather along the batch axis mixes events") }
        let n = d.dims[a]
        var picks: [Int] = []
        for v in indices.values {
            guard v == v.rounded(), v >= Double(-n), v < Double(n) else {
                throw error(node, "indices", "index \(v) is out of range for axis \(a) of size \(n)")
            }
            picks.append(v < 0 ? Int(v) + n : Int(v))
        }
        let dims = Array(d.dims[..<a]) + indices.dims + Array(d.dims[(a + 1)...])
        guard let total = Shape.elements(dims), total >= 1, total <= ONNXLimits.maxElements else {
            throw error(node, nil, "the result of shape \(dims) is empty or has more than \(ONNXLimits.maxElements) elements")
        }
        // The graph IR tensor holds the ONNX elements in C order (the batch
        // dimension is 1), so element (o, p, i) of the result reads (o, picks[p], i).
        let outer = d.dims[..<a].reduce(1, *), inner = d.dims[(a + 1)...].reduce(1, *)
        var flat: [Int] = []
        flat.reserveCapacity(total)
        for o in 0..<outer { for p in picks { for i in 0..<inner { flat.append((o * n + p) * inner + i) } } }
        let name = try emit(hint(node), .gather(flat), inputs: [d.tensor], precision: LayerPrecision(), absorbable: false, source: node)
        let batch = d.batchAxis.map { $0 < a ? $0 : $0 + indices.dims.count - 1 }
        try define(node, .dynamic(DynamicTensor(tensor: name, dims: dims, type: d.type, pending: d.pending.map { p in flat.map { p[$0] } },
                                                soleUse: soleUse(node.output.first ?? ""), batchAxis: batch)))
    }

    /// `Cast` of a constant: to an integer type it truncates toward zero, as numpy does.
    func castConstant(_ c: ConstantTensor, _ node: Onnx_NodeProto) throws(QONNXError) -> ConstantTensor {
        guard let to = try intAttribute(node, "to") else { throw error(node, "to", "Cast needs 'to'") }
        var out = c
        switch Int32(to) {
        case ONNXDataType.float.rawValue: out.values = c.values.map { Double(Float($0)) }
        case ONNXDataType.double.rawValue: break
        case ONNXDataType.int64.rawValue, ONNXDataType.int32.rawValue, ONNXDataType.int8.rawValue, ONNXDataType.uint8.rawValue:
            out.values = c.values.map { $0.rounded(.towardZero) }
        default:
            throw error(node, "to", "Cast of a constant to \(ONNXDataType.name(of: Int32(to))) is not supported")
        }
        if out.values != c.values { out.quantType = nil; out.factored = nil }
        return out
    }

    /// `Concat` of constants (a target shape assembled from pieces).
    mutating func concatenateConstants(_ node: Onnx_NodeProto, _ parts: [ConstantTensor]) throws(QONNXError) {
        guard let raw = try intAttribute(node, "axis") else { throw error(node, "axis", "Concat needs an axis") }
        let rank = parts[0].dims.count
        let a = try axis(raw, rank: rank, node)
        for (i, p) in parts.enumerated() {
            guard p.dims.count == rank, p.dims.indices.allSatisfy({ $0 == a || p.dims[$0] == parts[0].dims[$0] }) else {
                throw error(node, "inputs[\(i)]", "shape \(p.dims) cannot be concatenated with \(parts[0].dims) along axis \(raw)")
            }
        }
        var dims = parts[0].dims
        dims[a] = parts.reduce(0) { $0 + $1.dims[a] }
        guard let total = Shape.elements(dims), total <= ONNXLimits.maxElements else {
            throw error(node, nil, "the result of shape \(dims) has more than \(ONNXLimits.maxElements) elements")
        }
        let outer = dims[..<a].reduce(1, *)
        var values: [Double] = []
        values.reserveCapacity(total)
        for o in 0..<outer {
            for p in parts {
                let block = p.count / max(outer, 1)
                values += p.values[(o * block)..<((o + 1) * block)]
            }
        }
        var c = ConstantTensor(dims: dims, values: values)
        c.holdsBatchSize = parts.contains { $0.holdsBatchSize }
        try define(node, .constant(c))
    }
}

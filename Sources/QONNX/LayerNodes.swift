import FixedPoint
import Foundation
import ModelIR
import Passes

/// The ONNX operators: each becomes graph IR nodes with exact types, or an
/// error naming the node.
extension GraphImporter {
    mutating func importNode(_ node: Onnx_NodeProto) throws(QONNXError) {
        let quantDomain = QONNXImporter.quantDomains.contains(node.domain)
        guard node.domain.isEmpty || node.domain == "ai.onnx" || quantDomain else {
            throw error(node, nil, "operator \(node.opType) of domain '\(node.domain.prefix(100))' is not supported (docs/import-export.md lists the operators)")
        }
        if quantDomain {
            switch node.opType {
            case "Quant", "IntQuant": return try importQuant(node)
            case "BipolarQuant": return try importBipolarQuant(node)
            case "Trunc": return try importTrunc(node)
            case "MultiThreshold" where node.domain != "onnx.brevitas": return try importMultiThreshold(node)
            default:
                throw error(node, nil, "QONNX operator \(node.opType) is not supported; supported: Quant, IntQuant, BipolarQuant, Trunc, MultiThreshold")
            }
        }
        switch node.opType {
        case "Constant": try importConstantNode(node)
        case "Identity", "Dropout": try define(node, try value(node, 0, "input", allowChain: true))
        case "Cast":
            if case .constant(let c) = try value(node, 0, "input") { return try define(node, .constant(try castConstant(c, node))) }
            // Widening to DOUBLE keeps every value (exported files cast each
            // Quant's float32 result so the sums after it are exact).
            guard try intAttribute(node, "to") == Int(Onnx_TensorProto.DataType.double.rawValue) else {
                throw error(node, "to", "only a Cast to DOUBLE (exact) is supported")
            }
            try define(node, try value(node, 0, "input"))
        case "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Transpose": try movingScaleChain(node) { (i: inout GraphImporter) throws(QONNXError) in try i.importShape(node) }
        case "MatMul", "Gemm": try importMatMul(node)
        case "Add", "Sub", "Mul": try importElementwise(node)
        case "Div": try importDiv(node)
        case "Clip": try importClip(node)
        case "Relu": try importRelu(node)
        case "LeakyRelu": try importLeakyRelu(node)
        case "Sigmoid", "Tanh", "Softmax": try importTable(node)
        case "BatchNormalization": try importBatchNorm(node)
        case "Concat": try importConcat(node)
        case "ReduceSum", "ReduceMean", "ReduceMax": try importReduce(node)
        case "Conv": try importConv(node)
        case "MaxPool": try movingScaleChain(node) { (i: inout GraphImporter) throws(QONNXError) in try i.importPool(node) }
        case "AveragePool": try importPool(node)
        case "GlobalAveragePool", "GlobalMaxPool": try importGlobalPool(node)
        case "Shape": try importShapeOf(node)
        case "Gather": try importGather(node)
        default:
            throw error(node, nil, "unknown operator \(node.opType.prefix(100)); supported: Quant, IntQuant, BipolarQuant, Trunc, MatMul, Gemm, Conv, MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, Add, Sub, Mul, Div (by a constant), Relu, Clip (before a Quant), LeakyRelu, Sigmoid, Tanh, Softmax, BatchNormalization, Concat, ReduceSum, ReduceMean, ReduceMax, Flatten, Reshape, Squeeze, Unsqueeze, Identity, Cast (to DOUBLE; constants to any type), Dropout, Transpose, Constant, Shape and Gather (of constants)")
        }
    }

    mutating func importConstantNode(_ node: Onnx_NodeProto) throws(QONNXError) {
        guard let a = attribute(node, "value"), a.hasT else {
            throw error(node, "value", "a Constant node needs a tensor 'value' attribute (other forms are not supported)")
        }
        let c = try ConstantTensor(a.t) { self.error(node, "value", $0) }
        try define(node, .constant(c))
    }

    // MARK: Shapes (data moves only where the layout needs it: TensorLayout.swift)

    mutating func importShape(_ node: Onnx_NodeProto) throws(QONNXError) {
        var input = try value(node, 0, "input")
        // Flatten and Reshape read the elements in ONNX order.
        if case .dynamic(let d) = input, node.opType == "Flatten" || node.opType == "Reshape" {
            input = .dynamic(try inONNXOrder(d, source: node))
        }
        let dims: [Int]
        // The batch axis of a computed input: each operator says where it
        // goes, or refuses to mix events into the features.
        var batch: Int?
        switch input {
        case .constant(let c): dims = c.dims
        case .dynamic(let d): dims = d.dims; batch = d.batchAxis
        }
        func mixesEvents(_ what: String) -> QONNXError {
            error(node, nil, "\(what) (input shape \(dims), batch axis \(batch ?? -1)): the result would mix events; the batch axis must stay a leading axis of its own")
        }
        var out: [Int]
        var perm: [Int]?
        // The axes' new positions (Squeeze, Unsqueeze), for the layout.
        var moved: [Int?]?
        switch node.opType {
        case "Flatten":
            let a = try axis(try intAttribute(node, "axis") ?? 1, rank: dims.count + 1, node)
            guard let outer = Shape.elements(Array(dims[..<a])), let inner = Shape.elements(Array(dims[a...])) else {
                throw error(node, "axis", "the shape \(dims) has too many elements")
            }
            out = [outer, inner]
            if let b = batch {
                guard b < a, outer == 1 else { throw mixesEvents("Flatten at axis \(a)") }
                batch = 0
            }
        case "Reshape":
            let shape = hasInput(node, 1) ? try integers(node, 1, "shape") : (try intsAttribute(node, "shape") ?? [])
            guard let total = Shape.elements(dims) else { throw error(node, "shape", "the input shape \(dims) has too many elements") }
            guard shape.count <= ONNXLimits.maxRank else {
                throw error(node, "shape", "the target shape has rank \(shape.count); at most \(ONNXLimits.maxRank)")
            }
            guard shape.filter({ $0 == -1 }).count <= 1, shape.allSatisfy({ $0 >= -1 }) else {
                throw error(node, "shape", "the target shape \(shape) has more than one -1 or a negative size")
            }
            out = []
            for (i, s) in shape.enumerated() {
                if s == 0 { guard i < dims.count else { throw error(node, "shape", "shape element \(i) is 0 but the input has rank \(dims.count)") }; out.append(dims[i]) }
                else { out.append(s) }
            }
            if let m = out.firstIndex(of: -1) {
                // Checked: [2^40, 2^40, -1] must not overflow.
                let known = Shape.elements(out.enumerated().filter { $0.offset != m }.map(\.element))
                guard let known, known > 0, total % known == 0 else { throw error(node, "shape", "cannot reshape \(dims) (\(total) elements) to \(shape)") }
                out[m] = total / known
            }
            guard out.allSatisfy({ $0 >= 1 }), Shape.elements(out) == total else {
                throw error(node, "shape", "cannot reshape \(dims) (\(total) elements) to \(shape)")
            }
            // The batch keeps its axis (0 copies it, -1 infers it) and only
            // 1s before it: [0, 2, 4] or [-1, 8] of [N, 8], not [-1] or [8, -1].
            if let b = batch {
                guard b < shape.count, shape[b] == 0 || shape[b] == -1, out[...b].allSatisfy({ $0 == 1 }) else {
                    throw mixesEvents("Reshape to \(shape)")
                }
            }
        case "Squeeze":
            let axes = hasInput(node, 1) ? try integers(node, 1, "axes") : try intsAttribute(node, "axes")
            if let axes {
                var drop = Set<Int>()
                for a in axes {
                    let r = try axis(a, rank: dims.count, node, "axes")
                    guard dims[r] == 1 else { throw error(node, "axes", "cannot squeeze axis \(a) of size \(dims[r])") }
                    drop.insert(r)
                }
                if let b = batch {
                    guard !drop.contains(b) else { throw mixesEvents("Squeeze of axes \(axes)") }
                    batch = b - drop.filter { $0 < b }.count
                }
                out = dims.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
                moved = dims.indices.map { i in drop.contains(i) ? nil : i - drop.filter { $0 < i }.count }
            } else {
                // Every axis of size 1 except the batch, which is 1 only here.
                let kept = dims.indices.filter { dims[$0] != 1 || $0 == batch }
                batch = batch.flatMap { kept.firstIndex(of: $0) }
                out = kept.map { dims[$0] }
                moved = dims.indices.map { kept.firstIndex(of: $0) }
            }
        case "Unsqueeze":
            guard let axes = hasInput(node, 1) ? try integers(node, 1, "axes") : try intsAttribute(node, "axes") else {
                throw error(node, "axes", "Unsqueeze needs axes")
            }
            let rank = dims.count + axes.count
            guard rank <= ONNXLimits.maxRank else {
                throw error(node, "axes", "the result would have rank \(rank); at most \(ONNXLimits.maxRank)")
            }
            var inserted = Set<Int>()
            for a in axes {
                // [0, 0] or [1, -3] (the same axis twice) is invalid ONNX.
                guard inserted.insert(try axis(a, rank: rank, node, "axes")).inserted else {
                    throw error(node, "axes", "axes \(axes) name axis \(a < 0 ? a + rank : a) twice")
                }
            }
            out = []
            var k = 0
            var batchMoved: Int?
            var positions: [Int?] = []
            for i in 0..<rank {
                if inserted.contains(i) { out.append(1) } else {
                    if k == batch { batchMoved = i }
                    positions.append(i)
                    out.append(dims[k]); k += 1
                }
            }
            batch = batchMoved
            moved = positions
        default: // Transpose
            let p = try intsAttribute(node, "perm") ?? Array((0..<dims.count).reversed())
            guard p.count == dims.count, Set(p) == Set(0..<dims.count) else {
                throw error(node, "perm", "perm \(p) is not a permutation of the input's \(dims.count) axes")
            }
            perm = p
            out = p.map { dims[$0] }
            batch = batch.flatMap { p.firstIndex(of: $0) }
        }
        guard out.count <= ONNXLimits.maxRank else { throw error(node, nil, "the result has rank \(out.count); at most \(ONNXLimits.maxRank)") }
        switch input {
        case .constant(var c):
            if let perm {
                (c.dims, c.values) = Broadcast.transpose(c.values, dims: c.dims, perm: perm)
                if let f = c.factored {
                    let codes = Broadcast.transpose(f.codes, dims: dims, perm: perm).values
                    let scales = Broadcast.transpose(f.scales, dims: dims, perm: perm).values
                    c.factored = (codes, scales)
                }
            } else {
                c.dims = out
            }
            try define(node, .constant(c))
        case .dynamic(var d):
            var layout = order(d)
            if let perm {
                // The batch counts as a long axis (it has many events): no
                // feature axis may move ahead of it.
                if let b = d.batchAxis, let i = perm.firstIndex(of: b), perm[..<i].contains(where: { dims[$0] != 1 }) {
                    throw error(node, "perm", "Transpose \(perm) of a tensor of shape \(dims) (batch axis \(b)) moves data across events: the batch axis must stay ahead of every feature axis")
                }
                // No data moves: the graph IR tensor is the same, read through a new layout.
                let inverse = dims.indices.map { perm.firstIndex(of: $0)! }
                layout = layout.map { inverse[$0] }
            } else if let moved {
                // Axes of size 1 come and go; the others keep their order.
                let kept = layout.compactMap { moved[$0] }
                layout = out.indices.filter { !kept.contains($0) } + kept
            } else {
                layout = Array(out.indices)  // Flatten, Reshape: read in ONNX order above
            }
            d.dims = out
            d.batchAxis = batch
            d.layout = Self.sameData(out, layout, Array(out.indices)) ? nil : layout
            try define(node, .dynamic(d))
        }
    }
}

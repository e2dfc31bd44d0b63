import FixedPoint
import Foundation
import ModelIR
import Passes

/// ReduceSum, ReduceMean, ReduceMax, GlobalAveragePool, GlobalMaxPool: a
/// `reduce` node over the graph IR axes that hold the reduced ONNX axes (no
/// data moves: the tensor is read in its own layout), or `sum` when every
/// element is summed.
extension GraphImporter {
    mutating func importReduce(_ node: Onnx_NodeProto) throws(QONNXError) {
        let x = try dynamic(node, 0, "data")
        let kind: Reduction.Kind = node.opType == "ReduceSum" ? .sum : node.opType == "ReduceMean" ? .mean : .max
        let keep = try intAttribute(node, "keepdims") ?? 1
        // Axes are an input from opset 13 (ReduceSum) or 18 (the others); an attribute before.
        let listed = hasInput(node, 1) ? try integers(node, 1, "axes") : try intsAttribute(node, "axes")
        var reduced = Set<Int>()
        for a in listed ?? [] { reduced.insert(try axis(a, rank: x.dims.count, node, "axes")) }
        if (listed ?? []).isEmpty {
            guard try intAttribute(node, "noop_with_empty_axes") ?? 0 == 0 else {
                try define(node, .dynamic(x))
                return
            }
            reduced = Set(x.dims.indices)
        }
        try reduce(node, x, kind: kind, axes: reduced, keepDims: keep != 0)
    }

    /// GlobalAveragePool, GlobalMaxPool: a mean or max over the spatial axes of NC…, keeping them as 1s.
    mutating func importGlobalPool(_ node: Onnx_NodeProto) throws(QONNXError) {
        let x = try dynamic(node, 0, "X")
        guard x.dims.count >= 3 else {
            throw error(node, "X", "input of shape \(x.dims) has no spatial axes ([N, C, spatial...])")
        }
        try reduce(node, x, kind: node.opType == "GlobalMaxPool" ? .max : .mean, axes: Set(2..<x.dims.count), keepDims: true)
    }

    mutating func reduce(_ node: Onnx_NodeProto, _ input: DynamicTensor, kind: Reduction.Kind, axes reduced: Set<Int>,
                         keepDims: Bool) throws(QONNXError) {
        var x = input
        let what = node.opType
        if let b = x.batchAxis, reduced.contains(b) {
            throw error(node, "axes", "\(what) over axes \(reduced.sorted()) of shape \(x.dims) includes the batch axis \(b): it would \(kind == .sum ? "sum" : "reduce") over events; reduce over the feature axes only (e.g. axes=[1])")
        }
        var count = 1
        for a in reduced { count *= x.dims[a] }
        // Only a positive factor commutes with a maximum: any other is applied first.
        if kind == .max, let p = x.pending, p.contains(where: { !($0 > 0) }) { x = try materialize(x, reader: "", source: node) }
        let pending = try uniformPending(&x, node)
        let r = ValueRange(of: x.type)
        let type: FixedType
        switch kind {
        case .sum:
            type = try exactType(ValueRange(lo: r.lo * Int128(count), hi: r.hi * Int128(count), fractionBits: r.fractionBits), node, "sum")
        case .mean:
            guard count & (count - 1) == 0 else {
                throw error(node, "axes", "\(what) averages \(count) elements: a mean over a count that is not a power of two is not exact in fixed point (the QONNX executor's float division rounds); use ReduceSum and fold 1/\(count) into the next layer's weights")
            }
            type = try meanType(x.type, counts: [count], node)
        case .max:
            type = x.type
        }
        // The graph IR axes in the tensor's own layout, without the batch.
        let irAxes = order(x).filter { $0 != x.batchAxis }
        let outDims = keepDims ? x.dims.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
                               : x.dims.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)
        let renumber = { (a: Int) -> Int in keepDims ? a : a - reduced.filter { $0 < a }.count }
        let batch = x.batchAxis.map(renumber)
        let layout = order(x).filter { keepDims || !reduced.contains($0) }.map(renumber)
        var y = DynamicTensor(tensor: x.tensor, dims: outDims.isEmpty ? [1] : outDims, type: type, pending: nil, soleUse: true,
                              batchAxis: batch, layout: outDims.isEmpty ? nil : layout)
        if count == 1 {
            // Only axes of size 1: the same elements.
            y.tensor = x.tensor
            y.type = x.type
            y.soleUse = x.soleUse
        } else {
            let everything = x.dims.indices.allSatisfy { reduced.contains($0) || x.dims[$0] == 1 || $0 == x.batchAxis }
            let op: Op
            var source = x.tensor
            if kind == .sum && everything {
                op = .sum
            } else {
                source = try view(x, axes: irAxes, source: node)
                op = .reduce(Reduction(kind: kind, axes: irAxes.indices.filter { reduced.contains(irAxes[$0]) }))
            }
            y.tensor = try emit(hint(node), op, inputs: [source], precision: LayerPrecision(result: type),
                                absorbable: kind != .max, source: node)
        }
        if let p = pending { y.pending = Array(repeating: p, count: y.count) }
        try define(node, .dynamic(y))
    }
}

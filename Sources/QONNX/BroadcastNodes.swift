import FixedPoint
import Foundation
import ModelIR
import Passes

/// Add, Sub and Mul with numpy broadcasting: two computed tensors of any
/// shapes that broadcast, or a computed tensor and a constant that repeats it.
extension GraphImporter {
    /// Add, Sub or Mul of two computed tensors, with numpy broadcasting:
    /// tensors of the same shape and layout are combined as they are; any
    /// other pair is read in ONNX order, each in its shape padded to the
    /// result's rank, and the graph IR op broadcasts (`[1, 4, 1] + [1, 1, 4]`
    /// is the 4 × 4 outer sum, as in numpy).
    mutating func importBinary(_ node: Onnx_NodeProto, _ a: DynamicTensor, _ b: DynamicTensor) throws(QONNXError) {
        guard let shape = Broadcast.shape(a.dims, b.dims) else {
            throw error(node, nil, "shapes \(a.dims) and \(b.dims) do not broadcast")
        }
        guard let n = Shape.elements(shape), n <= 1_000_000 else {
            throw error(node, nil, "shapes \(a.dims) and \(b.dims) broadcast to \(shape), more than 1000000 elements")
        }
        // The batch axes, aligned to the result's rank, must be the same one.
        let ba = a.batchAxis.map { $0 + shape.count - a.dims.count }, bb = b.batchAxis.map { $0 + shape.count - b.dims.count }
        if let ba, let bb, ba != bb {
            throw error(node, nil, "the batch axes of shapes \(a.dims) and \(b.dims) differ (axes \(ba) and \(bb) of the result): the operation would combine values of different events")
        }
        let batch = ba ?? bb
        if let batch, shape[batch] != 1 {
            throw error(node, nil, "shapes \(a.dims) and \(b.dims) broadcast to \(shape): the batch axis \(batch) would repeat an event")
        }
        var x = a, y = b
        let sameShape = n == a.count && n == b.count
        let irA = (irShapes[a.tensor] ?? []).drop { $0 == 1 }, irB = (irShapes[b.tensor] ?? []).drop { $0 == 1 }
        let asIs = sameShape && Array(irA) == Array(irB)
            && ((isCanonical(a) && isCanonical(b)) || (a.dims == b.dims && Self.sameData(a.dims, order(a), order(b))))
        var layout: [Int]? = nil
        if asIs {
            layout = a.dims == shape ? a.layout : b.dims == shape ? b.layout : nil
        } else {
            // A factor that varies would have to be broadcast too: applied
            // first; one for every element stays pending.
            var px: Double?, py: Double?
            if !sameShape {
                px = try uniformPending(&x, node)
                py = try uniformPending(&y, node)
            }
            x = try broadcastView(x, to: shape, batch: batch, node)
            y = try broadcastView(y, to: shape, batch: batch, node)
            if let px { x.pending = Array(repeating: px, count: n) }
            if let py { y.pending = Array(repeating: py, count: n) }
        }
        var pending: [Double]?
        if node.opType == "Mul" {
            if x.pending != nil || y.pending != nil {
                let px = x.pending ?? Array(repeating: 1, count: n), py = y.pending ?? Array(repeating: 1, count: n)
                pending = zip(px, py).map { $0 * $1 }
            }
            x.pending = nil; y.pending = nil
        } else if x.pending == y.pending {
            pending = x.pending
            x.pending = nil; y.pending = nil
        } else {
            x = try materialize(x, reader: "", source: node)
            y = try materialize(y, reader: "", source: node)
        }
        let rx = ValueRange(of: x.type), ry = ValueRange(of: y.type)
        let op: Op
        let range: ValueRange
        switch node.opType {
        case "Add": op = .add; range = rx + ry
        case "Sub": op = .subtract; range = rx - ry
        default: op = .multiply; range = rx * ry
        }
        let type = try exactType(range, node, "result")
        let name = try emit(hint(node), op, inputs: [x.tensor, y.tensor], precision: LayerPrecision(result: type), absorbable: true, source: node)
        try define(node, .dynamic(DynamicTensor(tensor: name, dims: shape, type: type,
                                                pending: pending, soleUse: true, batchAxis: batch, layout: layout)))
    }

    /// `d` repeated to `shape` by numpy broadcasting (a `gather` node), in ONNX order.
    mutating func repeated(_ d: DynamicTensor, to shape: [Int], _ node: Onnx_NodeProto) throws(QONNXError) -> DynamicTensor {
        guard let n = Shape.elements(shape), n <= 1_000_000 else {
            throw error(node, nil, "shape \(d.dims) broadcasts to \(shape), more than 1000000 elements")
        }
        let batch = d.batchAxis.map { $0 + shape.count - d.dims.count }
        if let batch, shape[batch] != 1 {
            throw error(node, nil, "shape \(d.dims) broadcasts to \(shape): the batch axis \(batch) would repeat an event")
        }
        var e = d
        let p = try uniformPending(&e, node)
        e = try broadcastView(e, to: shape, batch: batch, node)
        let target = shape.enumerated().filter { $0.offset != batch }.map(\.element)
        let indices = Shapes.broadcastIndices(from: irShapes[e.tensor] ?? [], to: target)
        e.tensor = try emit(hint(node, suffix: "_broadcast"), .gather(indices), inputs: [e.tensor], precision: LayerPrecision(),
                            absorbable: false, source: node)
        e.dims = shape
        e.batchAxis = batch
        e.layout = nil
        e.pending = p.map { Array(repeating: $0, count: n) }
        e.soleUse = true
        return e
    }

    /// `d` in ONNX order with the graph IR shape of its dimensions padded
    /// to `shape`'s rank, without the batch axis: what the graph IR's numpy
    /// broadcast reads. A pending factor is per element only when `d` has
    /// the result's shape (the caller applied any other).
    mutating func broadcastView(_ d: DynamicTensor, to shape: [Int], batch: Int?, _ node: Onnx_NodeProto) throws(QONNXError) -> DynamicTensor {
        var e = try canonical(d, source: node)
        let padded = Array(repeating: 1, count: shape.count - d.dims.count) + d.dims
        let wanted = padded.enumerated().filter { $0.offset != batch }.map(\.element)
        if irShapes[e.tensor] != wanted {
            e.tensor = try emit(e.tensor + "_r", .reshape(wanted.isEmpty ? [1] : wanted), inputs: [e.tensor], precision: LayerPrecision(),
                                absorbable: false, source: node)
        }
        return e
    }
}

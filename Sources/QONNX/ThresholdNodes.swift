import FixedPoint
import Foundation
import ModelIR
import Passes

/// FINN's `MultiThreshold` (domains qonnx.custom_op.general and
/// finn.custom_op.general) as a graph threshold node, exactly as the QONNX
/// executor computes it: each element counts the thresholds of its channel
/// it reaches (`x >= t`, the input's exact value against the threshold as
/// stored), then `out_scale * n + out_bias` in float32.
extension GraphImporter {
    mutating func importMultiThreshold(_ node: Onnx_NodeProto) throws(QONNXError) {
        var x = try dynamic(node, 0, "input")
        // A pending power-of-two scale becomes an exact scaling first; others are refused.
        x = try materialize(x, reader: "", source: node)
        let t = try constant(node, 1, "thresholds")
        guard t.dims.count == 2, t.dims[0] >= 1, t.dims[1] >= 1 else {
            throw error(node, "thresholds", "thresholds have shape \(t.dims); expected [channels, steps] (or [1, steps] for one shared list)")
        }
        let (lists, steps) = (t.dims[0], t.dims[1])
        guard t.values.allSatisfy(\.isFinite) else {
            throw error(node, "thresholds", "a threshold is not finite (\(t.values.first { !$0.isFinite }!))")
        }
        let scale = try floatAttribute(node, "out_scale") ?? 1
        let bias = try floatAttribute(node, "out_bias") ?? 0
        guard scale != 0 else { throw error(node, "out_scale", "out_scale is 0: every output would be out_bias") }

        // The channel axis, as the executor finds it: the 'C' of data_layout,
        // else NC / NWC / NCHW by rank.
        let rank = x.dims.count
        let layout = try stringAttribute(node, "data_layout") ?? ""
        let channelAxis: Int
        if !layout.isEmpty {
            guard layout.count == rank, let c = layout.firstIndex(of: "C") else {
                throw error(node, "data_layout", "data_layout '\(layout)' does not name the \(rank) axes of the input \(x.dims) with one 'C'")
            }
            channelAxis = layout.distance(from: layout.startIndex, to: c)
        } else {
            guard rank >= 2, rank <= 4 else { throw error(node, "data_layout", "an input of rank \(rank) needs a data_layout naming its channel axis") }
            channelAxis = rank == 3 ? 2 : 1
        }
        let channels = x.dims[channelAxis]
        guard lists == 1 || lists == channels else {
            throw error(node, "thresholds", "thresholds have \(lists) lists; the input \(x.dims) has \(channels) channels on axis \(channelAxis) (expected \(channels) lists or 1)")
        }
        // The graph op reads list i mod C: the channel must be the innermost axis that is not 1.
        if lists > 1, x.dims[(channelAxis + 1)...].contains(where: { $0 != 1 }) {
            throw error(node, "data_layout", "per-channel thresholds on axis \(channelAxis) of \(x.dims) with other axes after it are not supported (channels-last layouts are)")
        }

        // Counting does not depend on the order: sorted lists give the same counts.
        let sorted = (0..<lists).map { c in Array(t.values[(c * steps)..<((c + 1) * steps)]).sorted() }
        // The executor's float32 output for each count must equal the exact value.
        var levels: [Double] = []
        for n in 0...steps {
            let exact = bias + scale * Double(n)
            let float32 = Double(Float(scale) * Float(n) + Float(bias))
            guard exact == float32 else {
                throw error(node, "out_scale", "out_scale \(scale) * \(n) + out_bias \(bias) is \(exact) exactly but \(float32) in the executor's float32; such outputs are not supported")
            }
            levels.append(exact)
        }
        let type = try exactType(levels, node, "output levels")
        let name = try emit(hint(node), .threshold(Thresholds(thresholds: sorted, outScale: scale, outBias: bias)), inputs: [x.tensor],
                        precision: LayerPrecision(result: type), absorbable: false, source: node)
        try define(node, .dynamic(DynamicTensor(tensor: name, dims: x.dims, type: type, pending: nil, soleUse: true, batchAxis: x.batchAxis)))
    }
}

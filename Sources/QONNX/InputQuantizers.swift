import FixedPoint
import Foundation
import ModelIR
import Passes

/// Model inputs quantized by a `Quant` whose scale is not a power of two
/// (Brevitas's float input scale) or by a `BipolarQuant` (FINN's binarized
/// inputs), with no `--input-type` (issue 26): the design reads the integer
/// codes (an `ap_int`/`ap_uint` of the Quant's bit width, `ap_int<2>` for
/// ±1) and the graph records the executor's quantizer, which `predict`,
/// `simulate` and `csim` apply to float events. The Quant becomes a no-op;
/// its float value is the code times the scale, pending on the codes when
/// every product is exact in float32, else a float chain step (only a Quant
/// or a graph output may read that).
extension GraphImporter {
    /// The quantizer for graph input `tensor` of ONNX shape `dims`, or nil
    /// when the existing paths apply (a power-of-two Quant, `--input-type`).
    func floatInput(_ tensor: String, dims: [Int]) throws(QONNXError) -> (quantizer: InputQuantizer, type: FixedType, node: Onnx_NodeProto)? {
        guard options.inputType == nil, !graphOutputs.contains(tensor) else { return nil }
        let readers = (nodesReading[tensor] ?? []).map { model.graph.node[$0] }
        guard readers.count == 1, let q = readers.first, q.input.first == tensor,
              QONNXImporter.quantDomains.contains(q.domain), readers[0].input.dropFirst().allSatisfy({ $0 != tensor }) else { return nil }
        let double = elementIsDouble
        if q.opType == "BipolarQuant" {
            let scale = try constant(q, 1, "scale")
            if let bad = scale.values.firstIndex(where: { !($0 > 0) }) {
                throw error(q, "scale", "scale element \(bad) is \(scale.values[bad]); scales must be positive")
            }
            let scales = try broadcast(scale, to: dims, q, "scale")
            return (InputQuantizer(scale: scales, bitWidth: 1, signed: true, narrow: false, rounding: "ROUND", bipolar: true, double: double),
                    try codeType(signed: true, width: 2, q), q)
        }
        guard isQuant(q), try dynamicQuantType(q, pending: nil, dims: dims) == nil else { return nil }
        let p = try quantParameters(q)
        guard p.zeroPoint.values.allSatisfy({ $0 == 0 }) else {
            throw error(q, "zeropt", "a float-scale Quant of a model input needs zero point 0 (got \(p.zeroPoint.values.prefix(4)))")
        }
        guard p.bitWidth >= 2 || !p.signed, p.bitWidth <= 32 else {
            throw error(q, "bitwidth", "a float-scale Quant of a model input needs 2 to 32 bits (1 unsigned), got \(p.bitWidth)")
        }
        let scales = try broadcast(p.scale, to: dims, q, "scale")
        let quantizer = InputQuantizer(scale: scales, bitWidth: p.bitWidth, signed: p.signed, narrow: p.narrow,
                                       rounding: p.rounding, bipolar: false, double: double)
        return (quantizer, try codeType(signed: p.signed, width: p.bitWidth, q), q)
    }

    /// `ap_int<width>` / `ap_uint<width>`: the codes the design reads.
    func codeType(signed: Bool, width: Int, _ node: Onnx_NodeProto) throws(QONNXError) -> FixedType {
        do { return try FixedType(signed: signed, width: width, integerBits: width) } catch {
            throw self.error(node, "bitwidth", "no integer type of \(width) bits: \(error)")
        }
    }

    /// The input's value as the Quant's output: codes with the scale pending,
    /// or a float chain when some code times its scale rounds in float32.
    func quantizedInput(_ d: DynamicTensor, _ quantizer: InputQuantizer, node: Onnx_NodeProto) -> DynamicTensor {
        var out = d
        let codes = quantizer.bipolar ? [-1.0, 1.0] : Array(stride(from: Double(d.type.minRaw), through: Double(d.type.maxRaw), by: 1))
        let rounds = Set(quantizer.scale).contains { s in
            codes.contains { c in
                let product = c * s
                return (-product).addingProduct(c, s) != 0 || Double(Float(product)) != product
            }
        }
        if rounds {
            out.chain = FloatChain(steps: [.multiply(quantizer.scale)])
            out.chainSources = [Self.label(node)]
        } else if !quantizer.scale.allSatisfy({ $0 == 1 }) {
            out.pending = quantizer.scale
        }
        return out
    }
}

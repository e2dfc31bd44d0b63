import FixedPoint
import Foundation
import ModelIR
import Passes

/// The parameters of a QONNX `Quant` (`IntQuant`) node.
struct QuantParameters {
    var scale: ConstantTensor
    var zeroPoint: ConstantTensor
    var bitWidth: Int
    var signed: Bool
    var narrow: Bool
    var rounding: String
}

extension GraphImporter {
    func quantParameters(_ node: Onnx_NodeProto) throws(QONNXError) -> QuantParameters {
        let scale = try constant(node, 1, "scale")
        let zeroPoint = try constant(node, 2, "zeropt")
        let bits = try constant(node, 3, "bitwidth")
        guard let b = bits.scalar, b == b.rounded(), b >= 1, b <= 64 else {
            throw error(node, "bitwidth", "bitwidth must be one integer from 1 to 64, got \(bits.values.prefix(4))")
        }
        guard let signed = try intAttribute(node, "signed") else { throw error(node, "signed", "attribute 'signed' is missing (QONNX requires it)") }
        guard let narrow = try intAttribute(node, "narrow") else { throw error(node, "narrow", "attribute 'narrow' is missing (QONNX requires it)") }
        let rounding = (try stringAttribute(node, "rounding_mode") ?? "ROUND").uppercased()
        guard QONNXRounding.known.contains(rounding) else {
            throw error(node, "rounding_mode", "unknown rounding_mode '\(rounding)'; QONNX knows " + QONNXRounding.known.joined(separator: ", "))
        }
        if let bad = scale.values.firstIndex(where: { !($0 > 0) }) {
            throw error(node, "scale", "scale element \(bad) is \(scale.values[bad]); scales must be positive")
        }
        // An empty scale (dims [0]) broadcasts to nothing: refused by name.
        for (what, c) in [("scale", scale), ("zeropt", zeroPoint)] where c.count == 0 {
            throw error(node, what, "\(what) is empty (shape \(c.dims)); it needs one value, or one per channel")
        }
        return QuantParameters(scale: scale, zeroPoint: zeroPoint, bitWidth: Int(b), signed: signed != 0,
                               narrow: narrow != 0, rounding: rounding)
    }

    /// The broadcast of a parameter to `dims`, or an error when it does not broadcast.
    func broadcast(_ c: ConstantTensor, to dims: [Int], _ node: Onnx_NodeProto, _ what: String) throws(QONNXError) -> [Double] {
        guard let shape = Broadcast.shape(dims, c.dims), let n = Shape.elements(shape), n == Shape.elements(dims) else {
            throw error(node, what, "\(what) of shape \(c.dims) does not broadcast to the input's shape \(dims)")
        }
        return Broadcast.expand(c.values, dims: c.dims, to: dims)
    }

    /// The type a `Quant` node gives a computed tensor whose ONNX value is
    /// `pending * v`: the node divides by its scale, so `pending / scale`
    /// must be one power of two `2^F` for every element; the result is
    /// `ap_fixed<b, b-F>` (or `ap_ufixed`) with the node's rounding and
    /// saturation. Nil when the ratio is not a uniform power of two.
    func dynamicQuantType(_ node: Onnx_NodeProto, pending: [Double]?, dims: [Int]? = nil) throws(QONNXError) -> (type: FixedType, ratio: Double)? {
        let p = try quantParameters(node)
        if let bad = p.zeroPoint.values.first(where: { $0 != 0 }) {
            throw error(node, "zeropt", "zero point \(bad) is not supported: fixed-point types have zero point 0")
        }
        guard !(p.bitWidth == 1 && p.signed) else {
            throw error(node, "bitwidth", "a signed 1-bit Quant is bipolar (±scale); use BipolarQuant semantics — not supported on this path")
        }
        if p.narrow && !p.signed {
            throw error(node, "narrow", "narrow unsigned quantization (0 to 2^b-2) has no ap_ufixed equivalent")
        }
        guard let q = QONNXRounding.apMode(p.rounding) else {
            throw error(node, "rounding_mode", "rounding_mode \(p.rounding) (toward +infinity or away from zero) has no ap_fixed quantization mode; use ROUND, FLOOR, DOWN, HALF_UP or HALF_DOWN")
        }
        let n = dims?.reduce(1, *) ?? p.scale.count
        let scales = dims.map { d -> [Double]? in try? broadcast(p.scale, to: d, node, "scale") } ?? p.scale.values
        guard let scales, scales.count == n else {
            throw error(node, "scale", "scale of shape \(p.scale.dims) does not broadcast to the input's shape \(dims ?? [])")
        }
        guard n >= 1 else { throw error(node, "scale", "scale is empty") }
        var ratio: Double?
        for i in 0..<n {
            let r = (pending?[i] ?? 1) / scales[i]
            guard ExactTypes.isPowerOfTwo(r), (ratio == nil || ratio == r) else { return nil }
            ratio = r
        }
        let f = ratio!.exponent  // 2^F = pending / scale: the LSB of the codes is 2^-F
        let width = p.bitWidth
        do {
            let type = try FixedType(signed: p.signed, width: width, integerBits: width - Int(f), quantization: q,
                                     overflow: p.narrow ? .satSym : .sat)
            return (type, ratio!)
        } catch {
            throw self.error(node, "scale", "no fixed-point type matches bitwidth \(width) with scale 2^\(-Int(f)): \(error)")
        }
    }

    /// A Quant on a computed tensor: its type becomes the producing node's
    /// result type when only it reads that node, else a linear node.
    mutating func importQuant(_ node: Onnx_NodeProto) throws(QONNXError) {
        let input = try value(node, 0, "input", allowChain: true)
        if let out = node.output.first, passThroughQuants.contains(out) {
            try define(node, input)
            return
        }
        switch input {
        case .constant(let c):
            try define(node, .constant(try quantizeConstant(c, node)))
        case .dynamic(var d):
            let p = try quantParameters(node)
            if d.chain != nil {
                // A float chain: its staircase, whatever the scale (FloatScaleQuant.swift).
                guard !(p.bitWidth == 1 && p.signed) else {
                    throw error(node, "bitwidth", "a 1-bit signed (bipolar) Quant of a float chain is not supported; use a 2-bit Quant or BipolarQuant on the accumulator")
                }
                try define(node, .dynamic(try importFloatScaleQuant(d, p, node)))
                return
            }
            // A scale per channel is laid out in ONNX order: read the tensor in that order.
            if !isCanonical(d), !p.scale.values.allSatisfy({ $0 == p.scale.values[0] }) { d = try canonical(d, source: node) }
            if p.bitWidth == 1 && p.signed {
                let scales = try broadcast(p.scale, to: d.dims, node, "scale")
                try define(node, .dynamic(try importBipolar(d, scales: scales, node)))
                return
            }
            var folded = try dynamicQuantType(node, pending: d.pending, dims: d.dims)
            if folded == nil, d.pending != nil, let applied = try? materialize(d, reader: "", source: node) {
                // The scale does not cancel: apply it exactly first, then quantize.
                d = applied
                folded = try dynamicQuantType(node, pending: nil, dims: d.dims)
            }
            if folded == nil, !(p.narrow && !p.signed) {
                // Not a power of two: the executor's float staircase as integer thresholds (FloatScaleQuant.swift).
                try define(node, .dynamic(try importFloatScaleQuant(d, p, node)))
                return
            }
            guard let (type, _) = folded else {
                let scales = (try? broadcast(p.scale, to: d.dims, node, "scale")) ?? p.scale.values
                let detail: String
                if let pending = d.pending {
                    let i = (0..<min(pending.count, scales.count)).first { !ExactTypes.isPowerOfTwo(pending[$0] / scales[$0]) } ?? 0
                    detail = "its scale \(scales[i]) (element \(i)) does not cancel the earlier scale \(pending[i]) to a power of two"
                } else if let bad = scales.first(where: { !ExactTypes.isPowerOfTwo($0) }) {
                    detail = "its scale \(bad) is not a power of two"
                } else {
                    detail = "its scale differs between elements (\(scales.min()!) to \(scales.max()!)); one tensor has one fixed-point type"
                }
                throw error(node, "scale", "\(detail): hepml-compile maps Quant nodes on computed tensors to ap_fixed types, which need one power-of-two scale (a per-channel scale on weights is folded into the next Quant when exact)")
            }
            try define(node, .dynamic(try quantizeDynamic(d, to: type, node)))
        }
    }

    /// Gives `d` the type `type` (absorbed by its producer, or a linear node).
    mutating func quantizeDynamic(_ d: DynamicTensor, to type: FixedType, _ node: Onnx_NodeProto) throws(QONNXError) -> DynamicTensor {
        var out = d
        out.type = type
        if d.soleUse, absorbable.contains(d.tensor), let i = nodeIndex[d.tensor] {
            nodes[i].precision.result = type
            nodes[i].sourceLayers.append(String((node.name.isEmpty ? hint(node) : node.name).prefix(200)))
            absorbable.remove(d.tensor)
            out.soleUse = true
            return out
        }
        out.tensor = try emit(hint(node), .activation(.linear), inputs: [d.tensor], precision: LayerPrecision(result: type),
                          absorbable: false, source: node)
        out.soleUse = true
        return out
    }

    /// A Quant on a constant: computed here as the executor computes it, in
    /// the model's element type. A power-of-two scale records the type of
    /// the codes; any other scale keeps codes and scales apart for folding.
    func quantizeConstant(_ c: ConstantTensor, _ node: Onnx_NodeProto) throws(QONNXError) -> ConstantTensor {
        let p = try quantParameters(node)
        guard c.count >= 1 else { throw error(node, "input", "the constant input is empty") }
        for (what, t) in [("scale", p.scale), ("zeropt", p.zeroPoint)] {
            guard let shape = Broadcast.shape(c.dims, t.dims), Shape.elements(shape) == c.count else {
                throw error(node, what, "\(what) of shape \(t.dims) does not broadcast to the input's shape \(c.dims)")
            }
        }
        // The parameters are read through views: a per-tensor scale on a
        // large weight tensor is not copied once per element.
        let scales = BroadcastView(p.scale.values, dims: p.scale.dims, to: c.dims)
        let zeros = BroadcastView(p.zeroPoint.values, dims: p.zeroPoint.dims, to: c.dims)
        let uniform = p.scale.values.allSatisfy { $0 == p.scale.values[0] }
        let allZero = p.zeroPoint.values.allSatisfy { $0 == 0 }
        let bipolar = p.bitWidth == 1 && p.signed
        let keepCodes = allZero && !bipolar && !p.scale.values.allSatisfy(ExactTypes.isPowerOfTwo)
        var values = [Double](repeating: 0, count: c.count)
        var codes = keepCodes ? [Double](repeating: 0, count: c.count) : []
        for i in 0..<c.count {
            let value: Double, code: Double
            if elementIsDouble {
                let r = qonnxIntQuant(c.values[i], scale: scales[i], zeroPoint: zeros[i], bitWidth: p.bitWidth,
                                      signed: p.signed, narrow: p.narrow, rounding: p.rounding)
                (value, code) = (r.value, r.code)
            } else {
                let r = qonnxIntQuant(Float(c.values[i]), scale: Float(scales[i]), zeroPoint: Float(zeros[i]),
                                      bitWidth: p.bitWidth, signed: p.signed, narrow: p.narrow, rounding: p.rounding)
                (value, code) = (Double(r.value), Double(r.code))
            }
            values[i] = value
            if keepCodes { codes[i] = code }
        }
        var out = ConstantTensor(dims: c.dims, values: values)
        if allZero, !bipolar {
            let s0 = p.scale.values[0]
            if uniform, ExactTypes.isPowerOfTwo(s0), !(p.narrow && !p.signed) {
                let f = -Int(s0.exponent)
                out.quantType = try? FixedType(signed: p.signed, width: p.bitWidth, integerBits: p.bitWidth - f,
                                               quantization: QONNXRounding.apMode(p.rounding) ?? .trn,
                                               overflow: p.narrow ? .satSym : .sat)
            } else if keepCodes {
                out.factored = (codes, Broadcast.expand(p.scale.values, dims: p.scale.dims, to: c.dims))
            }
        }
        return out
    }

    /// `BipolarQuant`: `x >= 0 ? +scale : -scale`.
    mutating func importBipolarQuant(_ node: Onnx_NodeProto) throws(QONNXError) {
        if let out = node.output.first, passThroughQuants.contains(out) {
            return try define(node, try value(node, 0, "input", allowChain: true))
        }
        let scale = try constant(node, 1, "scale")
        if let bad = scale.values.firstIndex(where: { !($0 > 0) }) {
            throw error(node, "scale", "scale element \(bad) is \(scale.values[bad]); scales must be positive")
        }
        switch try value(node, 0, "input") {
        case .constant(let c):
            let s = try broadcast(scale, to: c.dims, node, "scale")
            var out = ConstantTensor(dims: c.dims, values: zip(c.values, s).map { $0 >= 0 ? $1 : -$1 })
            if !s.allSatisfy(ExactTypes.isPowerOfTwo) { out.factored = (c.values.map { $0 >= 0 ? 1 : -1 }, s) }
            try define(node, .constant(out))
        case .dynamic(let d):
            try define(node, .dynamic(try importBipolar(d, scales: inIROrder(try broadcast(scale, to: d.dims, node, "scale"), d), node)))
        }
    }

    /// The sign of a computed tensor as ±scale, in three exact steps:
    /// `x + lsb/2` (so that 0 counts as positive), a ReLU saturating to a
    /// 1-bit unsigned type (0 or its one LSB), then `2·scale·y/LSB − scale`.
    /// A scale that is not a power of two stays pending (±1 times it).
    mutating func importBipolar(_ x: DynamicTensor, scales: [Double], _ node: Onnx_NodeProto) throws(QONNXError) -> DynamicTensor {
        if let pending = x.pending, let bad = pending.first(where: { !($0 > 0) }) {
            throw error(node, nil, "the sign of a tensor scaled by \(bad) (not positive) is not supported")
        }
        var input = x
        input.pending = nil  // a positive factor does not change the sign
        let f = input.type.fractionBits
        let half = Double(sign: .plus, exponent: -f - 1, significand: 1)
        let shifted = try emitAffine(input, scale: Array(repeating: 1, count: x.count), shift: Array(repeating: half, count: x.count),
                                     node: node, hint: hint(node, suffix: "_bias"))
        let stepType: FixedType
        do { stepType = try FixedType(signed: false, width: 1, integerBits: -f, quantization: .trn, overflow: .sat) } catch {
            throw self.error(node, nil, "the input's type \(x.type) is too fine for a sign computation: \(error)")
        }
        let stepName = try emit(hint(node, suffix: "_step"), .activation(.relu), inputs: [shifted.tensor],
                            precision: LayerPrecision(result: stepType), absorbable: false, source: node)
        let step = DynamicTensor(tensor: stepName, dims: x.dims, type: stepType, pending: nil, soleUse: true, batchAxis: x.batchAxis,
                                 layout: x.layout)
        let uniformPow2 = scales.allSatisfy(ExactTypes.isPowerOfTwo)
        let target = uniformPow2 ? scales : Array(repeating: 1, count: x.count)
        let gain = target.map { $0 * 2 / half }
        var out = try emitAffine(step, scale: gain, shift: target.map { -$0 }, node: node, hint: hint(node))
        if !uniformPow2 { out.pending = scales }
        return out
    }
}

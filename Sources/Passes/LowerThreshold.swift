import Foundation
import FixedPoint
import ModelIR

extension Lower {
    /// A threshold node on the integer codes of its input: each float
    /// threshold `t` becomes the first input code `c` with `c * 2^-F >= t`
    /// (`ceil(t * 2^F)`, exact in binary floating point), clamped to the
    /// input's codes plus one (a threshold above every code is never
    /// reached), so `x >= t` and `code(x) >= c` agree for every input value.
    /// The output bias and scale must be multiples of the output type's LSB;
    /// the output type is declared, or the narrowest that holds every step.
    mutating func lowerThreshold(_ node: Node, _ t: Thresholds, input x: TensorID) throws(LoweringError) {
        let xType = tensors[x.index].type
        guard xType.width <= 62 else {
            throw LoweringError(layer: node.name, field: "input", message: "thresholds on an input wider than 62 bits are not supported")
        }
        let size = tensors[x.index].size
        let lists = t.thresholds.map { list in list.map { Self.thresholdCode($0, inputType: xType) } }
        let k = Int64(t.thresholds[0].count)
        let type: FixedType
        if let declared = declaredResult(node) {
            type = declared
        } else {
            guard let f = Self.exactFractionBits([t.outBias, t.outScale]) else {
                throw LoweringError(layer: node.name, field: "out_scale",
                                    message: "out_bias \(t.outBias) and out_scale \(t.outScale) are not multiples of a power of two (at most 2^-60): no fixed-point output holds the steps exactly")
            }
            let (lo, hi) = Self.ends(bias: t.outBias, scale: t.outScale, steps: k, fractionBits: f)
            type = try PrecisionInference.holding(ValueRange(lo: lo, hi: hi, fractionBits: f), fractionBits: f,
                                                  modes: base, layer: node.name, field: "precision.result")
        }
        let biasCode = scalbn(t.outBias, type.fractionBits), stepCode = scalbn(t.outScale, type.fractionBits)
        guard biasCode == biasCode.rounded(), stepCode == stepCode.rounded(), abs(biasCode) < 0x1p62, abs(stepCode) < 0x1p62 else {
            throw LoweringError(layer: node.name, field: "precision.result",
                                message: "out_bias \(t.outBias) and out_scale \(t.outScale) are not multiples of the LSB of \(type)")
        }
        let op = ThresholdOp(thresholds: lists, outputBias: Int64(biasCode), outputStep: Int64(stepCode))
        let (lo, hi) = Self.ends(bias: t.outBias, scale: t.outScale, steps: k, fractionBits: type.fractionBits)
        guard lo >= Int128(type.minRaw), hi <= Int128(type.maxRaw) else {
            throw LoweringError(layer: node.name, field: "precision.result",
                                message: "the outputs [\(t.outBias), \(t.outBias + t.outScale * Double(k))] do not fit \(type)")
        }
        let r = ValueRange(lo: lo, hi: hi, fractionBits: type.fractionBits)
        emit(node, .threshold(op), inputs: [x], size: size, type: type, ranges: Array(repeating: r, count: size))
    }

    /// The first raw code `c` of `inputType` with `c * 2^-F >= t`, clamped
    /// to `[minRaw, maxRaw + 1]`.
    static func thresholdCode(_ t: Double, inputType: FixedType) -> Int64 {
        let c = scalbn(t, inputType.fractionBits).rounded(.up)
        if c <= Double(inputType.minRaw) { return inputType.minRaw }
        if c > Double(inputType.maxRaw) { return inputType.maxRaw + 1 }
        return Int64(c)
    }

    /// The fewest fractional bits `f` (0 ... 60) with every value a multiple of `2^-f`.
    static func exactFractionBits(_ values: [Double]) -> Int? {
        (0...60).first { f in values.allSatisfy { let v = scalbn($0, f); return v == v.rounded() && abs(v) < 0x1p62 } }
    }

    /// The lowest and highest output codes at `f` fractional bits (codes
    /// below 2^62, so the Int128 arithmetic cannot overflow).
    static func ends(bias: Double, scale: Double, steps: Int64, fractionBits f: Int) -> (Int128, Int128) {
        let b = Int128(scalbn(bias, f)), s = Int128(scalbn(scale, f))
        return (min(b, b + s * Int128(steps)), max(b, b + s * Int128(steps)))
    }
}

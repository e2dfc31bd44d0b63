import FixedPoint

/// QONNX's `rounding_mode` strings (qonnx `resolve_rounding_mode`) and the
/// Vitis quantization mode that rounds the same way on exact values.
public enum QONNXRounding {
    public static let known = ["ROUND", "HALF_EVEN", "CEIL", "FLOOR", "UP", "DOWN", "HALF_UP", "HALF_DOWN"]

    /// The ap_fixed mode with the same rounding, or nil for CEIL and UP
    /// (toward +inf, away from zero), which ap_fixed has no mode for.
    public static func apMode(_ mode: String) -> QuantizationMode? {
        switch mode.uppercased() {
        case "ROUND", "HALF_EVEN": return .rndConv
        case "FLOOR": return .trn
        case "DOWN": return .trnZero
        case "HALF_UP": return .rndInf
        case "HALF_DOWN": return .rndZero
        default: return nil
        }
    }

    /// The QONNX mode that rounds like `mode`, with an offset (in LSBs) to add
    /// before it for the two ap_fixed modes QONNX lacks:
    /// AP_RND = FLOOR(x + 1/2), AP_RND_MIN_INF = CEIL(x - 1/2).
    public static func qonnxMode(_ mode: QuantizationMode) -> (name: String, offset: Double) {
        switch mode {
        case .rndConv: return ("ROUND", 0)
        case .trn: return ("FLOOR", 0)
        case .trnZero: return ("DOWN", 0)
        case .rndInf: return ("HALF_UP", 0)
        case .rndZero: return ("HALF_DOWN", 0)
        case .rnd: return ("FLOOR", 0.5)
        case .rndMinInf: return ("CEIL", -0.5)
        }
    }

    /// numpy's rounding function for `mode`, evaluated in `T` as numpy does
    /// (HALF_UP and HALF_DOWN add or subtract 0.5 in T, which can itself round).
    public static func apply<T: BinaryFloatingPoint>(_ mode: String, _ x: T) -> T? {
        switch mode.uppercased() {
        case "ROUND", "HALF_EVEN": return x.rounded(.toNearestOrEven)
        case "CEIL": return x.rounded(.up)
        case "FLOOR": return x.rounded(.down)
        case "UP": return x.rounded(.awayFromZero)
        case "DOWN": return x.rounded(.towardZero)
        case "HALF_UP": return sign(x) * (abs(x) + 0.5).rounded(.down)
        case "HALF_DOWN": return sign(x) * (abs(x) - 0.5).rounded(.up)
        default: return nil
        }
    }

    public static func sign<T: BinaryFloatingPoint>(_ x: T) -> T { x > 0 ? 1 : (x < 0 ? -1 : 0) }
}

/// qonnx's integer range of a `Quant` node (`min_int`, `max_int`).
public func quantIntegerRange(signed: Bool, narrow: Bool, bitWidth: Int) -> (min: Double, max: Double) {
    let b = Double(bitWidth)
    let lo: Double = signed ? (narrow ? -Double.pow2(b - 1) + 1 : -Double.pow2(b - 1)) : 0
    let hi: Double = signed ? Double.pow2(b - 1) - 1 : (narrow ? Double.pow2(b) - 2 : Double.pow2(b) - 1)
    return (lo, hi)
}

extension Double {
    /// 2^e for an integral `e`.
    public static func pow2(_ e: Double) -> Double { Double(sign: .plus, exponent: Int(e), significand: 1) }
}

/// qonnx `int_quant` on one element, in the element type `T` of the
/// tensors (float32 for FLOAT models), in the executor's order:
/// scale, add the zero point, clamp to the integer range, round, subtract
/// the zero point, rescale. Returns the integer code too.
public func qonnxIntQuant<T: BinaryFloatingPoint>(_ x: T, scale: T, zeroPoint: T, bitWidth: Int, signed: Bool, narrow: Bool,
                                           rounding: String) -> (value: T, code: T) {
    var y = x / scale + zeroPoint
    if bitWidth == 1 && signed {
        y = y >= 0 ? 1 : -1
    } else {
        let (lo, hi) = quantIntegerRange(signed: signed, narrow: narrow, bitWidth: bitWidth)
        if y > T(hi) { y = T(hi) }
        if y < T(lo) { y = T(lo) }
        y = QONNXRounding.apply(rounding, y) ?? y
    }
    let code = y - zeroPoint
    return (code * scale, code)
}

/// How the QONNX executor quantizes a model input whose `Quant` (or
/// `BipolarQuant`) scale is not a power of two (issue 26): the design reads
/// the integer codes; `predict`, `simulate` and `csim` turn float events into
/// codes with this, exactly as the executor's `Quant` does (in float32, or
/// float64 for a DOUBLE model), unless told the events are codes already.
public struct InputQuantizer: Sendable, Equatable {
    /// The scale of each input element (C order).
    public var scale: [Double]
    /// The Quant's `bitwidth`, `signed` and `narrow` (the code range, as qonnx's `min_int`/`max_int`).
    public var bitWidth: Int
    public var signed: Bool
    public var narrow: Bool
    /// A QONNX rounding_mode (``QONNXRounding/known``).
    public var rounding: String
    /// `BipolarQuant`: the code is +1 for x >= 0, else -1.
    public var bipolar: Bool
    /// The executor computes in float64 (a DOUBLE model), else float32.
    public var double: Bool

    public init(scale: [Double], bitWidth: Int, signed: Bool, narrow: Bool, rounding: String, bipolar: Bool, double: Bool) {
        self.scale = scale
        self.bitWidth = bitWidth
        self.signed = signed
        self.narrow = narrow
        self.rounding = rounding
        self.bipolar = bipolar
        self.double = double
    }

    /// The integer code of element `i` for the float event value `x`.
    public func code(_ x: Double, element i: Int) -> Double {
        if bipolar { return (double ? x : Double(Float(x))) >= 0 ? 1 : -1 }
        if double {
            return qonnxIntQuant(x, scale: scale[i], zeroPoint: 0, bitWidth: bitWidth, signed: signed, narrow: narrow, rounding: rounding).code
        }
        return Double(qonnxIntQuant(Float(x), scale: Float(scale[i]), zeroPoint: 0, bitWidth: bitWidth, signed: signed,
                                    narrow: narrow, rounding: rounding).code)
    }
}

import FixedPoint
import ModelIR
import Passes

/// How one `ap_fixed`/`ap_ufixed` assignment is written as QONNX: an
/// optional exact offset added first, then a `Quant` node. The inverse of
/// the importer's type mapping (docs/import-export.md, "Export").
struct QuantSpelling: Equatable {
    /// `2^-F`.
    var scale: Double
    var bitWidth: Int
    var signed: Bool
    var narrow: Bool
    var roundingMode: String
    /// Added before the `Quant` (AP_RND: +½ LSB, AP_RND_MIN_INF: -½ LSB), or 0.
    var offset: Double
}

/// What an export needs to know about one assignment `Q_T(v)`.
enum ExportTypes {
    /// The spelling of assigning a tensor whose elements lie in `ranges` to
    /// `type`, or the reason QONNX cannot compute it. `ranges` nil means any
    /// real value (a model input read from floats).
    ///
    /// A `Quant` node always saturates (clamps before it rounds, which for
    /// integer bounds is the same, docs/numerics.md). So AP_SAT and
    /// AP_SAT_SYM map directly; a wrapping type (AP_WRAP, AP_WRAP_SM,
    /// saturation bits, AP_SAT_ZERO) only when `ranges` prove that no value
    /// overflows, when every overflow mode gives the same result.
    static func spelling(of type: FixedType, ranges: [ValueRange]?) -> Result<QuantSpelling, Refusal> {
        if type.isSigned && type.width == 1 {
            return .failure(Refusal("a signed 1-bit type is bipolar (±scale) in QONNX, not {-1, 0}·2^-F"))
        }
        let saturating = type.overflow == .sat || type.overflow == .satSym
        if !saturating {
            guard let ranges else {
                return .failure(Refusal("QONNX Quant saturates, and an input can take any value, so \(type.overflow.rawValue) overflow cannot be reproduced; declare the input type with AP_SAT"))
            }
            if let range = ranges.first(where: { !fits($0, in: type) }) {
                return .failure(Refusal("QONNX Quant saturates, but values (of an element) in [\(range.loValue.doubleValue), \(range.hiValue.doubleValue)] can overflow this type, where \(type.overflow.rawValue)\(type.saturationBits > 0 ? " with \(type.saturationBits) saturation bits" : "") does not saturate; declare AP_SAT or a wider type"))
            }
        }
        // Values that already lie on the type's grid are not rounded: any mode
        // gives them unchanged, so write the plain (re-importable) ROUND.
        let rounds = ranges.map { $0.contains { $0.fractionBits > type.fractionBits } } ?? true
        let (mode, offsetLSB) = rounds ? QONNXRounding.qonnxMode(type.quantization) : ("ROUND", 0)
        let lsb = pow2(-type.fractionBits)
        return .success(QuantSpelling(scale: lsb, bitWidth: type.width, signed: type.isSigned,
                                      narrow: type.isSigned && type.overflow == .satSym,
                                      roundingMode: mode, offset: offsetLSB * lsb))
    }

    /// Whether every value of `range`, rounded to `type`'s LSB in any
    /// direction, lies in `type`'s codes (so no overflow mode acts).
    static func fits(_ range: ValueRange, in type: FixedType) -> Bool {
        let shift = range.fractionBits - type.fractionBits
        let lo: Int128, hi: Int128
        if shift > 0 {
            lo = range.lo >> shift               // floor
            hi = -((-range.hi) >> shift)         // ceil
        } else {
            guard -shift < 100 else { return range.lo == 0 && range.hi == 0 }
            lo = range.lo << -shift
            hi = range.hi << -shift
        }
        let minCode = Int128(type.minRaw) + (type.isSigned && type.overflow == .satSym && type.width > 1 ? 1 : 0)
        return lo >= minCode && hi <= Int128(type.maxRaw)
    }

    static func pow2(_ e: Int) -> Double { Double(sign: .plus, exponent: e, significand: 1) }
}

/// Why a type or layer cannot be written as QONNX.
struct Refusal: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

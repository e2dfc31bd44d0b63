/// A fixed-point type with the meaning Vitis HLS gives `ap_fixed<W,I,Q,O,N>`
/// (signed) and `ap_ufixed<W,I,Q,O,N>` (unsigned).
///
/// A value is stored as a `W`-bit integer `raw`; its real value is
/// `raw * 2^-(W-I)`. `I` counts the sign bit for signed types and may be
/// negative or larger than `W`.
public struct FixedType: Hashable, Sendable, CustomStringConvertible {
    /// The widest stored value we support. Exact intermediates use `Int128`.
    public static let maxWidth = 64
    /// Bounds on the binary point, so that every exact product of two
    /// stored values fits the 128-bit intermediates with room to spare.
    public static let integerBitsRange = -64...128

    public let isSigned: Bool
    /// Total bits `W`.
    public let width: Int
    /// Integer bits `I` (including the sign bit for signed types).
    public let integerBits: Int
    public let quantization: QuantizationMode
    public let overflow: OverflowMode
    /// Saturation bits `N` for the wrap modes.
    public let saturationBits: Int

    /// Creates a type, checking that Vitis HLS (and this compiler) can hold it.
    public init(signed: Bool = true, width: Int, integerBits: Int,
                quantization: QuantizationMode = .trn, overflow: OverflowMode = .wrap,
                saturationBits: Int = 0) throws(FixedTypeError) {
        guard width >= 1 else { throw .widthTooSmall(width) }
        guard width <= Self.maxWidth else { throw .widthTooLarge(width) }
        // Raw codes are Int64: an unsigned type keeps one bit less.
        guard signed || width < Self.maxWidth else { throw .widthTooLarge(width) }
        guard Self.integerBitsRange.contains(integerBits) else {
            throw .integerBitsOutOfRange(integerBits, width: width)
        }
        guard saturationBits >= 0, saturationBits <= width else {
            throw .saturationBitsOutOfRange(saturationBits, width: width)
        }
        // Vitis HLS rejects ap_ufixed with AP_WRAP_SM (the headers exit at construction).
        guard signed || overflow != .wrapSM else { throw .unsignedWrapSM }
        self.isSigned = signed
        self.width = width
        self.integerBits = integerBits
        self.quantization = quantization
        self.overflow = overflow
        self.saturationBits = saturationBits
        (self.minRaw, self.maxRaw) = Self.rawBounds(signed: signed, width: width)
    }

    /// `ap_fixed<W,I>` with the default modes, for callers that know the
    /// arguments are valid (tests, internal inference). Traps on invalid input.
    public static func fixed(_ width: Int, _ integerBits: Int,
                             _ q: QuantizationMode = .trn, _ o: OverflowMode = .wrap) -> FixedType {
        try! FixedType(signed: true, width: width, integerBits: integerBits, quantization: q, overflow: o)
    }

    /// `ap_ufixed<W,I>`; see ``fixed(_:_:_:_:)``.
    public static func ufixed(_ width: Int, _ integerBits: Int,
                              _ q: QuantizationMode = .trn, _ o: OverflowMode = .wrap) -> FixedType {
        try! FixedType(signed: false, width: width, integerBits: integerBits, quantization: q, overflow: o)
    }

    /// Fractional bits `F = W - I`; the weight of the LSB is `2^-F`.
    public var fractionBits: Int { width - integerBits }

    /// The smallest raw code (stored: the reference's inner loops read it).
    public let minRaw: Int64
    /// The largest raw code.
    public let maxRaw: Int64

    static func rawBounds(signed: Bool, width: Int) -> (min: Int64, max: Int64) {
        if signed {
            return width == 64 ? (Int64.min, Int64.max) : (-(Int64(1) << (width - 1)), (Int64(1) << (width - 1)) - 1)
        }
        // Unsigned widths stop at 63, so this never shifts into the sign bit.
        return (0, Int64.max >> (63 - width))
    }

    /// The value of one LSB.
    public var lsb: Double { pow2(-fractionBits) }
    /// The smallest representable real value.
    public var minValue: Double { Double(minRaw) * lsb }
    /// The largest representable real value.
    public var maxValue: Double { Double(maxRaw) * lsb }

    /// The real value of a raw code of this type.
    public func value(ofRaw raw: Int64) -> Double { Double(raw) * lsb }

    /// The same numeric format with other rounding/overflow modes.
    public func with(quantization q: QuantizationMode? = nil, overflow o: OverflowMode? = nil) -> FixedType {
        try! FixedType(signed: isSigned, width: width, integerBits: integerBits,
                       quantization: q ?? quantization, overflow: o ?? overflow,
                       saturationBits: saturationBits)
    }

    /// Whether every value of `other` is exactly representable in `self`.
    public func contains(_ other: FixedType) -> Bool {
        if other.fractionBits > fractionBits { return false }
        if !isSigned && other.isSigned { return false }
        let otherIntMagnitude = other.integerBits - (other.isSigned ? 1 : 0)
        let selfIntMagnitude = integerBits - (isSigned ? 1 : 0)
        return otherIntMagnitude <= selfIntMagnitude
    }

    /// The Vitis spelling, omitting trailing default parameters:
    /// `ap_fixed<16,6>`, `ap_ufixed<8,0,AP_RND,AP_SAT>`.
    public var description: String {
        var args = ["\(width)", "\(integerBits)"]
        if saturationBits != 0 {
            args += [quantization.rawValue, overflow.rawValue, "\(saturationBits)"]
        } else if overflow != .wrap {
            args += [quantization.rawValue, overflow.rawValue]
        } else if quantization != .trn {
            args += [quantization.rawValue]
        }
        return (isSigned ? "ap_fixed<" : "ap_ufixed<") + args.joined(separator: ",") + ">"
    }
}

/// `2^e` as a Double, exact for the exponents we use.
@inlinable
public func pow2(_ e: Int) -> Double {
    Double(sign: .plus, exponent: e, significand: 1)
}

/// Why a fixed-point type is malformed or impossible.
public enum FixedTypeError: Error, Equatable, Sendable, CustomStringConvertible {
    case syntax(String, reason: String)
    case widthTooSmall(Int)
    case widthTooLarge(Int)
    case integerBitsOutOfRange(Int, width: Int)
    case saturationBitsOutOfRange(Int, width: Int)
    case unknownQuantization(String)
    case unknownOverflow(String)
    case unsignedWrapSM

    public var description: String {
        switch self {
        case let .syntax(text, reason):
            return "malformed fixed-point type '\(text)': \(reason); expected e.g. ap_fixed<16,6> or ap_ufixed<8,0,AP_RND,AP_SAT>"
        case let .widthTooSmall(w):
            return "fixed-point width W=\(w) must be at least 1"
        case let .widthTooLarge(w):
            return "fixed-point width W=\(w) exceeds the supported maximum (\(FixedType.maxWidth) bits signed, \(FixedType.maxWidth - 1) unsigned)"
        case let .integerBitsOutOfRange(i, w):
            return "integer bits I=\(i) for W=\(w) is outside the supported range \(FixedType.integerBitsRange.lowerBound)...\(FixedType.integerBitsRange.upperBound)"
        case let .saturationBitsOutOfRange(n, w):
            return "saturation bits N=\(n) must be between 0 and W=\(w)"
        case let .unknownQuantization(q):
            return "unknown quantization mode '\(q)'; known: " + QuantizationMode.allCases.map(\.rawValue).joined(separator: ", ")
        case .unsignedWrapSM:
            return "AP_WRAP_SM is defined for signed types only (ap_fixed, not ap_ufixed)"
        case let .unknownOverflow(o):
            return "unknown overflow mode '\(o)'; known: " + OverflowMode.allCases.map(\.rawValue).joined(separator: ", ")
        }
    }
}

/// An exact real number `raw * 2^-fractionBits`.
///
/// Products and sums of fixed-point values are exact (full width) until they
/// are assigned to a declared type; this is the carrier for those
/// intermediates. The magnitude of `raw` stays below 2^125 for every value
/// this compiler forms from types of at most ``FixedType/maxWidth`` bits.
public struct ExactValue: Hashable, Sendable, CustomStringConvertible {
    public var raw: Int128
    public var fractionBits: Int

    @inlinable
    public init(raw: Int128, fractionBits: Int) {
        self.raw = raw
        self.fractionBits = fractionBits
    }

    /// The exact value of a raw code of `type`.
    @inlinable
    public init(_ raw: Int64, of type: FixedType) {
        self.init(raw: Int128(raw), fractionBits: type.fractionBits)
    }

    /// The exact value of a finite Double (every finite Double is a dyadic
    /// rational). Non-finite input has no exact value and returns nil.
    public init?(_ d: Double) {
        guard d.isFinite else { return nil }
        if d == 0 { self.init(raw: 0, fractionBits: 0); return }
        let mantissa: Int128
        let exponent: Int
        if d.isNormal {
            mantissa = Int128((UInt64(1) << 52) | d.significandBitPattern)
            exponent = Int(d.exponent) - 52
        } else {
            mantissa = Int128(d.significandBitPattern)
            exponent = -1074
        }
        self.init(raw: d.sign == .minus ? -mantissa : mantissa, fractionBits: -exponent)
    }

    /// The nearest Double.
    public var doubleValue: Double { Double(raw) * pow2(-fractionBits) }

    /// The exact product.
    @inlinable
    public static func * (a: ExactValue, b: ExactValue) -> ExactValue {
        ExactValue(raw: a.raw * b.raw, fractionBits: a.fractionBits + b.fractionBits)
    }

    /// The exact sum, aligned to the finer of the two binary points.
    @inlinable
    public static func + (a: ExactValue, b: ExactValue) -> ExactValue {
        let f = max(a.fractionBits, b.fractionBits)
        return ExactValue(raw: (a.raw << (f - a.fractionBits)) + (b.raw << (f - b.fractionBits)), fractionBits: f)
    }

    /// The exact difference.
    @inlinable
    public static func - (a: ExactValue, b: ExactValue) -> ExactValue {
        a + ExactValue(raw: -b.raw, fractionBits: b.fractionBits)
    }

    /// This value expressed with `bits` fractional bits; `bits` must not be
    /// fewer than ``fractionBits`` (no rounding happens here).
    @inlinable
    public func aligned(to bits: Int) -> Int128 {
        raw << (bits - fractionBits)
    }

    public var description: String { "\(raw)*2^-\(fractionBits)" }
}

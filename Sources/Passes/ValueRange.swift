import FixedPoint

/// A closed interval of exact values `[lo, hi] * 2^-fractionBits`, the unit
/// of range analysis in ``PrecisionInference``.
public struct ValueRange: Sendable, Equatable {
    public var lo: Int128
    public var hi: Int128
    public var fractionBits: Int

    public init(lo: Int128, hi: Int128, fractionBits: Int) {
        self.lo = lo
        self.hi = hi
        self.fractionBits = fractionBits
    }

    /// Every value of `type`.
    public init(of type: FixedType) {
        self.init(lo: Int128(type.minRaw), hi: Int128(type.maxRaw), fractionBits: type.fractionBits)
    }

    public var loValue: ExactValue { ExactValue(raw: lo, fractionBits: fractionBits) }
    public var hiValue: ExactValue { ExactValue(raw: hi, fractionBits: fractionBits) }

    /// This range with `bits` fractional bits (`bits >= fractionBits`).
    public func aligned(to bits: Int) -> ValueRange {
        ValueRange(lo: lo << (bits - fractionBits), hi: hi << (bits - fractionBits), fractionBits: bits)
    }

    /// The smallest range holding both.
    public func union(_ other: ValueRange) -> ValueRange {
        let f = max(fractionBits, other.fractionBits)
        let a = aligned(to: f), b = other.aligned(to: f)
        return ValueRange(lo: min(a.lo, b.lo), hi: max(a.hi, b.hi), fractionBits: f)
    }

    public static func + (a: ValueRange, b: ValueRange) -> ValueRange {
        let f = max(a.fractionBits, b.fractionBits)
        let x = a.aligned(to: f), y = b.aligned(to: f)
        return ValueRange(lo: x.lo + y.lo, hi: x.hi + y.hi, fractionBits: f)
    }

    public static func - (a: ValueRange, b: ValueRange) -> ValueRange {
        a + ValueRange(lo: -b.hi, hi: -b.lo, fractionBits: b.fractionBits)
    }

    public static func * (a: ValueRange, b: ValueRange) -> ValueRange {
        let c = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]
        return ValueRange(lo: c.min()!, hi: c.max()!, fractionBits: a.fractionBits + b.fractionBits)
    }

    /// The range of `constant * x` for `x` in this range.
    public func scaled(by constant: Int64, fractionBits f: Int) -> ValueRange {
        let a = Int128(constant) * lo, b = Int128(constant) * hi
        return ValueRange(lo: min(a, b), hi: max(a, b), fractionBits: fractionBits + f)
    }

    /// `max(x, 0)`.
    public var relu: ValueRange { ValueRange(lo: max(lo, 0), hi: max(hi, 0), fractionBits: fractionBits) }

    /// The range after assignment to `type` (quantization is monotone).
    public func quantized(to type: FixedType) -> ValueRange {
        let a = type.quantize(loValue), b = type.quantize(hiValue)
        return ValueRange(lo: Int128(min(a, b)), hi: Int128(max(a, b)), fractionBits: type.fractionBits)
    }

    /// The narrowest integer-bit count such that a type with `fractionBits`
    /// fractional bits holds the whole range (ceil towards the outside).
    /// Returns `(signed, width)` where the type would be `width` bits wide.
    public func bitsNeeded(fractionBits f: Int) -> (signed: Bool, width: Int) {
        let shift = fractionBits - f
        func floorShift(_ v: Int128) -> Int128 { shift > 0 ? v >> shift : v << -shift }
        func ceilShift(_ v: Int128) -> Int128 { shift > 0 ? -((-v) >> shift) : v << -shift }
        let l = floorShift(lo), h = ceilShift(hi)
        if l >= 0 {
            let w = h == 0 ? 1 : 128 - h.magnitude.leadingZeroBitCount
            return (false, w)
        }
        var w = 1
        while w < 127 && !(l >= -(Int128(1) << (w - 1)) && h <= (Int128(1) << (w - 1)) - 1) { w += 1 }
        return (true, w)
    }
}

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

    /// Range arithmetic saturates at this magnitude, far beyond any 64-bit
    /// type, so that extreme precisions give "no type of at most 64 bits"
    /// instead of wrapping silently or trapping (docs/hardening.md).
    static let limit = Int128(1) << 120

    static func clamp(_ v: Int128) -> Int128 { min(max(v, -limit), limit) }

    /// `v << n` for `n >= 0`, saturating at ``limit``.
    static func shiftLeft(_ v: Int128, _ n: Int) -> Int128 {
        guard v != 0 else { return 0 }
        guard n < 120, 128 - v.magnitude.leadingZeroBitCount + n <= 120 else { return v < 0 ? -limit : limit }
        return v << n
    }

    /// `a * b`, saturating at ``limit``.
    static func product(_ a: Int128, _ b: Int128) -> Int128 {
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        if overflow { return (a < 0) != (b < 0) ? -limit : limit }
        return clamp(p)
    }

    /// This range with `bits` fractional bits (`bits >= fractionBits`).
    public func aligned(to bits: Int) -> ValueRange {
        ValueRange(lo: Self.shiftLeft(lo, bits - fractionBits), hi: Self.shiftLeft(hi, bits - fractionBits), fractionBits: bits)
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
        return ValueRange(lo: clamp(x.lo + y.lo), hi: clamp(x.hi + y.hi), fractionBits: f)
    }

    public static func - (a: ValueRange, b: ValueRange) -> ValueRange {
        a + ValueRange(lo: -b.hi, hi: -b.lo, fractionBits: b.fractionBits)
    }

    public static func * (a: ValueRange, b: ValueRange) -> ValueRange {
        let c = [product(a.lo, b.lo), product(a.lo, b.hi), product(a.hi, b.lo), product(a.hi, b.hi)]
        return ValueRange(lo: c.min()!, hi: c.max()!, fractionBits: a.fractionBits + b.fractionBits)
    }

    /// The range of `constant * x` for `x` in this range.
    public func scaled(by constant: Int64, fractionBits f: Int) -> ValueRange {
        let a = Self.product(Int128(constant), lo), b = Self.product(Int128(constant), hi)
        return ValueRange(lo: min(a, b), hi: max(a, b), fractionBits: fractionBits + f)
    }

    /// The range of the largest of values in `ranges` (at least one).
    public static func maximum(of ranges: [ValueRange]) -> ValueRange {
        ranges.dropFirst().reduce(ranges[0]) { r, x in
            ValueRange(lo: max(r.lo, x.lo), hi: max(r.hi, x.hi), fractionBits: r.fractionBits)
        }
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
        func floorShift(_ v: Int128) -> Int128 { shift > 0 ? v >> shift : Self.shiftLeft(v, -shift) }
        func ceilShift(_ v: Int128) -> Int128 { shift > 0 ? -((-v) >> shift) : Self.shiftLeft(v, -shift) }
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

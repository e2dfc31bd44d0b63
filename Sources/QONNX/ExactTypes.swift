import FixedPoint
import ModelIR
import Passes

/// Types that hold values exactly: what the importer gives every tensor
/// that no `Quant` node rounds, so that the design computes what the QONNX
/// graph computes.
enum ExactTypes {
    /// The fewest fractional bits `F` with `v * 2^F` an integer (may be negative).
    static func fractionBits(of v: Double) -> Int {
        guard v != 0, let exact = ExactValue(v) else { return Int.min }
        return exact.fractionBits - exact.raw.trailingZeroBitCount
    }

    /// `v * 2^f` as an integer code; `v` must be a multiple of `2^-f`. Nil
    /// when the code does not fit in an Int128 (a weight of 2^70 next to
    /// one of 2^-60): checked, so that no value silently becomes 0.
    static func code(_ v: Double, fractionBits f: Int) -> Int128? {
        guard let exact = ExactValue(v) else { return nil }
        let shift = f - exact.fractionBits
        if shift <= 0 { return -shift >= 127 ? (exact.raw < 0 ? -1 : 0) : exact.raw >> -shift }
        // The magnitude has at most 53 significant bits; it must stay below 2^126.
        let magnitude = exact.raw.magnitude
        guard shift < 126, magnitude.leadingZeroBitCount > shift + 2 else { return nil }
        return exact.raw << shift
    }

    /// The range of `values` with the fewest fractional bits that holds them
    /// all; nil when their codes do not fit in an Int128 (no 64-bit type
    /// could hold them anyway).
    static func range(of values: [Double]) -> ValueRange? {
        let f = values.map(fractionBits(of:)).max().map { $0 == Int.min ? 0 : $0 } ?? 0
        var lo: Int128 = 0, hi: Int128 = 0
        for (i, v) in values.enumerated() {
            guard let c = code(v, fractionBits: f) else { return nil }
            if i == 0 || c < lo { lo = c }
            if i == 0 || c > hi { hi = c }
        }
        return ValueRange(lo: lo, hi: hi, fractionBits: f)
    }

    /// The narrowest type that holds every value of `range` (no rounding, no overflow).
    static func type(holding range: ValueRange) -> FixedType? {
        let (signed, width) = range.bitsNeeded(fractionBits: range.fractionBits)
        return try? FixedType(signed: signed, width: width, integerBits: width - range.fractionBits)
    }

    /// The narrowest type that holds each of `values` exactly.
    static func type(holding values: [Double]) -> FixedType? { range(of: values).flatMap { type(holding: $0) } }

    /// `a * b` when the Double product is exact, else nil.
    static func exactProduct(_ a: Double, _ b: Double) -> Double? {
        let p = a * b
        guard p.isFinite, (a.isZero || b.isZero || (-p).addingProduct(a, b) == 0) else { return nil }
        return p
    }

    /// `a + b` when the Double sum is exact, else nil.
    static func exactSum(_ a: Double, _ b: Double) -> Double? {
        let s = a + b
        guard s.isFinite, s - a == b, s - b == a else { return nil }
        return s
    }

    /// `a / b` when the quotient is exact, else nil.
    static func exactQuotient(_ a: Double, _ b: Double) -> Double? {
        guard b != 0 else { return nil }
        let q = a / b
        guard q.isFinite, exactProduct(q, b) == a else { return nil }
        return q
    }

    /// Whether `v` is `2^k` for an integer `k` (positive).
    static func isPowerOfTwo(_ v: Double) -> Bool {
        v > 0 && v.isFinite && v.significandBitPattern == 0 && v.isNormal
    }

    /// The exact result range of `y_j = bias_j + Σ_k w_jk x_k` for `x` in
    /// `input`; nil when a weight or bias has no Int128 code on the common grid.
    static func denseRange(weights: [[Double]], bias: [Double], input: FixedType) -> ValueRange? {
        let x = ValueRange(of: input)
        guard let w = range(of: weights.flatMap { $0 }), let b = range(of: bias) else { return nil }
        let f = max(w.fractionBits + x.fractionBits, b.fractionBits)
        var union: ValueRange?
        for (j, row) in weights.enumerated() {
            guard let bj = code(bias[j], fractionBits: b.fractionBits) else { return nil }
            var r = ValueRange(lo: bj, hi: bj, fractionBits: b.fractionBits).aligned(to: f)
            for v in row where v != 0 {
                guard let c = code(v, fractionBits: w.fractionBits) else { return nil }
                r = r + ValueRange(lo: c, hi: c, fractionBits: w.fractionBits).scaledRange(x).aligned(to: f)
            }
            union = union.map { $0.union(r) } ?? r
        }
        return union ?? ValueRange(lo: 0, hi: 0, fractionBits: 0)
    }
}

extension ValueRange {
    /// The range of the product of this (constant) range with `x`.
    func scaledRange(_ x: ValueRange) -> ValueRange { self * x }
}

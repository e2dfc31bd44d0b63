/// Decimal numbers read straight from bytes, correctly rounded to Double.
///
/// Hand-written because `Double(String)` needs a `String` per field, which
/// costs more than the parsing itself on the large event files of a trigger
/// study. The digits are gathered into an integer mantissa `m` (up to 19
/// digits) and a power of ten `e`:
/// - when `m < 2^53` and `|e| <= 22`, both `m` and `10^|e|` are exact
///   Doubles, so one IEEE multiplication or division gives the correctly
///   rounded result (Clinger's fast path);
/// - Doubles printed in full (17 digits) have mantissas above 2^53; for them
///   the value is computed in 128-bit integers: `m * 10^e` exactly when
///   `e >= 0`, or the quotient `m * 2^s / 10^-e` with a sticky bit for the
///   remainder, which one integer-to-Double conversion rounds correctly;
/// - any other spelling (more than 19 significant digits, large exponents)
///   goes to the standard library's `Double(String)`, correctly rounded too.
/// The value never depends on which path read it (tested against `Double(String)`).
enum DecimalNumber {
    /// Exact powers of ten, `10^0 ... 10^22`.
    static let powers: [Double] = (0...22).map { e in (0..<e).reduce(1.0) { r, _ in r * 10 } }
    /// Exact powers of ten, `10^0 ... 10^21`, as 128-bit integers.
    static let integerPowers: [UInt128] = (0...21).map { e in (0..<e).reduce(UInt128(1)) { r, _ in r * 10 } }

    /// `m * 10^e`, correctly rounded, for a mantissa above 2^53 and
    /// `-21 <= e <= 19`; nil outside that range.
    static func wide(_ m: UInt64, _ e: Int) -> Double? {
        if e >= 0 {
            guard e <= 19 else { return nil }
            // m < 2^64 and 10^19 < 2^64: the product is exact in 128 bits.
            return double(UInt128(m) * integerPowers[e])
        }
        guard e >= -21 else { return nil }
        // m * 2^s with its top bit at 127; the quotient by 10^-e < 2^70 keeps
        // at least 57 bits, and the sticky bit below them breaks ties right.
        let s = 64 + m.leadingZeroBitCount
        let n = UInt128(m) << s
        let d = integerPowers[-e]
        let (q, r) = n.quotientAndRemainder(dividingBy: d)
        let sticky: UInt128 = r == 0 ? 0 : 1
        return double((q << 1) | sticky) * pow2(-(s + 1))
    }

    /// The nearest Double (ties to even) of a 128-bit integer. The standard
    /// library's generic conversion is correct but takes ~700 ns; this keeps
    /// the top 64 bits with a sticky bit for the rest, which the hardware's
    /// 64-bit conversion rounds the same way.
    @inline(__always)
    static func double(_ v: UInt128) -> Double {
        let high = UInt64(truncatingIfNeeded: v >> 64)
        if high == 0 { return Double(UInt64(truncatingIfNeeded: v)) }
        let shift = 64 - high.leadingZeroBitCount
        let kept = UInt64(truncatingIfNeeded: v >> shift)
        let lost = v & ((UInt128(1) << shift) - 1)
        return Double(kept | (lost == 0 ? 0 : 1)) * pow2(shift)
    }

    /// `2^e` for the exponents of ``wide(_:_:)``.
    @inline(__always)
    static func pow2(_ e: Int) -> Double { Double(sign: .plus, exponent: e, significand: 1) }

    /// Reads a decimal number (`-1`, `2.5`, `.5`, `3.`, `+1e-3`) starting at
    /// `p`, stopping at the first byte that cannot continue it. Returns the
    /// value and the end, or nil when the bytes do not start with a decimal
    /// number, or when the value is not finite (`1e999`). The caller checks
    /// what follows the number.
    @inline(__always)
    static func parse(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>,
                      powers: UnsafePointer<Double>) -> (value: Double, end: UnsafePointer<UInt8>)? {
        var p = start
        var negative = false
        if p < end, p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+") {
            negative = p.pointee == UInt8(ascii: "-")
            p += 1
        }
        var mantissa: UInt64 = 0
        var significant = 0      // digits gathered into the mantissa, leading zeros excluded
        var dropped = false      // digits beyond 19 significant ones
        var exponent = 0         // power of ten applied to the mantissa
        var digits = 0
        while p < end {
            let d = p.pointee &- UInt8(ascii: "0")
            if d > 9 { break }
            digits += 1
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                if mantissa != 0 { significant += 1 }
            } else {
                exponent += 1
                if d != 0 { dropped = true }
            }
            p += 1
        }
        if p < end, p.pointee == UInt8(ascii: ".") {
            p += 1
            while p < end {
                let d = p.pointee &- UInt8(ascii: "0")
                if d > 9 { break }
                digits += 1
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    if mantissa != 0 { significant += 1 }
                    exponent -= 1
                } else if d != 0 {
                    dropped = true
                }
                p += 1
            }
        }
        guard digits > 0 else { return nil }
        var explicitExponent = 0
        if p < end, p.pointee | 0x20 == UInt8(ascii: "e") {
            p += 1
            var negativeExponent = false
            if p < end, p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+") {
                negativeExponent = p.pointee == UInt8(ascii: "-")
                p += 1
            }
            var exponentDigits = 0
            while p < end {
                let d = p.pointee &- UInt8(ascii: "0")
                if d > 9 { break }
                // Beyond 10^6 the value is 0 or infinite whatever the mantissa.
                if explicitExponent < 1_000_000 { explicitExponent = explicitExponent * 10 + Int(d) }
                exponentDigits += 1
                p += 1
            }
            guard exponentDigits > 0 else { return nil }
            if negativeExponent { explicitExponent = -explicitExponent }
        }
        exponent += explicitExponent
        if !dropped {
            if mantissa == 0 { return (negative ? -0.0 : 0.0, p) }
            if mantissa < (1 << 53), exponent >= -22, exponent <= 22 {
                let m = Double(mantissa)
                let v = exponent >= 0 ? m * powers[exponent] : m / powers[-exponent]
                return (negative ? -v : v, p)
            }
            if mantissa >= (1 << 53), let v = wide(mantissa, exponent) { return (negative ? -v : v, p) }
        }
        // The standard library reads the same spelling, correctly rounded.
        let text = String(decoding: UnsafeBufferPointer(start: start, count: p - start), as: UTF8.self)
        guard let v = Double(text), v.isFinite else { return nil }
        return (v, p)
    }
}

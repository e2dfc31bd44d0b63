/// A value in a ``Netlist``: the integer `u` held by wire `node` (`width`
/// bits, two's complement when `signed`), standing for `u * 2^shift` in the
/// units of whatever computation uses it. `shift` lets a constant
/// multiplication by `2^k` be pure wiring: the wire is shared and only the
/// signal's shift changes.
struct Signal {
    var node: Int
    var width: Int
    var signed: Bool
    var shift: Int = 0
    /// Bounds of `u` (not of `u * 2^shift`). Sound, not necessarily tight:
    /// the logic that reads a signal may assume nothing outside them.
    var lo: Int128
    var hi: Int128

    /// The same wire with narrower assumed bounds (used on the branch of a
    /// mux that is only selected inside those bounds).
    func assuming(lo newLo: Int128, hi newHi: Int128) -> Signal {
        var s = self
        s.lo = max(lo, newLo)
        s.hi = min(hi, newHi)
        if s.lo > s.hi { s.hi = s.lo }
        return s
    }

    /// The signal multiplied by `2^k` (wiring only).
    func shifted(by k: Int) -> Signal {
        var s = self
        s.shift += k
        return s
    }
}

/// Integer helpers for widths and bounds.
enum Bits {
    /// The fewest bits of a two's-complement word holding every value in `lo...hi`.
    static func signedWidth(_ lo: Int128, _ hi: Int128) -> Int {
        var w = 1
        while !(lo >= -(Int128(1) << (w - 1)) && hi <= (Int128(1) << (w - 1)) - 1) { w += 1 }
        return w
    }

    /// The fewest bits of an unsigned word holding `0...hi`.
    static func unsignedWidth(_ hi: Int128) -> Int {
        var w = 1
        while hi > (Int128(1) << w) - 1 { w += 1 }
        return w
    }

    /// `floor(v / 2^k)`.
    static func floorShift(_ v: Int128, _ k: Int) -> Int128 {
        k >= 127 ? (v < 0 ? -1 : 0) : v >> k
    }

    /// `ceil(v / 2^k)`.
    static func ceilShift(_ v: Int128, _ k: Int) -> Int128 {
        -floorShift(-v, k)
    }

    /// The `width`-bit two's-complement pattern of `v` as a sized Verilog literal.
    static func literal(_ v: Int128, width: Int) -> String {
        let pattern: UInt128 = width >= 128 ? UInt128(truncatingIfNeeded: v)
            : UInt128(truncatingIfNeeded: v) & ((UInt128(1) << width) - 1)
        return "\(width)'h" + String(pattern, radix: 16)
    }

    /// Signed digits of `c` in canonical signed-digit (non-adjacent) form:
    /// `c = sum of (negative ? -1 : 1) * 2^exponent`, no two adjacent
    /// exponents, and the fewest nonzero digits of any signed-digit form.
    static func csd(_ c: Int128) -> [(exponent: Int, negative: Bool)] {
        var digits: [(exponent: Int, negative: Bool)] = []
        var v = c
        var e = 0
        while v != 0 {
            if v & 1 != 0 {
                // v mod 4 == 1 -> digit +1; v mod 4 == 3 -> digit -1.
                let negative = v & 3 == 3
                v += negative ? 1 : -1
                digits.append((e, negative))
            }
            v >>= 1
            e += 1
        }
        return digits
    }
}

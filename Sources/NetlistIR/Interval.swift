/// The exact range `lo...hi` of the integer a wire holds. Widths are derived
/// from it, never set by hand: a wire is signed exactly when it can hold a
/// negative value, and has the fewest bits that hold the whole range.
public struct Interval: Hashable, Sendable, CustomStringConvertible {
    public var lo: Int128
    public var hi: Int128

    public init(_ lo: Int128, _ hi: Int128) {
        precondition(lo <= hi, "empty interval \(lo)...\(hi)")
        self.lo = lo
        self.hi = hi
    }

    /// One value.
    public init(exactly v: Int128) { self.init(v, v) }

    public var isSigned: Bool { lo < 0 }

    /// Bits of the two's-complement word (signed) or plain binary word
    /// (unsigned) that holds every value.
    public var width: Int { isSigned ? Self.signedWidth(lo, hi) : Self.unsignedWidth(hi) }

    /// The interval of `v * 2^k`, `k >= 0`.
    public func shifted(by k: Int) -> Interval { Interval(lo << k, hi << k) }

    public static func + (a: Interval, b: Interval) -> Interval { Interval(a.lo + b.lo, a.hi + b.hi) }
    public static func - (a: Interval, b: Interval) -> Interval { Interval(a.lo - b.hi, a.hi - b.lo) }
    public static prefix func - (a: Interval) -> Interval { Interval(-a.hi, -a.lo) }

    public static func * (a: Interval, b: Interval) -> Interval {
        let corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]
        return Interval(corners.min()!, corners.max()!)
    }

    /// The smallest interval holding both.
    public func union(_ o: Interval) -> Interval { Interval(min(lo, o.lo), max(hi, o.hi)) }

    /// Both at once, or nil when they do not meet.
    public func intersection(_ o: Interval) -> Interval? {
        let l = max(lo, o.lo), h = min(hi, o.hi)
        return l <= h ? Interval(l, h) : nil
    }

    public func contains(_ v: Int128) -> Bool { lo <= v && v <= hi }

    /// Every value of a `bits`-wide two's-complement word.
    public static func signedWord(_ bits: Int) -> Interval {
        Interval(-(Int128(1) << (bits - 1)), (Int128(1) << (bits - 1)) - 1)
    }

    /// Every value of a `bits`-wide unsigned word.
    public static func unsignedWord(_ bits: Int) -> Interval { Interval(0, (Int128(1) << bits) - 1) }

    /// The fewest bits of a two's-complement word holding `lo...hi`.
    public static func signedWidth(_ lo: Int128, _ hi: Int128) -> Int {
        var w = 1
        while !(lo >= -(Int128(1) << (w - 1)) && hi <= (Int128(1) << (w - 1)) - 1) { w += 1 }
        return w
    }

    /// The fewest bits of an unsigned word holding `0...hi` (at least 1).
    public static func unsignedWidth(_ hi: Int128) -> Int {
        var w = 1
        while hi > (Int128(1) << w) - 1 { w += 1 }
        return w
    }

    /// `v` reduced to a `width`-bit word read as signed or unsigned: what a
    /// wire of that width holds when `v` is assigned to it.
    public static func wrap(_ v: Int128, width: Int, signed: Bool) -> Int128 {
        guard width < 127 else { return v }
        let m = Int128(1) << width
        var r = v & (m - 1)
        if signed && r >= m >> 1 { r -= m }
        return r
    }

    /// `floor(v / 2^k)`.
    public static func floorShift(_ v: Int128, _ k: Int) -> Int128 { k >= 127 ? (v < 0 ? -1 : 0) : v >> k }

    /// `ceil(v / 2^k)`.
    public static func ceilShift(_ v: Int128, _ k: Int) -> Int128 { -floorShift(-v, k) }

    public var description: String { "[\(lo), \(hi)]" }
}

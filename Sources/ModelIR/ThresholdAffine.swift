/// The multiply-add-shift form of one threshold list: on the input range
/// `[lo, hi]`,
/// ```
/// n(x) = clamp((multiplier * x + offset) >> shift, 0, K)     (>> rounds toward -inf)
/// ```
/// equals `#{k : x >= t_k}` for every `x` (``ThresholdAffineProof`` checks
/// it). A staircase from a float scale is nearly uniform, so a small
/// multiplier and shift often reproduce it exactly: one constant product,
/// an add and a slice instead of `K` comparators and an adder tree.
public struct AffineCount: Sendable, Equatable, Hashable {
    /// The slope, in units of `2^-shift` counts per input code (never negative).
    public var multiplier: Int64
    public var offset: Int64
    /// The right shift (floor division by `2^shift`), 0 ... 62.
    public var shift: Int

    public init(multiplier: Int64, offset: Int64, shift: Int) {
        self.multiplier = multiplier
        self.offset = offset
        self.shift = shift
    }

    /// `(multiplier * x + offset) >> shift` before the clamp (exact: Int128).
    public func unclamped(_ x: Int64) -> Int128 {
        (Int128(multiplier) * Int128(x) + Int128(offset)) >> shift
    }

    /// `n(x)`, clamped to `0 ... steps`.
    public func count(_ x: Int64, steps: Int) -> Int {
        Int(min(max(unclamped(x), 0), Int128(steps)))
    }
}

/// The check that an ``AffineCount`` equals a sorted threshold list on a
/// range of input codes, and the search for one.
///
/// Why checking a few points is a proof: on `[lo, hi]` the staircase
/// `c(x) = #{k : x >= t_k}` is non-decreasing and constant on each segment
/// between consecutive distinct thresholds, `[lo, t_1 - 1]`, `[t_1, t_2 - 1]`,
/// ..., `[t_j, hi]` (thresholds in `(lo, hi]` only). `n(x)` is non-decreasing
/// too: `multiplier >= 0`, and a floor, a clamp and an integer shift keep
/// order. A non-decreasing function equal to `v` at both ends of a segment
/// equals `v` on the whole segment. So `n = c` on `[lo, hi]` exactly when it
/// holds at `lo`, `hi` and at `t - 1` and `t` for every threshold `t` in
/// `(lo, hi]`: at most `2K + 2` evaluations, whatever the width of the range.
public enum ThresholdAffineProof {
    /// The first input code of `[lo, hi]` where `form` and the staircase of
    /// `list` (sorted) differ, or nil when they agree on the whole range.
    public static func counterexample(_ form: AffineCount, list: [Int64], lo: Int64, hi: Int64) -> Int64? {
        guard lo <= hi else { return nil }
        // The argument above needs a non-decreasing form; a negative slope
        // is refused at its first point.
        guard form.multiplier >= 0, (0...62).contains(form.shift) else { return lo }
        var points: [Int64] = [lo, hi]
        for t in list where t > lo && t <= hi { points += [t - 1, t] }
        return points.sorted().first { x in form.count(x, steps: list.count) != ThresholdOp.count(x, in: list) }
    }

    /// The largest shift ``search(list:lo:hi:maxShift:)`` tries by default.
    public static let defaultMaxShift = 40

    /// A form equal to the staircase of `list` (sorted) on `[lo, hi]`, with
    /// the smallest shift that has one (at most `maxShift`) and, for that
    /// shift, the multiplier with the fewest signed digits; nil when none
    /// exists within the limits (the multiplier and offset must fit 62 bits).
    ///
    /// With `t'_c = clamp(t_c, lo, hi + 1)` (`c = 1 ... K`), `n(x) >= c`
    /// exactly when `x >= t'_c` on the range, that is
    /// `m * t'_c + a >= c * 2^s` (if `t'_c <= hi`) and
    /// `m * (t'_c - 1) + a <= c * 2^s - 1` (if `t'_c > lo`). For a fixed `m`
    /// the offsets allowed form the interval `[L(m), U(m)]`, `L` a maximum
    /// and `U` a minimum of lines in `m`, so `L - U` is convex: its minimum
    /// over `m` (a ternary search) says whether any `m` works, and the `m`
    /// that work form an interval. The result is checked by
    /// ``counterexample(_:list:lo:hi:)`` before it is returned.
    public static func search(list: [Int64], lo: Int64, hi: Int64, maxShift: Int = defaultMaxShift) -> AffineCount? {
        guard !list.isEmpty, lo <= hi else { return nil }
        let k = list.count
        let clamped = list.map { Int128(min(max($0, lo), hi + 1)) }
        // Constant staircases: every threshold above the range, or none.
        if clamped.allSatisfy({ $0 > Int128(hi) }) { return AffineCount(multiplier: 0, offset: 0, shift: 0) }
        if clamped.allSatisfy({ $0 <= Int128(lo) }) { return AffineCount(multiplier: 0, offset: Int64(k), shift: 0) }
        let limit = Int128(1) << 62
        for s in 0...min(maxShift, 62) {
            let unit = Int128(1) << s
            var lower: [(Int128, Int128)] = [], upper: [(Int128, Int128)] = []   // (constant, slope): a >= c - m*t, a <= c - m*t
            for (i, t) in clamped.enumerated() {
                let c = Int128(i + 1) * unit
                if t <= Int128(hi) { lower.append((c, t)) }
                if t > Int128(lo) { upper.append((c - 1, t - 1)) }
            }
            func bounds(_ m: Int128) -> (lo: Int128, hi: Int128) {
                var l = lower[0].0 - m * lower[0].1, u = upper[0].0 - m * upper[0].1
                for (c, t) in lower { l = max(l, c - m * t) }
                for (c, t) in upper { u = min(u, c - m * t) }
                return (l, u)
            }
            func gap(_ m: Int128) -> Int128 { let b = bounds(m); return b.lo - b.hi }
            let top = min(Int128(k + 1) * unit, limit)
            var a: Int128 = 0, b = top
            while b - a > 2 {
                let d = (b - a) / 3
                let m1 = a + d, m2 = b - d
                let g1 = gap(m1), g2 = gap(m2)
                if g1 < g2 { b = m2 - 1 } else if g1 > g2 { a = m1 + 1 } else { a = m1; b = m2 }
            }
            guard let best = (a...b).min(by: { gap($0) < gap($1) }), gap(best) <= 0 else { continue }
            // The feasible multipliers: an interval around `best`.
            let first = edge(from: best, toward: 0) { gap($0) <= 0 }
            let last = edge(from: best, toward: top) { gap($0) <= 0 }
            let m = fewestDigits(in: first...last)
            let (offsetLo, offsetHi) = bounds(m)
            let offset = fewestDigits(in: offsetLo...offsetHi)
            guard m < limit, offset.magnitude < UInt128(limit) else { return nil }
            let form = AffineCount(multiplier: Int64(m), offset: Int64(offset), shift: s)
            // The construction is exact; the check is the proof that says so.
            return counterexample(form, list: list, lo: lo, hi: hi) == nil ? form : nil
        }
        return nil
    }

    /// The farthest integer from `start` toward `end` (inclusive) with
    /// `ok` true, for an `ok` true on an interval containing `start`.
    static func edge(from start: Int128, toward end: Int128, _ ok: (Int128) -> Bool) -> Int128 {
        var good = start, bad: Int128? = nil
        var step: Int128 = 1
        let direction: Int128 = end >= start ? 1 : -1
        // Gallop out, then bisect between the last good and first bad point.
        while true {
            let next = good + direction * step
            if (direction > 0 && next > end) || (direction < 0 && next < end) {
                if ok(end) { return end }
                bad = end
                break
            }
            if ok(next) { good = next; step *= 2 } else { bad = next; break }
        }
        var b = bad!
        while (b - good).magnitude > 1 {
            let mid = good + (b - good) / 2
            if ok(mid) { good = mid } else { b = mid }
        }
        return good
    }

    /// The value of `range` with the fewest canonical signed digits (the
    /// cheapest constant), the smallest magnitude on a tie: among the values
    /// with the most trailing zeros at each power of two.
    static func fewestDigits(in range: ClosedRange<Int128>) -> Int128 {
        var best = range.lowerBound, bestDigits = Int.max
        for p in 0..<100 {
            let unit = Int128(1) << p
            guard unit <= (range.upperBound - range.lowerBound) * 2 + 2 || p == 0 else { break }
            // The multiples of 2^p in range nearest zero on either side.
            var candidates: [Int128] = []
            let up = ceilDiv(range.lowerBound, unit) * unit
            if range.contains(up) { candidates.append(up) }
            let down = floorDiv(range.upperBound, unit) * unit
            if range.contains(down) { candidates.append(down) }
            if range.contains(0) { candidates.append(0) }
            for v in candidates {
                let d = digits(v)
                if d < bestDigits || (d == bestDigits && v.magnitude < best.magnitude) { best = v; bestDigits = d }
            }
        }
        return best
    }

    static func digits(_ v: Int128) -> Int {
        var n = 0, x = v
        while x != 0 {
            if x & 1 != 0 { n += 1; x -= (x & 3 == 3) ? -1 : 1 }
            x >>= 1
        }
        return n
    }

    static func floorDiv(_ a: Int128, _ b: Int128) -> Int128 { a >= 0 ? a / b : -((-a + b - 1) / b) }
    static func ceilDiv(_ a: Int128, _ b: Int128) -> Int128 { -floorDiv(-a, b) }
}

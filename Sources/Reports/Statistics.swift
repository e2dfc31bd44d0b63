import Foundation

/// Float-vs-fixed error of a set of values: the largest absolute error, the
/// root mean square and the mean (a nonzero mean is a bias, typically from
/// truncation, `AP_TRN`, which always rounds down).
public struct ErrorStats: Codable, Sendable, Equatable {
    public var count: Int
    public var maxAbs: Double
    public var rms: Double
    public var mean: Double

    public init(count: Int, maxAbs: Double, rms: Double, mean: Double) {
        self.count = count
        self.maxAbs = maxAbs
        self.rms = rms
        self.mean = mean
    }

    /// Statistics of `fixed[i] - float[i]`.
    public init(float: [Double], fixed: [Double]) {
        var acc = ErrorAccumulator()
        for (f, q) in zip(float, fixed) { acc.add(float: f, fixed: q) }
        self = acc.stats
    }
}

/// Accumulates ``ErrorStats`` one value at a time (no arrays kept).
public struct ErrorAccumulator: Sendable {
    var count = 0
    var maxAbs = 0.0
    var sum = 0.0
    var sumSquares = 0.0

    public init() {}

    public mutating func add(float: Double, fixed: Double) {
        let e = fixed - float
        count += 1
        maxAbs = max(maxAbs, abs(e))
        sum += e
        sumSquares += e * e
    }

    public var stats: ErrorStats {
        guard count > 0 else { return ErrorStats(count: 0, maxAbs: 0, rms: 0, mean: 0) }
        return ErrorStats(count: count, maxAbs: maxAbs, rms: (sumSquares / Double(count)).squareRoot(),
                          mean: sum / Double(count))
    }
}

/// A histogram with equal-width bins over `[lower, upper]`; values outside
/// are counted in `underflow` / `overflow` (never silently dropped).
public struct Histogram: Codable, Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public var counts: [Int]
    public var underflow: Int
    public var overflow: Int

    public init(lower: Double, upper: Double, counts: [Int], underflow: Int = 0, overflow: Int = 0) {
        self.lower = lower
        self.upper = upper
        self.counts = counts
        self.underflow = underflow
        self.overflow = overflow
    }

    /// Bins `values` into `bins` bins over `[lower, upper]` (the last bin
    /// includes `upper`). A degenerate range is widened by one unit around it.
    public init(_ values: [Double], bins: Int, lower: Double, upper: Double) {
        var lo = lower, hi = upper
        if !(hi > lo) { lo -= 0.5; hi += 0.5 }
        var counts = [Int](repeating: 0, count: max(bins, 1))
        var under = 0, over = 0
        let width = (hi - lo) / Double(counts.count)
        for v in values {
            if v < lo { under += 1; continue }
            if v > hi { over += 1; continue }
            counts[min(Int((v - lo) / width), counts.count - 1)] += 1
        }
        self.init(lower: lo, upper: hi, counts: counts, underflow: under, overflow: over)
    }

    /// Bins over the values' own range, made symmetric around zero when the
    /// values straddle it (so that an error histogram is centred).
    public init(_ values: [Double], bins: Int, symmetric: Bool = false) {
        let lo = values.min() ?? 0, hi = values.max() ?? 0
        if symmetric {
            let m = max(abs(lo), abs(hi))
            self.init(values, bins: bins, lower: -m, upper: m)
        } else {
            self.init(values, bins: bins, lower: lo, upper: hi)
        }
    }

    public var binWidth: Double { (upper - lower) / Double(counts.count) }
    /// The lower edge of bin `i`.
    public func edge(_ i: Int) -> Double { lower + Double(i) * binWidth }
    public var total: Int { counts.reduce(0, +) + underflow + overflow }
}

/// Used range of one tensor over all events: the extremes, and how many
/// values fall in each power of two of magnitude (bin `k` holds
/// `2^k <= |v| < 2^(k+1)`), which is how bits are spent.
public struct RangeAccumulator: Sendable {
    public private(set) var min = Double.infinity
    public private(set) var max = -Double.infinity
    public private(set) var zeros = 0
    public private(set) var count = 0
    /// Counts per binary exponent of |v| + ``exponentOffset`` (every finite
    /// Double's exponent fits); an array, not a dictionary: this is on the
    /// per-value path of the report.
    var exponentCounts = [Int](repeating: 0, count: 2 * exponentOffset)
    static let exponentOffset = 1100

    public init() {}

    public mutating func add(_ v: Double) {
        count += 1
        if v < min { min = v }
        if v > max { max = v }
        if v == 0 || !v.isFinite { zeros += 1; return }
        exponentCounts[Int(v.magnitude.exponent) + Self.exponentOffset] += 1
    }

    /// Counts per binary exponent of |v| (nonzero values only).
    public var exponents: [Int: Int] {
        var d: [Int: Int] = [:]
        for (i, n) in exponentCounts.enumerated() where n > 0 { d[i - Self.exponentOffset] = n }
        return d
    }

    /// The largest magnitude seen.
    public var maxAbs: Double { count == 0 ? 0 : Swift.max(abs(min), abs(max)) }

    /// The binary exponent below which only a fraction `q` of the nonzero
    /// values lie (e.g. `q = 0.01`: the 1% quantile of log2 |v|, floored).
    public func exponentQuantile(_ q: Double) -> Int? {
        let nonzero = exponentCounts.reduce(0, +)
        guard nonzero > 0 else { return nil }
        var seen = 0
        for (i, n) in exponentCounts.enumerated() where n > 0 {
            seen += n
            if Double(seen) >= q * Double(nonzero) { return i - Self.exponentOffset }
        }
        return nil
    }
}

/// Integer bits `I` a type needs to hold magnitudes up to `maxAbs`
/// (for a signed type the sign bit counts, as in `ap_fixed<W,I>`).
/// Values exactly `2^k` need one more bit than values just below it.
public func integerBitsNeeded(maxAbs: Double, signed: Bool) -> Int? {
    guard maxAbs > 0, maxAbs.isFinite else { return nil }
    return Int(floor(log2(maxAbs))) + 1 + (signed ? 1 : 0)
}

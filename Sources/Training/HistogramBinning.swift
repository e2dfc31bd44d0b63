import TensorIO

/// Features cut into at most 256 bins each, for histogram-based gradient
/// boosting: a split is chosen among the bin edges, so a node's search costs
/// one pass over its events plus one over the bins.
///
/// The edges are float32 values, and an event falls in bin `b` of feature
/// `f` exactly when `cuts[f][b-1] <= Float(x) < cuts[f][b]`. A split after
/// bin `b` is therefore the forest split `Float(x) < cuts[f][b]`
/// (``ModelIR/ForestDecision/lessThan`` at float32, XGBoost's), which
/// sends every training event the way the histogram did, and which the
/// compiler lowers to an exact integer comparison.
public struct HistogramBinning: Sendable, Equatable {
    /// Per feature, the ascending edges between bins (at most `maxBins − 1`).
    public var cuts: [[Float]]

    /// The largest number of bins a feature may have (bins are `UInt8`).
    public static let maxBins = 256

    public init(cuts: [[Float]]) { self.cuts = cuts }

    /// Edges at the quantiles of each feature of `events`: a feature with at
    /// most `bins` distinct float32 values gets a bin per value, otherwise the
    /// edges fall before the values at the `k / bins` quantiles (`k = 1 … bins−1`),
    /// without repeats, so equal values always share a bin.
    public init(events: EventTable, bins: Int) {
        let bins = min(max(bins, 2), Self.maxBins)
        cuts = (0..<events.columns).map { f in
            var column = (0..<events.rows).map { Float(events.values[$0 * events.columns + f]) }
            column.sort()
            return Self.edges(sorted: column, bins: bins)
        }
    }

    /// The edges of one sorted column.
    static func edges(sorted column: [Float], bins: Int) -> [Float] {
        var distinct: [Float] = []
        for v in column where distinct.last != v { distinct.append(v) }
        guard distinct.count > 1 else { return [] }
        // The values that start a new bin: every distinct value but the
        // first when they are few, else the quantile values.
        var starts: [Float] = []
        if distinct.count <= bins {
            starts = Array(distinct.dropFirst())
        } else {
            for k in 1..<bins {
                let v = column[k * column.count / bins]
                if v != distinct[0], starts.last != v { starts.append(v) }
            }
        }
        // An edge between each start and the distinct value below it: the
        // float32 midpoint, or the start itself when the two are adjacent floats.
        return starts.map { start in
            let below = Self.predecessor(of: start, in: distinct)
            let middle = Float((Double(below) + Double(start)) / 2)
            return middle > below && middle <= start ? middle : start
        }
    }

    /// The largest element of `distinct` (ascending, without repeats) below `v`,
    /// which must not be the first element.
    static func predecessor(of v: Float, in distinct: [Float]) -> Float {
        var lo = 0, hi = distinct.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if distinct[mid] < v { lo = mid + 1 } else { hi = mid }
        }
        return distinct[lo - 1]
    }

    /// Number of bins of feature `f`.
    public func binCount(_ f: Int) -> Int { cuts[f].count + 1 }

    /// The bin of value `x` of feature `f`: the number of edges at or below `Float(x)`.
    public func bin(_ x: Double, feature f: Int) -> UInt8 {
        let v = Float(x), c = cuts[f]
        var lo = 0, hi = c.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if c[mid] <= v { lo = mid + 1 } else { hi = mid }
        }
        return UInt8(lo)
    }

    /// Every event's bins, feature-major: `result[f][i]` is the bin of event `i`'s feature `f`.
    public func binned(_ events: EventTable) -> [[UInt8]] {
        (0..<events.columns).map { f in
            (0..<events.rows).map { bin(events.values[$0 * events.columns + f], feature: f) }
        }
    }
}

/// Figures at the tails of a score distribution, for 10^7 events and more:
/// computed on sorted arrays (one sort per sample), never on a per-event
/// ROC curve.
extension PhysicsMetrics {
    /// The rate of LHC bunch crossings a trigger's rate is a fraction of, Hz.
    public static let bunchCrossingRate = 40e6

    /// The fraction of background events a trigger rate keeps (`1000` Hz -> 2.5e-5).
    public static func acceptance(rateHz: Double) -> Double { rateHz / bunchCrossingRate }

    /// ``threshold(background:acceptance:)`` on a sample sorted in ascending order.
    public static func threshold(sortedBackground b: [Double], acceptance: Double) -> Double {
        precondition(!b.isEmpty, "threshold: no background events")
        let k = Int((acceptance * Double(b.count)).rounded(.down))
        if k <= 0 { return b[b.count - 1] }
        if k >= b.count { return -.infinity }
        return b[b.count - 1 - k]
    }

    /// Events of an ascending sample strictly above `t`.
    public static func count(_ sorted: [Double], above t: Double) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] > t { hi = mid } else { lo = mid + 1 }
        }
        return sorted.count - lo
    }

    /// The area under the ROC curve of signal against background — the
    /// probability that a signal event scores above a background event, ties
    /// counting one half (Mann–Whitney), which equals ``ROCCurve/auc`` — from
    /// both samples sorted in ascending order.
    public static func auc(sortedSignal s: [Double], sortedBackground b: [Double]) -> Double {
        guard !s.isEmpty, !b.isEmpty else { return 0 }
        var below = 0, equalEnd = 0
        var total = 0.0
        for v in s {
            while below < b.count, b[below] < v { below += 1 }
            if equalEnd < below { equalEnd = below }
            while equalEnd < b.count, b[equalEnd] == v { equalEnd += 1 }
            total += Double(below) + 0.5 * Double(equalEnd - below)
        }
        return total / (Double(s.count) * Double(b.count))
    }

    /// The binomial standard error of an efficiency `k / n`.
    public static func efficiencyError(passed k: Int, of n: Int) -> Double {
        guard n > 0 else { return 0 }
        let e = Double(k) / Double(n)
        return (e * (1 - e) / Double(n)).squareRoot()
    }
}

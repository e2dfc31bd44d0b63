/// A receiver operating characteristic: for every distinct score threshold
/// `t` (events with `score >= t` are selected), the fraction of signal and of
/// background selected. Points run from the strictest threshold (0, 0) to
/// the loosest (1, 1).
public struct ROCCurve: Sendable, Equatable {
    /// Background efficiency (false-positive rate) per point.
    public var backgroundEfficiency: [Double]
    /// Signal efficiency (true-positive rate) per point.
    public var signalEfficiency: [Double]
    /// The threshold of each point (`+infinity` for the first).
    public var thresholds: [Double]

    /// Builds the curve. Equal scores form one point, so that a quantized
    /// score (many ties) gives the honest, coarser curve.
    public init(scores: [Double], isSignal: [Bool]) {
        precondition(scores.count == isSignal.count, "ROCCurve: one label per score")
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        let nSig = Double(isSignal.filter { $0 }.count)
        let nBkg = Double(isSignal.count) - nSig
        var fpr: [Double] = [0], tpr: [Double] = [0], thr: [Double] = [.infinity]
        var s = 0.0, b = 0.0
        var i = 0
        while i < order.count {
            let t = scores[order[i]]
            while i < order.count, scores[order[i]] == t {
                if isSignal[order[i]] { s += 1 } else { b += 1 }
                i += 1
            }
            fpr.append(nBkg > 0 ? b / nBkg : 0)
            tpr.append(nSig > 0 ? s / nSig : 0)
            thr.append(t)
        }
        backgroundEfficiency = fpr
        signalEfficiency = tpr
        thresholds = thr
    }

    /// Area under the curve (trapezoids; ties count one half, as in the
    /// Mann–Whitney statistic).
    public var auc: Double {
        var area = 0.0
        for k in 1..<backgroundEfficiency.count {
            area += (backgroundEfficiency[k] - backgroundEfficiency[k - 1]) * (signalEfficiency[k] + signalEfficiency[k - 1]) / 2
        }
        return area
    }

    /// Background efficiency at the loosest point that does not yet exceed
    /// signal efficiency `target`, linearly interpolated between the two
    /// points around it.
    public func backgroundEfficiency(atSignalEfficiency target: Double) -> Double {
        for k in 1..<signalEfficiency.count where signalEfficiency[k] >= target {
            let s0 = signalEfficiency[k - 1], s1 = signalEfficiency[k]
            let b0 = backgroundEfficiency[k - 1], b1 = backgroundEfficiency[k]
            if s1 == s0 { return b1 }
            return b0 + (b1 - b0) * (target - s0) / (s1 - s0)
        }
        return 1
    }

    /// Background rejection `1 / background efficiency` at a signal
    /// efficiency (infinite when no background passes).
    public func rejection(atSignalEfficiency target: Double) -> Double {
        let b = backgroundEfficiency(atSignalEfficiency: target)
        return b > 0 ? 1 / b : .infinity
    }
}

/// Figures of merit for trigger models: classification accuracy, one-vs-rest
/// ROC curves for a tagger, and signal efficiency at a fixed background
/// acceptance (the trigger rate) for an anomaly score.
public enum PhysicsMetrics {
    /// Index of the largest value of each row of a row-major table
    /// (the first one on ties).
    public static func argmax(_ values: [Double], columns: Int) -> [Int] {
        precondition(columns > 0 && values.count % columns == 0, "argmax: values do not fill whole rows")
        return stride(from: 0, to: values.count, by: columns).map { start in
            var best = 0
            for k in 1..<columns where values[start + k] > values[start + best] { best = k }
            return best
        }
    }

    /// Fraction of events whose prediction equals the label.
    public static func accuracy(predicted: [Int], labels: [Int]) -> Double {
        precondition(predicted.count == labels.count, "accuracy: one prediction per label")
        guard !labels.isEmpty else { return 0 }
        return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
    }

    /// One ROC curve per class: class `c` is signal, all others background,
    /// and the score is the model's output `c`.
    public static func oneVsRest(outputs: [Double], columns: Int, labels: [Int]) -> [ROCCurve] {
        (0..<columns).map { c in
            let scores = stride(from: c, to: outputs.count, by: columns).map { outputs[$0] }
            return ROCCurve(scores: scores, isSignal: labels.map { $0 == c })
        }
    }

    /// The threshold that keeps at most a fraction `acceptance` of the
    /// background: an event is kept when `score > threshold`. With tied
    /// scores the kept fraction can be lower than asked; see
    /// ``acceptance(of:threshold:)``.
    public static func threshold(background: [Double], acceptance: Double) -> Double {
        precondition(!background.isEmpty, "threshold: no background events")
        let sorted = background.sorted(by: >)
        let k = Int((acceptance * Double(sorted.count)).rounded(.down))
        if k <= 0 { return sorted[0] }
        if k >= sorted.count { return -.infinity }
        // The k-th largest score: everything strictly above it is kept.
        return sorted[k]
    }

    /// Fraction of `scores` above `threshold`.
    public static func acceptance(of scores: [Double], threshold: Double) -> Double {
        guard !scores.isEmpty else { return 0 }
        return Double(scores.filter { $0 > threshold }.count) / Double(scores.count)
    }

    /// Signal efficiency at the threshold that keeps a fraction
    /// `backgroundAcceptance` of the background; also returns the threshold
    /// and the background fraction actually kept.
    public static func efficiencyAtFixedRate(signal: [Double], background: [Double], backgroundAcceptance: Double)
        -> (efficiency: Double, threshold: Double, keptBackground: Double) {
        let t = threshold(background: background, acceptance: backgroundAcceptance)
        return (acceptance(of: signal, threshold: t), t, acceptance(of: background, threshold: t))
    }
}

import Foundation
import Metrics
import ModelIR
import Passes
import Reference
import TensorIO

/// Float vs fixed-point physics figures of a compiled model.
public enum PhysicsEvaluation {
    /// A tagger's figures for one arithmetic.
    public struct TaggerFigures: Sendable {
        public var accuracy: Double
        /// One-vs-rest AUC per class.
        public var auc: [Double]
        /// Background rejection (1/efficiency) at the reference signal efficiency, per class.
        public var rejection: [Double]
        /// Events scored, and per class the events of the other classes (its background).
        public var events: Int
        public var backgroundCounts: [Int]

        /// The binomial standard error of the accuracy.
        public var accuracyError: Double { PhysicsMetrics.efficiencyError(passed: Int((accuracy * Double(events)).rounded()), of: events) }

        /// The standard error of class `c`'s rejection R = 1/ε from the
        /// binomial error of the background efficiency ε it stands for
        /// (σ_R = R σ_ε / ε; the signal efficiency is taken as exact).
        public func rejectionError(_ c: Int) -> Double {
            let r = rejection[c], n = Double(backgroundCounts[c])
            guard r.isFinite, r > 0, n > 0 else { return .infinity }
            let e = 1 / r
            return r * (e * (1 - e) / n).squareRoot() / e
        }
    }

    /// An anomaly score's figures for one arithmetic.
    public struct AnomalyFigures: Sendable {
        public var threshold: Double
        public var keptBackground: Double
        /// Background events above the threshold, and in all.
        public var keptCount: Int
        public var backgroundCount: Int
        /// Per signal: efficiency at the threshold, its binomial standard
        /// error, the number of events, and AUC against background.
        public var efficiency: [Double]
        public var efficiencyError: [Double]
        public var signalCounts: [Int]
        public var auc: [Double]
    }
    /// Float (the model.json weights in Double arithmetic) and bit-exact
    /// fixed-point outputs of a graph for the same events.
    public static func outputs(_ graph: Graph, events: EventTable) throws(LoweringError) -> (float: EventTable, fixed: EventTable) {
        outputs(graph, lowered: try Pipeline.lower(graph), events: events)
    }

    /// The same, with the graph already lowered (by the command's own options).
    public static func outputs(_ graph: Graph, lowered: LoweredModel, events: EventTable) -> (float: EventTable, fixed: EventTable) {
        (FloatEvaluator(graph).run(events), FixedPointEvaluator(lowered).run(events))
    }

    public static func tagger(outputs: EventTable, labels: [Int], signalEfficiency: Double) -> TaggerFigures {
        let predicted = PhysicsMetrics.argmax(outputs.values, columns: outputs.columns)
        let rocs = PhysicsMetrics.oneVsRest(outputs: outputs.values, columns: outputs.columns, labels: labels)
        return TaggerFigures(accuracy: PhysicsMetrics.accuracy(predicted: predicted, labels: labels),
                             auc: rocs.map(\.auc),
                             rejection: rocs.map { $0.rejection(atSignalEfficiency: signalEfficiency) },
                             events: labels.count,
                             backgroundCounts: (0..<outputs.columns).map { c in labels.count - labels.filter { $0 == c }.count })
    }

    /// Figures at the threshold that keeps `acceptance` of the background:
    /// one sort per sample, so 10^7 events take seconds.
    /// Samples already in ascending order are not copied to be sorted.
    public static func anomaly(background: [Double], signals: [[Double]], acceptance: Double) -> AnomalyFigures {
        func ascending(_ x: [Double]) -> [Double] { zip(x, x.dropFirst()).allSatisfy { $0 <= $1 } ? x : x.sorted() }
        let b = ascending(background)
        let t = PhysicsMetrics.threshold(sortedBackground: b, acceptance: acceptance)
        let kept = PhysicsMetrics.count(b, above: t)
        var efficiency: [Double] = [], error: [Double] = [], auc: [Double] = []
        for signal in signals {
            let s = ascending(signal)
            let passed = PhysicsMetrics.count(s, above: t)
            efficiency.append(s.isEmpty ? 0 : Double(passed) / Double(s.count))
            error.append(PhysicsMetrics.efficiencyError(passed: passed, of: s.count))
            auc.append(PhysicsMetrics.auc(sortedSignal: s, sortedBackground: b))
        }
        return AnomalyFigures(threshold: t, keptBackground: Double(kept) / Double(b.count), keptCount: kept,
                              backgroundCount: b.count, efficiency: efficiency, efficiencyError: error,
                              signalCounts: signals.map(\.count), auc: auc)
    }

    static func f(_ v: Double, _ digits: Int = 4) -> String {
        if v.isInfinite { return "inf" }
        return String(format: "%.\(digits)f", v)
    }

    static func row(_ name: String, _ a: String, _ b: String, _ c: String = "") -> String {
        name.padding(toLength: 26, withPad: " ", startingAt: 0) + a.leftPadded(18) + b.leftPadded(18) + c.leftPadded(14)
    }

    /// The side-by-side table of a tagger: accuracy and rejections with
    /// their binomial standard errors.
    public static func taggerTable(float: TaggerFigures, fixed: TaggerFigures, classNames: [String], signalEfficiency: Double) -> String {
        var lines = [row("", "float", "fixed", "fixed - float")]
        lines.append(row("accuracy", withError(float.accuracy, float.accuracyError), withError(fixed.accuracy, fixed.accuracyError),
                         f(fixed.accuracy - float.accuracy)))
        for (c, name) in classNames.enumerated() {
            lines.append(row("AUC \(name) vs rest", f(float.auc[c]), f(fixed.auc[c]), f(fixed.auc[c] - float.auc[c])))
        }
        for (c, name) in classNames.enumerated() {
            lines.append(row("rejection \(name) @ eff \(f(signalEfficiency, 2))", rejectionWithError(float.rejection[c], float.rejectionError(c)),
                             rejectionWithError(fixed.rejection[c], fixed.rejectionError(c))))
        }
        return lines.joined(separator: "\n")
    }

    /// The side-by-side table of an anomaly score: efficiencies with their
    /// binomial standard errors.
    public static func anomalyTable(float: AnomalyFigures, fixed: AnomalyFigures, signalNames: [String]) -> String {
        var lines = [row("", "float", "fixed", "rel. change")]
        lines.append(row("threshold", String(format: "%.5g", float.threshold), String(format: "%.5g", fixed.threshold)))
        lines.append(row("background kept", String(format: "%.2e", float.keptBackground), String(format: "%.2e", fixed.keptBackground)))
        lines.append(row("background events kept", "\(float.keptCount)", "\(fixed.keptCount)"))
        for (i, name) in signalNames.enumerated() {
            let rel = float.efficiency[i] > 0 ? (fixed.efficiency[i] - float.efficiency[i]) / float.efficiency[i] : 0
            lines.append(row("eff \(name)", withError(float.efficiency[i], float.efficiencyError[i]),
                             withError(fixed.efficiency[i], fixed.efficiencyError[i]), String(format: "%+.1f%%", 100 * rel)))
        }
        for (i, name) in signalNames.enumerated() {
            lines.append(row("AUC \(name)", f(float.auc[i]), f(fixed.auc[i]), f(fixed.auc[i] - float.auc[i])))
        }
        return lines.joined(separator: "\n")
    }

    /// `12.4±0.3`: a rejection and its standard error, one decimal.
    static func rejectionWithError(_ r: Double, _ e: Double) -> String {
        r.isFinite && e.isFinite ? String(format: "%.1f±%.1f", r, e) : f(r, 1)
    }

    /// `0.0618±0.0008`: the value and its standard error, to the error's precision.
    static func withError(_ v: Double, _ e: Double) -> String {
        let digits = e > 0 ? max(4, min(8, Int((-log10(e)).rounded(.up)) + 1)) : 4
        return String(format: "%.\(digits)f±%.\(digits)f", v, e)
    }
}

extension String {
    func leftPadded(_ n: Int) -> String {
        count >= n ? " " + self : String(repeating: " ", count: n - count) + self
    }
}

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
    }

    /// An anomaly score's figures for one arithmetic.
    public struct AnomalyFigures: Sendable {
        public var threshold: Double
        public var keptBackground: Double
        /// Per signal: efficiency at the threshold, and AUC against background.
        public var efficiency: [Double]
        public var auc: [Double]
    }

    /// Float (the model.json weights in Double arithmetic) and bit-exact
    /// fixed-point outputs of a graph for the same events.
    public static func outputs(_ graph: Graph, events: EventTable) throws(LoweringError) -> (float: EventTable, fixed: EventTable) {
        let lowered = try Pipeline.lower(graph)
        return (FloatEvaluator(graph).run(events), FixedPointEvaluator(lowered).run(events))
    }

    public static func tagger(outputs: EventTable, labels: [Int], signalEfficiency: Double) -> TaggerFigures {
        let predicted = PhysicsMetrics.argmax(outputs.values, columns: outputs.columns)
        let rocs = PhysicsMetrics.oneVsRest(outputs: outputs.values, columns: outputs.columns, labels: labels)
        return TaggerFigures(accuracy: PhysicsMetrics.accuracy(predicted: predicted, labels: labels),
                             auc: rocs.map(\.auc),
                             rejection: rocs.map { $0.rejection(atSignalEfficiency: signalEfficiency) })
    }

    public static func anomaly(background: [Double], signals: [[Double]], acceptance: Double) -> AnomalyFigures {
        let t = PhysicsMetrics.threshold(background: background, acceptance: acceptance)
        let isSignal = { (s: [Double]) in [Bool](repeating: false, count: background.count) + [Bool](repeating: true, count: s.count) }
        return AnomalyFigures(threshold: t, keptBackground: PhysicsMetrics.acceptance(of: background, threshold: t),
                              efficiency: signals.map { PhysicsMetrics.acceptance(of: $0, threshold: t) },
                              auc: signals.map { ROCCurve(scores: background + $0, isSignal: isSignal($0)).auc })
    }

    static func f(_ v: Double, _ digits: Int = 4) -> String {
        if v.isInfinite { return "inf" }
        return String(format: "%.\(digits)f", v)
    }

    static func row(_ name: String, _ a: String, _ b: String, _ c: String = "") -> String {
        name.padding(toLength: 26, withPad: " ", startingAt: 0) + a.leftPadded(12) + b.leftPadded(12) + c.leftPadded(14)
    }

    /// The side-by-side table of a tagger.
    public static func taggerTable(float: TaggerFigures, fixed: TaggerFigures, classNames: [String], signalEfficiency: Double) -> String {
        var lines = [row("", "float", "fixed", "fixed - float")]
        lines.append(row("accuracy", f(float.accuracy), f(fixed.accuracy), f(fixed.accuracy - float.accuracy)))
        for (c, name) in classNames.enumerated() {
            lines.append(row("AUC \(name) vs rest", f(float.auc[c]), f(fixed.auc[c]), f(fixed.auc[c] - float.auc[c])))
        }
        for (c, name) in classNames.enumerated() {
            lines.append(row("rejection \(name) @ eff \(f(signalEfficiency, 2))", f(float.rejection[c], 1), f(fixed.rejection[c], 1)))
        }
        return lines.joined(separator: "\n")
    }

    /// The side-by-side table of an anomaly score.
    public static func anomalyTable(float: AnomalyFigures, fixed: AnomalyFigures, signalNames: [String]) -> String {
        var lines = [row("", "float", "fixed", "rel. change")]
        lines.append(row("threshold", String(format: "%.5g", float.threshold), String(format: "%.5g", fixed.threshold)))
        lines.append(row("background kept", String(format: "%.2e", float.keptBackground), String(format: "%.2e", fixed.keptBackground)))
        for (i, name) in signalNames.enumerated() {
            let rel = float.efficiency[i] > 0 ? (fixed.efficiency[i] - float.efficiency[i]) / float.efficiency[i] : 0
            lines.append(row("eff \(name)", f(float.efficiency[i]), f(fixed.efficiency[i]), String(format: "%+.1f%%", 100 * rel)))
        }
        for (i, name) in signalNames.enumerated() {
            lines.append(row("AUC \(name)", f(float.auc[i]), f(fixed.auc[i]), f(fixed.auc[i] - float.auc[i])))
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(_ n: Int) -> String {
        count >= n ? " " + self : String(repeating: " ", count: n - count) + self
    }
}

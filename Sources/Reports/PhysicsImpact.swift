import Foundation
import Metrics
import TensorIO

/// The LHC bunch-crossing rate: a trigger's rate budget divided by this is
/// the fraction of ordinary events it may keep (shared/PHYSICS.md).
public let bunchCrossingRateHz = 40e6

/// A ROC curve thinned for plotting and JSON.
public struct ROCPoints: Codable, Sendable, Equatable {
    public var backgroundEfficiency: [Double]
    public var signalEfficiency: [Double]

    /// At most `maxPoints` points of `curve`, always keeping both ends.
    public init(_ curve: ROCCurve, maxPoints: Int = 200) {
        let n = curve.backgroundEfficiency.count
        let step = max(1, Int((Double(n) / Double(maxPoints)).rounded(.up)))
        var idx = Array(stride(from: 0, to: n, by: step))
        if let last = idx.last, last != n - 1 { idx.append(n - 1) }
        backgroundEfficiency = idx.map { curve.backgroundEfficiency[$0] }
        signalEfficiency = idx.map { curve.signalEfficiency[$0] }
    }
}

/// One class of a tagger, one-vs-rest, float vs fixed.
public struct ClassComparison: Codable, Sendable, Equatable {
    public var name: String
    public var signalEvents: Int
    public var aucFloat: Double
    public var aucFixed: Double
    /// Background rejection (1/FPR) at 50% signal efficiency.
    public var rejectionFloat: Double?
    public var rejectionFixed: Double?
    public var rocFloat: ROCPoints
    public var rocFixed: ROCPoints
}

/// Physics impact for a multi-class tagger.
public struct ClassifierImpact: Codable, Sendable, Equatable {
    public var events: Int
    public var accuracyFloat: Double
    public var accuracyFixed: Double
    public var classes: [ClassComparison]
}

/// Signal efficiency of one signal process at the background acceptance.
public struct SignalEfficiency: Codable, Sendable, Equatable {
    public var name: String
    public var events: Int
    public var efficiencyFloat: Double
    public var efficiencyFixed: Double
    public var aucFloat: Double
    public var aucFixed: Double
}

/// Score distributions of one process, float and fixed, on common bins.
public struct ScoreDistribution: Codable, Sendable, Equatable {
    public var name: String
    public var float: Histogram
    public var fixed: Histogram
}

/// Physics impact for an anomaly score (a single output): the threshold
/// that keeps the allowed fraction of background, and each signal's
/// efficiency at it, float vs fixed.
public struct AnomalyImpact: Codable, Sendable, Equatable {
    public var backgroundEvents: Int
    /// Fraction of background the trigger may keep.
    public var backgroundAcceptance: Double
    /// The rate budget this acceptance came from (nil: given directly).
    public var rateBudgetHz: Double?
    public var thresholdFloat: Double
    public var thresholdFixed: Double
    /// Background fraction actually kept (ties on a quantized score can keep less).
    public var keptBackgroundFloat: Double
    public var keptBackgroundFixed: Double
    /// Fewer than 10 background events pass: the threshold is poorly known.
    public var statisticallyLimited: Bool
    public var signals: [SignalEfficiency]
    public var distributions: [ScoreDistribution]
}

/// The physics section; one of the two parts is filled.
public struct PhysicsReport: Codable, Sendable, Equatable {
    public var classifier: ClassifierImpact?
    public var anomaly: AnomalyImpact?
}

/// Why a report could not be made from the given data.
public enum ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    case labels(String)
    case io(String)
    case template(String)

    public var description: String {
        switch self {
        case .labels(let s): return "labels: \(s)"
        case .io(let s): return s
        case .template(let s): return s
        }
    }
}

/// Float vs fixed figures of merit (shared/PHYSICS.md: quantization is
/// judged by the change in these, not by mean error alone).
public enum PhysicsImpactAnalysis {
    public struct Options: Sendable {
        public var classNames: [String]?
        /// Names of the signal labels 1, 2, ... of an anomaly score.
        public var signalNames: [String]?
        /// Background fraction kept; overridden by ``rateBudgetHz``.
        public var backgroundAcceptance: Double
        /// A rate budget (Hz); the acceptance becomes budget / 40 MHz.
        public var rateBudgetHz: Double?
        public var histogramBins: Int

        public init(classNames: [String]? = nil, signalNames: [String]? = nil, backgroundAcceptance: Double = 1e-3,
                    rateBudgetHz: Double? = nil, histogramBins: Int = 40) {
            self.classNames = classNames
            self.signalNames = signalNames
            self.backgroundAcceptance = backgroundAcceptance
            self.rateBudgetHz = rateBudgetHz
            self.histogramBins = histogramBins
        }

        public var acceptance: Double { rateBudgetHz.map { $0 / bunchCrossingRateHz } ?? backgroundAcceptance }
    }

    /// Integer labels, one per event: one column of class indices, or
    /// one-hot columns (one per class) reduced by argmax.
    public static func classLabels(_ labels: EventTable, classes: Int) throws(ReportError) -> [Int] {
        if labels.columns == 1 {
            return try labels.values.enumerated().map { (i, v) throws(ReportError) -> Int in
                guard v >= 0, v == v.rounded(), v < 1e6 else {
                    throw .labels("row \(i + 1): '\(v)' is not a class index (0, 1, 2, ...)")
                }
                return Int(v)
            }
        }
        guard labels.columns == classes else {
            throw .labels("\(labels.columns) columns; expected 1 (class index) or \(classes) (one-hot)")
        }
        return PhysicsMetrics.argmax(labels.values, columns: classes)
    }

    /// `float` and `fixed` are the model outputs (one row per event).
    public static func run(float: EventTable, fixed: EventTable, labels: EventTable,
                           options: Options = Options()) throws(ReportError) -> PhysicsReport {
        guard labels.rows == float.rows else {
            throw .labels("\(labels.rows) rows but \(float.rows) events")
        }
        if float.columns == 1 {
            let y = try classLabels(labels, classes: 2)
            return PhysicsReport(anomaly: anomaly(float: float.values, fixed: fixed.values, labels: y, options: options))
        }
        let y = try classLabels(labels, classes: float.columns)
        if let bad = y.firstIndex(where: { $0 >= float.columns }) {
            throw .labels("row \(bad + 1): class \(y[bad]) but the model has \(float.columns) outputs")
        }
        return PhysicsReport(classifier: classifier(float: float, fixed: fixed, labels: y, options: options))
    }

    static func classifier(float: EventTable, fixed: EventTable, labels: [Int], options: Options) -> ClassifierImpact {
        let n = float.columns
        let rocF = PhysicsMetrics.oneVsRest(outputs: float.values, columns: n, labels: labels)
        let rocQ = PhysicsMetrics.oneVsRest(outputs: fixed.values, columns: n, labels: labels)
        func rejection(_ c: ROCCurve) -> Double? {
            let r = c.rejection(atSignalEfficiency: 0.5)
            return r.isFinite ? r : nil
        }
        let classes = (0..<n).map { c in
            ClassComparison(name: options.classNames.flatMap { c < $0.count ? $0[c] : nil } ?? "class \(c)",
                            signalEvents: labels.filter { $0 == c }.count,
                            aucFloat: rocF[c].auc, aucFixed: rocQ[c].auc,
                            rejectionFloat: rejection(rocF[c]), rejectionFixed: rejection(rocQ[c]),
                            rocFloat: ROCPoints(rocF[c]), rocFixed: ROCPoints(rocQ[c]))
        }
        return ClassifierImpact(
            events: labels.count,
            accuracyFloat: PhysicsMetrics.accuracy(predicted: PhysicsMetrics.argmax(float.values, columns: n), labels: labels),
            accuracyFixed: PhysicsMetrics.accuracy(predicted: PhysicsMetrics.argmax(fixed.values, columns: n), labels: labels),
            classes: classes)
    }

    static func anomaly(float: [Double], fixed: [Double], labels: [Int], options: Options) -> AnomalyImpact {
        let acceptance = options.acceptance
        let bkgF = zip(float, labels).filter { $0.1 == 0 }.map(\.0)
        let bkgQ = zip(fixed, labels).filter { $0.1 == 0 }.map(\.0)
        let processes = Set(labels).subtracting([0]).sorted()
        func name(_ k: Int) -> String {
            options.signalNames.flatMap { k - 1 < $0.count ? $0[k - 1] : nil } ?? "signal \(k)"
        }
        let tF = bkgF.isEmpty ? .infinity : PhysicsMetrics.threshold(background: bkgF, acceptance: acceptance)
        let tQ = bkgQ.isEmpty ? .infinity : PhysicsMetrics.threshold(background: bkgQ, acceptance: acceptance)
        let signals = processes.map { k -> SignalEfficiency in
            let sF = zip(float, labels).filter { $0.1 == k }.map(\.0)
            let sQ = zip(fixed, labels).filter { $0.1 == k }.map(\.0)
            func auc(_ s: [Double], _ b: [Double]) -> Double {
                ROCCurve(scores: s + b, isSignal: s.map { _ in true } + b.map { _ in false }).auc
            }
            return SignalEfficiency(name: name(k), events: sF.count,
                                    efficiencyFloat: PhysicsMetrics.acceptance(of: sF, threshold: tF),
                                    efficiencyFixed: PhysicsMetrics.acceptance(of: sQ, threshold: tQ),
                                    aucFloat: auc(sF, bkgF), aucFixed: auc(sQ, bkgQ))
        }
        // Common bins for every process, float and fixed, up to the 99.5%
        // quantile of all scores so that one far outlier does not squash the plot.
        let all = (float + fixed).filter(\.isFinite).sorted()
        let lo = all.first ?? 0
        // ... but always past the thresholds, which sit in the far tail.
        let tail = [tF, tQ].filter(\.isFinite).max().map { $0 + 0.25 * abs($0 - lo) } ?? -Double.infinity
        let quantile = all.isEmpty ? 1 : all[min(all.count - 1, Int(Double(all.count) * 0.995))]
        let hi = min(max(quantile, tail), all.last ?? quantile)
        let distributions = ([0] + processes).map { k in
            ScoreDistribution(
                name: k == 0 ? "background" : name(k),
                float: Histogram(zip(float, labels).filter { $0.1 == k }.map(\.0), bins: options.histogramBins, lower: lo, upper: hi),
                fixed: Histogram(zip(fixed, labels).filter { $0.1 == k }.map(\.0), bins: options.histogramBins, lower: lo, upper: hi))
        }
        let keptF = PhysicsMetrics.acceptance(of: bkgF, threshold: tF)
        let keptQ = PhysicsMetrics.acceptance(of: bkgQ, threshold: tQ)
        return AnomalyImpact(
            backgroundEvents: bkgF.count, backgroundAcceptance: acceptance, rateBudgetHz: options.rateBudgetHz,
            thresholdFloat: tF, thresholdFixed: tQ, keptBackgroundFloat: keptF, keptBackgroundFixed: keptQ,
            statisticallyLimited: Double(bkgF.count) * acceptance < 10,
            signals: signals, distributions: distributions)
    }
}

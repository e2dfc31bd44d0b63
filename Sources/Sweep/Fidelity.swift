import Metrics

/// The fixed-point outputs of a point against the float model's, and, with
/// labels, the physics figures of both.
struct Fidelity {
    var maxError = 0.0
    var rmsError = 0.0
    var accuracy: Double?
    var floatAccuracy: Double?
    var auc: Double?
    var floatAUC: Double?
    var efficiency: Double?
    var floatEfficiency: Double?

    /// `fixed` and `float` are row-major with `width` outputs per event.
    init(fixed: [Double], float: [Double], width: Int, labels: [Int]?, backgroundAcceptance: Double) {
        var squares = 0.0
        for i in 0..<min(fixed.count, float.count) {
            let d = abs(fixed[i] - float[i])
            if d > maxError || d.isNaN { maxError = d }
            squares += d * d
        }
        rmsError = fixed.isEmpty ? 0 : (squares / Double(fixed.count)).squareRoot()
        guard let labels else { return }
        if width == 1 {
            let isSignal = labels.map { $0 != 0 }
            guard isSignal.contains(true), isSignal.contains(false) else { return }
            auc = ROCCurve(scores: fixed, isSignal: isSignal).auc
            floatAUC = ROCCurve(scores: float, isSignal: isSignal).auc
            efficiency = Self.efficiency(fixed, isSignal, backgroundAcceptance)
            floatEfficiency = Self.efficiency(float, isSignal, backgroundAcceptance)
        } else {
            accuracy = PhysicsMetrics.accuracy(predicted: PhysicsMetrics.argmax(fixed, columns: width), labels: labels)
            floatAccuracy = PhysicsMetrics.accuracy(predicted: PhysicsMetrics.argmax(float, columns: width), labels: labels)
            auc = Self.meanAUC(fixed, width: width, labels: labels)
            floatAUC = Self.meanAUC(float, width: width, labels: labels)
        }
    }

    /// The mean one-vs-rest AUC over the classes present with both signal and background.
    static func meanAUC(_ outputs: [Double], width: Int, labels: [Int]) -> Double? {
        let curves = PhysicsMetrics.oneVsRest(outputs: outputs, columns: width, labels: labels).enumerated()
            .filter { c in labels.contains(c.offset) && labels.contains { $0 != c.offset } }.map(\.element)
        return curves.isEmpty ? nil : curves.reduce(0) { $0 + $1.auc } / Double(curves.count)
    }

    static func efficiency(_ scores: [Double], _ isSignal: [Bool], _ acceptance: Double) -> Double {
        var signal: [Double] = [], background: [Double] = []
        for (s, sig) in zip(scores, isSignal) { if sig { signal.append(s) } else { background.append(s) } }
        return PhysicsMetrics.efficiencyAtFixedRate(signal: signal, background: background, backgroundAcceptance: acceptance).efficiency
    }
}

import FixedPoint
import ModelIR

/// The invariants of a ``ThresholdOp`` that ``Verify`` checks.
enum ThresholdVerify {
    /// What is wrong with `t` whose output has `outputType`, or nil.
    static func problem(_ t: ThresholdOp, outputType: FixedType) -> String? {
        guard !t.thresholds.isEmpty, t.steps >= 1 else { return "a threshold op needs at least one list of at least one threshold" }
        for (c, list) in t.thresholds.enumerated() {
            guard list.count == t.steps else { return "threshold list \(c) has \(list.count) thresholds, not \(t.steps)" }
            guard zip(list, list.dropFirst()).allSatisfy({ $0 <= $1 }) else { return "threshold list \(c) is not sorted" }
        }
        guard t.outputStep != 0 else { return "the output step is zero" }
        let (span, o1) = t.outputStep.multipliedReportingOverflow(by: Int64(t.steps))
        let (top, o2) = t.outputBias.addingReportingOverflow(span)
        guard !o1, !o2 else { return "the output codes overflow 64 bits" }
        let lo = min(t.outputBias, top), hi = max(t.outputBias, top)
        guard lo >= outputType.minRaw, hi <= outputType.maxRaw else {
            return "the output codes [\(lo), \(hi)] are not all codes of \(outputType)"
        }
        return nil
    }
}

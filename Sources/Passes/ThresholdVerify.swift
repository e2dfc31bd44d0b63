import FixedPoint
import ModelIR

/// The invariants of a ``ThresholdOp`` that ``Verify`` checks.
enum ThresholdVerify {
    /// What is wrong with `t` whose input has `inputType` and output
    /// `outputType`, or nil. A multiply-add-shift form is proven equal to
    /// the comparisons on every code of `inputType` again here, so a
    /// hand-edited lowered.txt cannot change what the op computes.
    static func problem(_ t: ThresholdOp, inputType: FixedType, outputType: FixedType) -> String? {
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
        if let affine = t.affine {
            guard affine.count == t.thresholds.count else {
                return "\(affine.count) multiply-add-shift forms for \(t.thresholds.count) threshold lists"
            }
            for (c, form) in affine.enumerated() {
                if let x = ThresholdAffineProof.counterexample(form, list: t.thresholds[c], lo: inputType.minRaw, hi: inputType.maxRaw) {
                    return "affine form \(c) (\(form.multiplier) * x + \(form.offset)) >> \(form.shift) counts \(form.count(x, steps: t.steps)) "
                        + "thresholds at input code \(x), the list \(ThresholdOp.count(x, in: t.thresholds[c]))"
                }
            }
        }
        return nil
    }
}

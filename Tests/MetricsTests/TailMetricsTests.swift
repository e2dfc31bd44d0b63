import Metrics
import Testing

/// The sorted-sample figures equal the per-event ROC curve's.
struct TailMetricsTests {
    @Test func aucFromSortedSamplesEqualsTheROCCurve() {
        var state: UInt64 = 5
        func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 54) / 64 }
        for _ in 0..<20 {
            // Coarse scores: many ties, as a quantized score has.
            let b = (0..<300).map { _ in next() }, s = (0..<120).map { _ in next() + 1 }
            let roc = ROCCurve(scores: b + s, isSignal: [Bool](repeating: false, count: b.count) + [Bool](repeating: true, count: s.count))
            #expect(abs(PhysicsMetrics.auc(sortedSignal: s.sorted(), sortedBackground: b.sorted()) - roc.auc) < 1e-12)
            for a in [0.0, 1e-3, 0.01, 0.3, 1] {
                let t = PhysicsMetrics.threshold(background: b, acceptance: a)
                #expect(PhysicsMetrics.threshold(sortedBackground: b.sorted(), acceptance: a) == t)
                #expect(Double(PhysicsMetrics.count(b.sorted(), above: t)) / Double(b.count) == PhysicsMetrics.acceptance(of: b, threshold: t))
            }
        }
        #expect(PhysicsMetrics.acceptance(rateHz: 1000) == 2.5e-5)
        #expect(abs(PhysicsMetrics.efficiencyError(passed: 25, of: 100) - 0.0433) < 1e-4)
    }
}

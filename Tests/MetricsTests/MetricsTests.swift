import Testing
@testable import Metrics

struct ROCTests {
    @Test func perfectReversedAndTiedScoresGiveAUCOneZeroAndHalf() {
        let labels = [true, true, false, false]
        #expect(ROCCurve(scores: [0.9, 0.8, 0.2, 0.1], isSignal: labels).auc == 1)
        #expect(ROCCurve(scores: [0.1, 0.2, 0.8, 0.9], isSignal: labels).auc == 0)
        #expect(ROCCurve(scores: [0.5, 0.5, 0.5, 0.5], isSignal: labels).auc == 0.5)
    }

    @Test func aucEqualsTheMannWhitneyStatistic() {
        // Signal scores 3, 5, 7; background 1, 4, 5, 6: pairs won = 1+2+0.5(5 vs 5)+1... counted by hand:
        // s=3: beats 1 -> 1; s=5: beats 1, 4, ties 5 -> 2.5; s=7: beats all 4 -> 4. Total 7.5 / 12.
        let scores = [3.0, 5, 7, 1, 4, 5, 6]
        let isSignal = [true, true, true, false, false, false, false]
        #expect(abs(ROCCurve(scores: scores, isSignal: isSignal).auc - 7.5 / 12) < 1e-12)
    }

    @Test func rejectionAtFixedSignalEfficiencyInterpolates() {
        // Signal at 10..19, background at 0..9 and one background at 15.
        let sig = (10..<20).map(Double.init), bkg = (0..<10).map(Double.init) + [15]
        let roc = ROCCurve(scores: sig + bkg, isSignal: sig.map { _ in true } + bkg.map { _ in false })
        // 50% signal efficiency: scores >= 15 keep 5 signal and one background of 11.
        #expect(abs(roc.backgroundEfficiency(atSignalEfficiency: 0.5) - 1.0 / 11) < 1e-12)
        #expect(abs(roc.rejection(atSignalEfficiency: 0.5) - 11) < 1e-9)
        #expect(roc.rejection(atSignalEfficiency: 0.3) == .infinity)
    }
}

struct PhysicsMetricsTests {
    @Test func accuracyAndArgmax() {
        let outputs = [0.1, 0.7, 0.2, 0.5, 0.2, 0.3, 0.3, 0.3, 0.4]
        let predicted = PhysicsMetrics.argmax(outputs, columns: 3)
        #expect(predicted == [1, 0, 2])
        #expect(PhysicsMetrics.accuracy(predicted: predicted, labels: [1, 2, 2]) == 2.0 / 3)
    }

    @Test func thresholdKeepsTheAskedBackgroundFraction() {
        let background = (0..<1000).map(Double.init).shuffled()
        let t = PhysicsMetrics.threshold(background: background, acceptance: 0.01)
        #expect(t == 989)
        #expect(PhysicsMetrics.acceptance(of: background, threshold: t) == 0.01)
        let r = PhysicsMetrics.efficiencyAtFixedRate(signal: [995, 990, 100, 989], background: background, backgroundAcceptance: 0.01)
        #expect(r.efficiency == 0.5)
    }

    @Test func tiedBackgroundScoresNeverExceedTheRate() {
        // A quantized score: many background events share the top value.
        let background = [Double](repeating: 1, count: 990) + [Double](repeating: 2, count: 10)
        let t = PhysicsMetrics.threshold(background: background, acceptance: 0.005)
        #expect(PhysicsMetrics.acceptance(of: background, threshold: t) <= 0.005)
    }

    @Test func oneVsRestBuildsOneCurvePerClass() {
        let outputs = [0.9, 0.1, 0.2, 0.8, 0.6, 0.4]
        let rocs = PhysicsMetrics.oneVsRest(outputs: outputs, columns: 2, labels: [0, 1, 0])
        #expect(rocs.count == 2)
        #expect(rocs[0].auc == 1)
        #expect(rocs[1].auc == 1)
    }
}

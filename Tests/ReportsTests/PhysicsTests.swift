import Metrics
import TensorIO
import Testing
@testable import Reports

@Suite struct PhysicsTests {
    @Test func classLabelsFromIndicesOrOneHot() throws {
        #expect(try PhysicsImpactAnalysis.classLabels(EventTable([[0], [2], [1]]), classes: 3) == [0, 2, 1])
        #expect(try PhysicsImpactAnalysis.classLabels(EventTable([[0, 0, 1], [1, 0, 0]]), classes: 3) == [2, 0])
        #expect(throws: ReportError.self) { try PhysicsImpactAnalysis.classLabels(EventTable([[0.5]]), classes: 3) }
        #expect(throws: ReportError.self) { try PhysicsImpactAnalysis.classLabels(EventTable([[0, 1]]), classes: 3) }
    }

    @Test func aPerfectTaggerHasUnitAUCAndAQuantizedOneLessResolution() throws {
        // Two classes; the float score separates perfectly; the "fixed" one is coarse (ties).
        let float = EventTable([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8]])
        let fixed = EventTable([[1, 0], [0.5, 0.5], [0.5, 0.5], [0, 1]])
        let r = try PhysicsImpactAnalysis.run(float: float, fixed: fixed, labels: EventTable([[0], [0], [1], [1]]))
        let c = try #require(r.classifier)
        #expect(c.classes[0].aucFloat == 1)
        #expect(c.classes[0].aucFixed == 0.875)  // one tied pair counts one half
        #expect(c.accuracyFloat == 1)
        #expect(c.accuracyFixed == 0.75)  // the tie goes to class 0
    }

    @Test func anomalyEfficiencyAtAFixedBackgroundAcceptance() throws {
        // 1000 background scores 0..999, signal A scores 990..1009, signal B all 0.
        let bkg = (0..<1000).map(Double.init)
        let sigA = (990..<1010).map(Double.init)
        let sigB = [Double](repeating: 0, count: 10)
        let scores = bkg + sigA + sigB
        let labels = bkg.map { _ in 0.0 } + sigA.map { _ in 1.0 } + sigB.map { _ in 2.0 }
        let t = EventTable(scores.map { [$0] })
        let r = try PhysicsImpactAnalysis.run(float: t, fixed: t, labels: EventTable(labels.map { [$0] }),
                                              options: .init(signalNames: ["A", "B"], backgroundAcceptance: 0.01))
        let a = try #require(r.anomaly)
        #expect(a.backgroundEvents == 1000)
        #expect(a.thresholdFloat == 989)       // keeps 990..999: 1%
        #expect(a.keptBackgroundFloat == 0.01)
        #expect(a.signals.map(\.name) == ["A", "B"])
        #expect(a.signals[0].efficiencyFloat == 1)
        #expect(a.signals[1].efficiencyFixed == 0)
        #expect(!a.statisticallyLimited)
        #expect(a.distributions.map(\.name) == ["background", "A", "B"])
        #expect(a.distributions[0].float.total == 1000)
    }

    @Test func rateBudgetSetsTheAcceptance() {
        let o = PhysicsImpactAnalysis.Options(rateBudgetHz: 1000)
        #expect(o.acceptance == 2.5e-5)
    }

    @Test func labelRowsMustMatchEvents() {
        let t = EventTable([[1], [2]])
        #expect(throws: ReportError.labels("1 rows but 2 events")) {
            try PhysicsImpactAnalysis.run(float: t, fixed: t, labels: EventTable([[0]]))
        }
    }

    @Test func rocPointsAreThinnedKeepingBothEnds() {
        let scores = (0..<1000).map { Double($0) }
        let curve = ROCCurve(scores: scores, isSignal: scores.map { Int($0) % 3 == 0 })
        let p = ROCPoints(curve, maxPoints: 100)
        #expect(p.signalEfficiency.count <= 101)
        #expect(p.signalEfficiency.first == 0 && p.signalEfficiency.last == 1)
        #expect(p.backgroundEfficiency.last == 1)
    }
}

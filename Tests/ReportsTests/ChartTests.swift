import Metrics
import ModelIR
import Testing
@testable import Reports

@Suite struct ChartTests {
    func count(_ s: String, _ needle: String) -> Int { s.components(separatedBy: needle).count - 1 }

    func layer(_ name: String, type: String, lsb: Double, max: Double, used: Double, saturated: Int = 0) -> LayerAccuracy {
        LayerAccuracy(tensor: name, op: name, kind: "dense", sourceLayers: [name], comparedWith: name, type: type, size: 1,
                      declared: ValueInterval(min: -max, max: max), lsb: lsb, usedFloat: ValueInterval(min: -used, max: used),
                      usedFixed: ValueInterval(min: -used, max: used), integerBits: 4, integerBitsNeeded: 4, smallExponent: -3,
                      error: nil, values: 10, saturated: saturated, wrapped: 0, clamped: 0)
    }

    @Test func rangeBarsDrawOneRowPerTensorAndFlagOverflow() {
        let svg = ReportCharts.rangeBars([
            layer("fits", type: "ap_fixed<8,4>", lsb: 1.0 / 16, max: 7.9375, used: 3),
            layer("over", type: "ap_fixed<8,2>", lsb: 1.0 / 64, max: 1.984375, used: 6, saturated: 3),
        ])
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.contains(">fits ap_fixed&lt;8,4&gt;</text>"))
        #expect(svg.contains(">over ap_fixed&lt;8,2&gt;</text>"))
        #expect(count(svg, "fill=\"#ddd\"") == 2)                  // declared boxes
        #expect(count(svg, "fill=\"\(SVG.fixedColor)\"") == 2)      // the part beyond the type, and the label
        #expect(svg.contains("saturated 30.000%"))
    }

    @Test func rocCurvesDrawFloatSolidAndFixedDashedPerClass() {
        let roc = ROCCurve(scores: [0.9, 0.8, 0.3, 0.1], isSignal: [true, false, true, false])
        let cls = ClassComparison(name: "W", signalEvents: 2, aucFloat: 0.75, aucFixed: 0.75, rejectionFloat: 2, rejectionFixed: 2,
                                  rocFloat: ROCPoints(roc), rocFixed: ROCPoints(roc))
        let svg = ReportCharts.rocCurves(ClassifierImpact(events: 4, accuracyFloat: 1, accuracyFixed: 1, classes: [cls, cls]))
        #expect(count(svg, "<polyline") == 4)
        #expect(count(svg, "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.6\" stroke-dasharray") == 1)
        #expect(svg.contains("W AUC 0.750 / 0.750"))
    }

    @Test func scoreDistributionsShowBothThresholds() {
        let h = Histogram([1, 2, 3], bins: 3, lower: 0, upper: 3)
        let a = AnomalyImpact(backgroundEvents: 3, backgroundAcceptance: 0.1, rateBudgetHz: nil, thresholdFloat: 2.5,
                              thresholdFixed: 2.4, keptBackgroundFloat: 0.33, keptBackgroundFixed: 0.33, statisticallyLimited: true,
                              signals: [], distributions: [ScoreDistribution(name: "background", float: h, fixed: h)])
        let svg = ReportCharts.scoreDistributions(a)
        #expect(svg.contains(">threshold (float)</text>"))
        #expect(svg.contains(">threshold (fixed)</text>"))
        #expect(count(svg, "<polyline") == 2)
        #expect(svg.contains(">background</text>"))
    }

    @Test func latencyStagesDrawOneBarPerOp() {
        let sim = SimulationResults(scheduledLatencyCycles: 5, stages: [
            StageInfo(module: "m_fc1", op: "fc1", kind: "dense", sourceLayers: ["fc1"], startCycle: 0, cycles: 3),
            StageInfo(module: "m_out", op: "out", kind: "softmax", sourceLayers: ["out"], startCycle: 3, cycles: 2),
        ])
        let l = LatencyReport(clockNs: 2.5, simulation: sim)
        #expect(l.cycles == 5 && l.ns == 12.5)
        #expect(l.stages.map(\.ns) == [7.5, 5])
        let svg = ReportCharts.latencyStages(l)
        #expect(svg.contains(">fc1 (dense)</text>"))
        #expect(count(svg, "<rect") == 2)
        #expect(ReportCharts.latencyStages(LatencyReport(clockNs: 5, simulation: SimulationResults())) == "")
    }

    @Test func resourceBarsShowLUTsAndFFsPerModule() {
        let r = ResourceReport(method: "analytic estimate", isEstimate: true, total: ResourceCounts(lut: 150, ff: 20),
                               modules: [ModuleResources(module: "m1", op: "fc1", counts: ResourceCounts(lut: 100, ff: 20)),
                                         ModuleResources(module: "m2", op: nil, counts: ResourceCounts(lut: 50))],
                               part: nil)
        let svg = ReportCharts.resourceBars(r)
        #expect(svg.contains(">fc1</text>") && svg.contains(">m2</text>"))
        #expect(count(svg, "<rect") == 4)
        #expect(svg.contains("analytic estimate"))
    }

    @Test func outputPlotsHaveTheDiagonalAndTheZeroLine() {
        let o = OutputAccuracy(name: "score", error: ErrorStats(float: [1, 2], fixed: [1.5, 2]),
                               errorHistogram: Histogram([0.5, 0], bins: 4, symmetric: true),
                               scatter: [ScatterPoint(x: 1, y: 1.5), ScatterPoint(x: 2, y: 2)])
        let scatter = ReportCharts.outputScatter(o)
        #expect(count(scatter, "<circle") == 2)
        #expect(scatter.contains("stroke-dasharray"))  // y = x
        let hist = ReportCharts.errorHistogram(o)
        #expect(hist.contains("RMS 0.354"))
        #expect(count(hist, "<rect") >= 3)  // frame + 2 bars
    }
}

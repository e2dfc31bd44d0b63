import Foundation
import ModelIR
import ModelZoo
import Passes
import Reference
import Templates
import TensorIO
import Testing
@testable import Reports

@Suite struct ModelReportTests {
    static let graph = ModelZoo.tagger(softmax: true)
    static let model = try! Pipeline.lower(graph)
    static let ev = events(for: graph, count: 200)
    static let y = labels(for: graph, events: ev)
    static let simulated = SimulationResults(csimEvents: 200, csimMismatches: 0, rtlEvents: 200, rtlMismatches: 0,
                                             latencyCycles: 9, initiationInterval: 1)
    static let resources = netlistEstimate(model)
    static let report = try! ModelReport.build(ReportInput(graph: graph, model: model, events: ev, labels: y,
                                                           clockNs: 4, simulation: simulated, resources: resources))

    @Test func everyLoweredTensorIsComparedWithTheFloatGraph() {
        let r = Self.report.bitAccuracy
        #expect(r.layers.count == Self.model.inputs.count + Self.model.ops.count)
        #expect(r.layers.allSatisfy { $0.comparedWith != nil && $0.error != nil })
        // The fused dense + ReLU writes the activation's tensor and names both layers.
        let fused = r.layers.first { $0.op == "fc1" }!
        #expect(fused.tensor == "act1")
        #expect(fused.kind == "dense+relu")
        #expect(fused.sourceLayers == ["fc1", "act1"])
        #expect(r.outputs.map(\.name) == (0..<5).map { "out[\($0)]" })
        #expect(r.outputs.allSatisfy { $0.scatter.count == 200 && $0.errorHistogram.total == 200 })
    }

    @Test func foldedBatchNormAndInsertedQuantizeFindTheirFloatTensors() throws {
        let g = ModelZoo.branchy()
        let m = try Pipeline.lower(g)
        let names = BitAccuracyAnalysis.floatCounterparts(graph: g, model: m)
        for (i, t) in m.tensors.enumerated() {
            #expect(names[i] != nil, "no float counterpart for \(t.name)")
        }
        let r = BitAccuracyAnalysis.run(graph: g, model: m, events: events(for: g, count: 50, scale: 2))
        // d1 + bn1 fold into a dense named bn1, which then fuses with the ReLU r1.
        let bn1 = try #require(r.layers.first { $0.op == "bn1" })
        #expect(bn1.tensor == "r1")
        #expect(bn1.sourceLayers == ["d1", "bn1", "r1"])
        // Quantized with 8-bit weights: close to float, not equal.
        #expect(bn1.error!.maxAbs > 0 && bn1.error!.maxAbs < 0.5)
    }

    @Test func outputErrorsAreTheReferenceMinusTheFloatModel() {
        let float = FloatEvaluator(Self.graph).run(Self.ev)
        let fixed = FixedPointEvaluator(Self.model).run(Self.ev)
        let direct = ErrorStats(float: stride(from: 2, to: float.values.count, by: 5).map { float.values[$0] },
                                fixed: stride(from: 2, to: fixed.values.count, by: 5).map { fixed.values[$0] })
        #expect(Self.report.bitAccuracy.outputs[2].error == direct)
        #expect(direct.maxAbs > 0)
    }

    @Test func jsonRoundTripsAndIsDeterministic() throws {
        let text = Self.report.json()
        let back = try ModelReport.decode(json: text)
        #expect(back == Self.report)
        let again = try ModelReport.build(ReportInput(graph: Self.graph, model: Self.model, events: Self.ev, labels: Self.y,
                                                      clockNs: 4, simulation: Self.simulated, resources: Self.resources))
        #expect(again.json() == text)
        // Keys are sorted: "agreement" comes before "bitAccuracy" before "events".
        let a = text.range(of: "\"agreement\"")!.lowerBound, b = text.range(of: "\"bitAccuracy\"")!.lowerBound
        #expect(a < b)
    }

    @Test func physicsComparesFloatAndFixedROCs() throws {
        let k = try #require(Self.report.physics?.classifier)
        #expect(k.classes.count == 5)
        #expect(k.events == 200)
        // Labels follow the float argmax 3 times in 4: accuracy well above chance.
        #expect(k.accuracyFloat > 0.6)
        #expect(abs(k.accuracyFixed - k.accuracyFloat) < 0.1)
        for c in k.classes {
            #expect(c.aucFloat > 0.5 && c.aucFloat <= 1)
            #expect(c.rocFloat.signalEfficiency.first == 0 && c.rocFloat.signalEfficiency.last == 1)
        }
    }

    @Test func latencyAndResources() throws {
        let r = Self.report
        #expect(r.latency.cycles == 9)
        #expect(r.latency.ns == 36)
        #expect(r.latency.source.contains("measured"))
        let res = try #require(r.resources)
        #expect(res == Self.resources)
        #expect(res.isEstimate)
        #expect(res.total.lut > 1000)
        #expect(res.part?.part.name == "xcvu13p")
        #expect(res.modules.filter { $0.op != nil }.count == Self.model.ops.count)
    }

    @Test func textSummaryStatesTheFigures() {
        let s = Self.report.textSummary()
        #expect(s.contains("HLS C simulation  0 mismatches in 200 events"))
        #expect(s.contains("Verilator RTL     0 mismatches in 200 events"))
        #expect(s.contains("Latency: 9 cycles = 36 ns at 4 ns"))
        #expect(s.contains("ESTIMATE, not synthesized"))
        #expect(s.contains("act1"))
    }

    @Test func htmlForTheTaggerHasTheNumbersAndThePlots() throws {
        let html = try HTMLReport.render(Self.report, templates: TemplateLibrary.locate())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        // Plots: range bars, 5 scatter + 5 histograms, ROC, stages? (no stages given), resources.
        #expect(html.components(separatedBy: "<svg").count - 1 >= 13)
        #expect(html.contains("0 mismatches: HLS C simulation and Verilator RTL reproduce the Swift reference bit for bit"))
        // Numbers from the report.
        let k = Self.report.physics!.classifier!
        #expect(html.contains(String(format: "%.4f", k.classes[0].aucFloat)))
        #expect(html.contains(ReportFormat.number(Self.report.bitAccuracy.outputs[0].error.rms)))
        #expect(html.contains("36 ns"))
        #expect(html.contains("an analytic estimate, not a synthesis result"))
        #expect(html.contains("<code>ap_fixed&lt;16,6,AP_RND,AP_SAT&gt;</code>"))
        // Self-contained: nothing to fetch.
        #expect(!html.contains("<script"))
        #expect(!html.contains("<link"))
        #expect(!html.contains("src="))
    }

    @Test func htmlSaysWhenSimulationsDidNotRun() throws {
        let r = try ModelReport.build(ReportInput(graph: Self.graph, model: Self.model,
                                                  events: EventTable(Array(Self.ev.rowArrays.prefix(20)))))
        let html = try HTMLReport.render(r, templates: TemplateLibrary.locate())
        #expect(html.contains("Neither the HLS C simulation nor the Verilator RTL simulation was run"))
        // No design given: no resources section, and the summary says so.
        #expect(r.resources == nil)
        #expect(r.textSummary().contains("Resources: not counted (no Verilog design)"))
        #expect(html.contains("No labels given"))
        #expect(r.agreement.totalMismatches == nil)
    }
}

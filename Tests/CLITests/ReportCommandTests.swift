import Foundation
import Testing

@Suite struct ReportCommandTests {
    /// `report` on the shipped tagger and its 200 test events, into a new folder.
    static func taggerReport(_ options: [String]) throws -> (result: CLI.Result, folder: URL) {
        let out = try CLI.temporaryDirectory().appendingPathComponent("report")
        let r = try CLI.run(["report", CLI.repoRoot.appendingPathComponent("examples/jet_tagger/model.json").path,
                             "--input", CLI.repoRoot.appendingPathComponent("examples/jet_tagger/test_inputs.csv").path,
                             "--out", out.path] + options)
        return (r, out)
    }

    /// The shipped tagger's report, with both simulations: the page states
    /// zero mismatches for the HLS C simulation and the RTL, carries the
    /// numbers and the plots.
    @Test func shippedTaggerReportStatesZeroMismatchesAndHasPlots() throws {
        let (r, out) = try Self.taggerReport(["--no-synthesis", "--verify"])
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("HLS C simulation  0 mismatches in 200 events"), "\(r.out)")
        #expect(r.out.contains("Verilator RTL     0 mismatches in 200 events"), "\(r.out)")
        #expect(r.out.contains("Resources (ESTIMATE, not synthesized): LUT "), "\(r.out)")
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<svg"))
        #expect(html.components(separatedBy: "<svg").count > 5)
        #expect(html.contains("jet_tagger"))
        // The latency the shipped RTL's top module states (hls-out/, regenerated with the emitter).
        let top = try String(contentsOf: CLI.repoRoot.appendingPathComponent("hls-out/jet_tagger/rtl/jet_tagger.v"), encoding: .utf8)
        let stated = try #require(top.firstMatch(of: /latency (\d+) cycle/)?.1)
        #expect(html.contains("\(stated) cycles at 5 ns"), "the shipped RTL states \(stated) cycles")
        // Self-contained: nothing is fetched (the SVG namespace URI is only a name).
        for fetch in ["src=\"http", "href=\"http", "@import", "url(http"] { #expect(!html.contains(fetch)) }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any]
        #expect(json != nil)
    }

    /// Without a Verilog design there is nothing to count: no resources
    /// section (no estimate from the lowered IR instead), a summary line
    /// that says so, and a warning with the reason.
    @Test func aReportWithoutADesignHasNoResourcesSection() throws {
        let (r, out) = try Self.taggerReport(["--max-rtl-size", "1"])
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("Resources: not counted (no Verilog design)"), "\(r.out)")
        #expect(r.err.contains("warning: no Verilog design:") && r.err.contains("the report has no resources section"), "\(r.err)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any]
        #expect(json?["model"] as? String == "jet_tagger")
        #expect(json?["resources"] == nil)
    }
}

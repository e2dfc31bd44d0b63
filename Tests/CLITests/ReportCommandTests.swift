import Foundation
import Testing

@Suite struct ReportCommandTests {
    /// The shipped tagger's report, with both simulations: the page states
    /// zero mismatches for the HLS C simulation and the RTL, carries the
    /// numbers and the plots.
    @Test func shippedTaggerReportStatesZeroMismatchesAndHasPlots() throws {
        let dir = try CLI.temporaryDirectory()
        let out = dir.appendingPathComponent("report")
        let r = try CLI.run(["report", CLI.repoRoot.appendingPathComponent("examples/jet_tagger/model.json").path,
                             "--input", CLI.repoRoot.appendingPathComponent("examples/jet_tagger/test_inputs.csv").path,
                             "--out", out.path, "--no-synthesis", "--verify"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("HLS C simulation  0 mismatches in 200 events"), "\(r.out)")
        #expect(r.out.contains("Verilator RTL     0 mismatches in 200 events"), "\(r.out)")
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
}

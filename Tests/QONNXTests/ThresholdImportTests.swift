import Foundation
import ModelFormat
import ModelZoo
import Testing

/// FINN `MultiThreshold` nodes (issue 26) imported onto the threshold op:
/// bit-exact against the QONNX executor on 2,000 events per fixture (half on
/// a grid fine enough to land on the thresholds that sit on the
/// accumulator's grid), and bad nodes refused with exit 2 naming the node
/// and the attribute. Fixtures: fixtures/thresholds/make_threshold_fixtures.py.
@Suite struct ThresholdImportTests {
    static let folder = Tool.fixtures.appendingPathComponent("thresholds")

    static let fixtures = Fixture.load("manifest.json", in: folder)
    static let expected = Fixture.expectedMessages(in: folder)

    @Test func theFixturesAreThere() {
        #expect(Self.fixtures.count == 3)
        #expect(Self.expected.count == 6)
    }

    @Test(.enabled(if: Tool.oracleAvailable, "needs python3 with qonnx and onnxruntime (scripts/setup.sh)"), arguments: fixtures)
    func multiThresholdMatchesTheQONNXExecutor(fixture: Fixture) throws {
        // Through model.json as well: the threshold layer's JSON form keeps every bit.
        try OracleTests.expectExecutorMatchDirectlyAndThroughJSON(Self.folder.appendingPathComponent(fixture.file), fixture, seed: 26)
    }

    @Test(arguments: expected.keys.sorted())
    func badMultiThresholdIsRefusedNamingNodeAndAttribute(file: String) throws {
        let dir = try Tool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("model.json")
        let r = try Tool.cli(["import", Self.folder.appendingPathComponent(file).path, "--out", out.path])
        #expect(r.code == 2, "\(file): exit \(r.code): \(r.err)")
        #expect(r.err.contains(Self.expected[file]!), "\(file): \(r.err)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // A NaN threshold is refused as its initializer is decoded, naming the initializer.
        guard !file.contains("nan") else { return }
        let floatQuant = file.contains("float_quant")
        #expect(r.err.contains("mt_bad") && r.err.contains(floatQuant ? "(MatMul)" : "(MultiThreshold)"), "names the node: \(r.err)")
        // The float-scaled MatMul is refused where its float32 sum is written: the graph output it names.
        if floatQuant {
            #expect(r.err.contains("graph output 'mt_bad_mm"), "names the output: \(r.err)")
            return
        }
        let field = file.contains("layout") ? "data_layout" : file.contains("scale") ? "out_scale" : "thresholds"
        #expect(r.err.contains(": \(field): "), "names the attribute: \(r.err)")
    }

    /// The CLI: a model.json with threshold layers predicts; its QONNX export
    /// and a model.json with out_scale 0 are refused with exit 2.
    @Test func cliExportIsRefusedAndBadModelJSONExitsTwo() throws {
        let dir = try Tool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("model.json")
        try ModelEncoder.encode(ModelZoo.thresholdMLP()).write(to: json, atomically: true, encoding: .utf8)
        let events = dir.appendingPathComponent("x.csv")
        try "0.5,-1,2,3,0,0.25,-4,7\n".write(to: events, atomically: true, encoding: .utf8)
        let p = try Tool.cli(["predict", json.path, "--input", events.path, "--output", dir.appendingPathComponent("y.csv").path])
        #expect(p.code == 0, "\(p.err)")
        let e = try Tool.cli(["export", json.path, "--qonnx", dir.appendingPathComponent("m.onnx").path])
        #expect(e.code == 2 && e.err.contains("mt") && e.err.contains("threshold"), "\(e.code): \(e.err)")
        let text = try String(contentsOf: json, encoding: .utf8)
        let bad = dir.appendingPathComponent("bad.json")
        let zeroScale = text.replacingOccurrences(of: "\"out_scale\": 0.5", with: "\"out_scale\": 0")
        try zeroScale.write(to: bad, atomically: true, encoding: .utf8)
        let b = try Tool.cli(["predict", bad.path, "--input", events.path, "--output", dir.appendingPathComponent("z.csv").path])
        #expect(b.code == 2 && b.err.contains("mt1") && b.err.contains("out_scale"), "\(b.code): \(b.err)")
    }
}

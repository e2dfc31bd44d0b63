import Foundation
import Testing

/// FINN `MultiThreshold` nodes (issue 26) imported onto the threshold op:
/// bit-exact against the QONNX executor on 2,000 events per fixture (half on
/// a grid fine enough to land on the thresholds that sit on the
/// accumulator's grid), and bad nodes refused with exit 2 naming the node
/// and the attribute. Fixtures: fixtures/thresholds/make_threshold_fixtures.py.
@Suite struct ThresholdImportTests {
    static let folder = Tool.fixtures.appendingPathComponent("thresholds")

    static let fixtures: [Fixture] = {
        let data = (try? Data(contentsOf: folder.appendingPathComponent("manifest.json"))) ?? Data("[]".utf8)
        return (try? JSONDecoder().decode([Fixture].self, from: data)) ?? []
    }()

    static let expected: [String: String] = {
        let data = (try? Data(contentsOf: folder.appendingPathComponent("expected.json"))) ?? Data("{}".utf8)
        return (try? JSONDecoder().decode([String: String].self, from: data)) ?? [:]
    }()

    @Test func theFixturesAreThere() {
        #expect(Self.fixtures.count == 2)
        #expect(Self.expected.count == 5)
    }

    @Test(.enabled(if: Tool.oracleAvailable, "needs python3 with qonnx and onnxruntime (scripts/setup.sh)"), arguments: fixtures)
    func multiThresholdMatchesTheQONNXExecutor(fixture: Fixture) throws {
        let dir = try Tool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = Self.folder.appendingPathComponent(fixture.file)
        let (inputs, outputs) = try OracleTests.oracle(model, fixture, in: dir, seed: 26)
        let ours = try OracleTests.predict(model.path, fixture, inputs: inputs, in: dir)
        let mismatches = OracleTests.compare(fixture, ours: ours, oracle: try Tool.readCSV(outputs))
        #expect(mismatches.isEmpty, "\(fixture.file): mismatches per output \(mismatches)")
        // Through model.json as well: the threshold layer's JSON form keeps every bit.
        let json = dir.appendingPathComponent("model.json")
        let r = try Tool.cli(["import", model.path, "--out", json.path])
        #expect(r.code == 0, "\(r.err)")
        let viaJSON = try OracleTests.predict(json.path, fixture, inputs: inputs, in: dir)
        #expect(viaJSON == ours)
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
        #expect(r.err.contains("mt_bad") && r.err.contains("MultiThreshold"), "names the node: \(r.err)")
        let field = file.contains("layout") ? "data_layout" : file.contains("scale") ? "out_scale" : "thresholds"
        #expect(r.err.contains(": \(field): "), "names the attribute: \(r.err)")
    }
}

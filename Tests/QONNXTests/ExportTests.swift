import FixedPoint
import Foundation
import ModelFormat
import ModelIR
import ModelZoo
import Testing

/// `export --qonnx` writes a model that the QONNX executor runs to the
/// reference's values (`predict` on the model.json), on 2,000 random events
/// per model, and that imports back to the same values
/// (docs/import-export.md, "Export").
@Suite(.enabled(if: Tool.oracleAvailable, "needs python3 with qonnx and onnxruntime (scripts/setup.sh)"))
struct ExportTests {
    /// A model to export and the inputs to try it on.
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        /// The model.json, or nil for a zoo model written by the test.
        var path: String?
        var zoo: String?
        /// Input range and the grid half the events lie on (ties for every rounding).
        var lo: Double, hi: Double, lsb: Double
        /// Allowed difference per output column: 0 for quantized outputs, the
        /// documented table error for softmax/sigmoid/tanh (docs/numerics.md).
        var tolerance: Double = 0
        var description: String { name }
    }

    static let repository = Tool.here.deletingLastPathComponent().deletingLastPathComponent()

    static let exportable: [Case] = [
        Case(name: "jet_tagger", path: "examples/jet_tagger/model.json", lo: -10, hi: 10, lsb: 0x1p-12, tolerance: 0x1p-5),
        Case(name: "l1_autoencoder", path: "examples/l1_autoencoder/model.json", lo: -20, hi: 200, lsb: 0x1p-8),
        Case(name: "zoo one_layer", zoo: "one_layer", lo: -40, hi: 40, lsb: 0x1p-8),
        // Tensor layers exported flat: per-particle dense, sums and maxima over
        // particles (Gather + ReduceMax), convolutions, pools, transposes (Gather).
        Case(name: "zoo deep_sets", zoo: "deep_sets", lo: -10, hi: 10, lsb: 0x1p-8),
        Case(name: "zoo calorimeter_conv", zoo: "calorimeter_conv", lo: 0, hi: 300, lsb: 1, tolerance: 0x1p-7),
    ]

    /// Writes the case's model.json into `dir` (zoo models) or returns the shipped one.
    static func modelJSON(_ c: Case, in dir: URL) throws -> URL {
        if let path = c.path { return repository.appendingPathComponent(path) }
        let graph = ModelZoo.all.first { $0.name == c.zoo }!.make()
        let url = dir.appendingPathComponent("\(c.zoo!).json")
        try ModelEncoder.encode(graph).write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func mismatches(_ ours: [[Double]], _ oracle: [[Double]], tolerance: Double) -> (count: Int, largest: Double) {
        #expect(ours.count == oracle.count && ours.count == OracleTests.events)
        var count = 0, largest = 0.0
        for (a, b) in zip(ours, oracle) {
            #expect(a.count == b.count)
            for (u, v) in zip(a, b) {
                largest = max(largest, abs(u - v))
                if abs(u - v) > tolerance { count += 1 }
            }
        }
        return (count, largest)
    }

    static func predict(_ args: [String], inputs: URL, in dir: URL) throws -> [[Double]] {
        let out = dir.appendingPathComponent("ours-\(UUID().uuidString).csv")
        let r = try Tool.cli(["predict"] + args + ["--input", inputs.path, "--output", out.path])
        #expect(r.code == 0, "\(r.err)")
        return try Tool.readCSV(out)
    }

    @Test(arguments: exportable)
    func exportedModelMatchesTheReference(_ c: Case) throws {
        let dir = try Tool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = try Self.modelJSON(c, in: dir)
        let onnx = dir.appendingPathComponent("model.onnx")
        let r = try Tool.cli(["export", json.path, "--qonnx", onnx.path])
        try #require(r.code == 0, "export failed: \(r.err)")

        // The QONNX executor on the exported file against predict on the model.json.
        let inputs = dir.appendingPathComponent("inputs.csv"), oracle = dir.appendingPathComponent("oracle.csv")
        let o = try Tool.python([Tool.fixtures.appendingPathComponent("run_oracle.py").path, onnx.path, inputs.path, oracle.path,
                                 "--make-inputs", "\(OracleTests.events)", "21", "\(c.lo)", "\(c.hi)", "\(c.lsb)", "0"])
        try #require(o.code == 0, "QONNX executor failed: \(o.err.suffix(2000))")
        let expected = try Tool.readCSV(oracle)
        let reference = try Self.predict([json.path], inputs: inputs, in: dir)
        let direct = Self.mismatches(reference, expected, tolerance: c.tolerance)
        #expect(direct.count == 0, "\(c.name): \(direct.count) values differ from the QONNX executor (largest \(direct.largest))")

        // Imported back, the file computes the same. The input type is given
        // because an input with AP_RND is read by an Add (+½ LSB), not a Quant.
        let graph = try ModelDecoder.load(path: json.path)
        let back = dir.appendingPathComponent("back.json")
        let i = try Tool.cli(["import", onnx.path, "--out", back.path, "--input-type", graph.inputs[0].type!.description])
        try #require(i.code == 0, "re-import failed: \(i.err)")
        let reimported = Self.mismatches(try Self.predict([back.path], inputs: inputs, in: dir), expected, tolerance: c.tolerance)
        #expect(reimported.count == 0, "\(c.name) re-imported: \(reimported.count) values differ (largest \(reimported.largest))")
        print("export \(c.name): \(direct.count) mismatches (largest difference \(direct.largest)); re-imported: \(reimported.count)")
    }

    /// Models with a type QONNX cannot express: a clear refusal naming the
    /// layer and the type, exit 2, and no file.
    @Test(arguments: [
        ("tagger", "layer 'fc1+act1'", "ap_fixed<16,6>"),
        ("autoencoder", "AP_WRAP", "cannot write"),
    ])
    func unexpressibleTypesAreRefused(_ zoo: String, _ layer: String, _ type: String) throws {
        let dir = try Tool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = try Self.modelJSON(Case(name: zoo, zoo: zoo, lo: 0, hi: 0, lsb: 1), in: dir)
        let onnx = dir.appendingPathComponent("model.onnx")
        let r = try Tool.cli(["export", json.path, "--qonnx", onnx.path])
        #expect(r.code == 2)
        #expect(r.err.contains(layer) && r.err.contains(type) && r.err.contains("QONNX"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: onnx.path))
    }

    @Test func theInputIsNeverOverwritten() throws {
        let dir = try Tool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = try Self.modelJSON(Case(name: "one_layer", zoo: "one_layer", lo: 0, hi: 0, lsb: 1), in: dir)
        let before = try Data(contentsOf: json)
        let r = try Tool.cli(["export", json.path, "--qonnx", json.path])
        #expect(r.code == 2 && r.err.contains("input"), "\(r.err)")
        #expect(try Data(contentsOf: json) == before)
    }
}

import Foundation
import Testing

/// Every fixture imported by hepml-compile computes what the QONNX executor
/// computes, on 2,000 random events (half on a fine grid, to hit every
/// rounding tie): exactly for every quantized tensor, within the documented
/// table error for sigmoid, tanh and softmax (docs/numerics.md).
@Suite(.enabled(if: Tool.oracleAvailable, "needs python3 with qonnx and onnxruntime (scripts/setup.sh)"))
struct OracleTests {
    static let events = 2000

    /// Writes random inputs and the executor's outputs for `model` into `dir`.
    static func oracle(_ model: URL, _ fixture: Fixture, in dir: URL, seed: Int = 14, events: Int = events) throws -> (inputs: URL, outputs: URL) {
        let inputs = dir.appendingPathComponent("inputs.csv"), outputs = dir.appendingPathComponent("oracle.csv")
        let i = fixture.inputs
        let r = try Tool.python([Tool.fixtures.appendingPathComponent("run_oracle.py").path, model.path, inputs.path, outputs.path,
                                 "--make-inputs", "\(events)", "\(seed)", "\(i.lo)", "\(i.hi)", "\(i.lsb)", i.grid_only == true ? "1" : "0"])
        #expect(r.code == 0, "QONNX executor failed on \(model.lastPathComponent): \(r.err.suffix(2000))")
        return (inputs, outputs)
    }

    /// Mismatches per output, beyond each output's tolerance.
    static func compare(_ fixture: Fixture, ours: [[Double]], oracle: [[Double]], events: Int = events) -> [String: Int] {
        var mismatches: [String: Int] = [:]
        #expect(ours.count == oracle.count && ours.count == events)
        for (a, b) in zip(ours, oracle) {
            #expect(a.count == b.count)
            var col = 0
            for o in fixture.outputs {
                for k in col..<min(col + o.size, a.count, b.count) where abs(a[k] - b[k]) > o.tolerance {
                    mismatches[o.name, default: 0] += 1
                }
                col += o.size
            }
        }
        return mismatches
    }

    static func predict(_ model: String, _ fixture: Fixture, inputs: URL, in dir: URL) throws -> [[Double]] {
        let out = dir.appendingPathComponent("ours.csv")
        var args = ["predict", model, "--input", inputs.path, "--output", out.path]
        if let t = fixture.input_type, model.hasSuffix(".onnx") { args += ["--input-type", t] }
        let r = try Tool.cli(args)
        #expect(r.code == 0, "\(r.err)")
        return try Tool.readCSV(out)
    }

    /// `predict` of `model` (an .onnx) equals the executor on its events, and
    /// the model.json that `import` writes predicts the same bits.
    static func expectExecutorMatchDirectlyAndThroughJSON(_ model: URL, _ fixture: Fixture, seed: Int) throws {
        let dir = try Tool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (inputs, outputs) = try oracle(model, fixture, in: dir, seed: seed)
        let ours = try predict(model.path, fixture, inputs: inputs, in: dir)
        let mismatches = compare(fixture, ours: ours, oracle: try Tool.readCSV(outputs))
        #expect(mismatches.isEmpty, "\(fixture.file): mismatches per output \(mismatches)")
        let json = dir.appendingPathComponent("model.json")
        var args = ["import", model.path, "--out", json.path]
        if let t = fixture.input_type { args += ["--input-type", t] }
        let r = try Tool.cli(args)
        #expect(r.code == 0, "\(r.err)")
        let viaJSON = try predict(json.path, fixture, inputs: inputs, in: dir)
        #expect(viaJSON == ours, "\(fixture.file): model.json predicts other bits than the .onnx")
    }

    /// `predict` of the .onnx, and of the model.json that `import` writes,
    /// equal the executor on the same events: one executor run for both
    /// (they were two tests with an executor run each, on other seeds, a
    /// second of Python start-up apiece).
    @Test(arguments: Fixture.all)
    func importedModelAndItsJSONMatchTheQONNXExecutor(fixture: Fixture) throws {
        let dir = try Tool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = Tool.fixtures.appendingPathComponent(fixture.file)
        let (inputs, outputs) = try Self.oracle(model, fixture, in: dir)
        let oracle = try Tool.readCSV(outputs)
        let ours = try Self.predict(model.path, fixture, inputs: inputs, in: dir)
        let mismatches = Self.compare(fixture, ours: ours, oracle: oracle)
        #expect(mismatches.isEmpty, "\(fixture.file): mismatches per output \(mismatches)")
        let json = dir.appendingPathComponent("model.json")
        var args = ["import", model.path, "--out", json.path]
        if let t = fixture.input_type { args += ["--input-type", t] }
        let r = try Tool.cli(args)
        #expect(r.code == 0, "\(r.err)")
        let viaJSON = try Self.predict(json.path, fixture, inputs: inputs, in: dir)
        #expect(Self.compare(fixture, ours: viaJSON, oracle: oracle).isEmpty, "\(fixture.file): model.json")
    }
}

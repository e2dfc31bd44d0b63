import Foundation
import Testing

/// Float chains between an integer accumulator and a `Quant` (issue 26):
/// Brevitas/FINN-like exports (per-channel float weight scales, float bias,
/// float BatchNorm with a negative gamma, Relu, Mul/Div/Sub by float
/// constants, torch's flatten, bipolar inputs and weights, 2-4-bit
/// activations with scales such as 0.375 and 0.4375) compiled into integer
/// thresholds, and outputs with float scales (float32(1/7) codes, a final
/// Gemm with a float bias) written as the executor computes them, and
/// inputs read as the codes of a float-scale or bipolar Quant, and a
/// DOUBLE model whose chains the executor evaluates in float64,
/// bit-exact against the QONNX executor on 2,000 events each
/// (chain_boundary meets every accumulator value, so every threshold, in
/// every rounding mode it uses); Verilator and the HLS C simulation agree
/// with it on one model; unsupported chains exit 2 naming the node.
/// Fixtures: fixtures/float_chains/make_float_chain_fixtures.py.
@Suite struct FloatChainImportTests {
    static let folder = Tool.fixtures.appendingPathComponent("float_chains")

    static let fixtures = Fixture.load("manifest.json", in: folder)
    static let expected = Fixture.expectedMessages(in: folder)

    @Test func theFixturesAreThere() {
        #expect(Self.fixtures.count == 8)
        #expect(Self.expected.count == 6)
    }

    @Test(.enabled(if: Tool.oracleAvailable, "needs python3 with qonnx and onnxruntime (scripts/setup.sh)"), arguments: fixtures)
    func floatChainMatchesTheQONNXExecutor(fixture: Fixture) throws {
        // Through model.json too: the thresholds keep every bit.
        try OracleTests.expectExecutorMatchDirectlyAndThroughJSON(Self.folder.appendingPathComponent(fixture.file), fixture, seed: 2026)
    }

    @Test(arguments: expected.keys.sorted())
    func unsupportedChainIsRefusedNamingTheNode(file: String) throws {
        let dir = try Tool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("model.json")
        let r = try Tool.cli(["import", Self.folder.appendingPathComponent(file).path, "--out", out.path])
        #expect(r.code == 2, "\(file): exit \(r.code): \(r.err)")
        #expect(r.err.contains(Self.expected[file]!), "\(file): \(r.err)")
        #expect(r.err.contains(file) && r.err.contains("_bad"), "names the file and the node: \(r.err)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// One model through Verilator and the C simulation (thresholds, and
    /// outputs written through their float chains: 1/7 codes, a float Gemm
    /// bias): each exits 5 on a mismatch with the reference, and both
    /// outputs equal the executor's.
    @Test(.enabled(if: Tool.oracleAvailable, "needs python3 with qonnx and onnxruntime (scripts/setup.sh)"))
    func verilatorAndCsimMatchTheExecutor() throws {
        let dir = try Tool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fixture = try #require(Self.fixtures.first { $0.file == "chain_outputs.onnx" })
        let model = Self.folder.appendingPathComponent(fixture.file)
        let events = 300
        let (inputs, outputs) = try OracleTests.oracle(model, fixture, in: dir, seed: 7, events: events)
        let oracle = try Tool.readCSV(outputs)
        for command in ["simulate", "csim"] {
            let out = dir.appendingPathComponent("\(command).csv")
            let r = try Tool.cli([command, model.path, "--input", inputs.path, "--output", out.path])
            #expect(r.code == 0, "\(command): exit \(r.code)\n\(r.out.suffix(1500))\n\(r.err.suffix(1500))")
            let mismatches = OracleTests.compare(fixture, ours: try Tool.readCSV(out), oracle: oracle, events: events)
            #expect(mismatches.isEmpty, "\(command): mismatches per output \(mismatches)")
        }
    }

    /// `--input-codes`: events that are the input Quant's codes give what
    /// their float values give (codes × 0.375 are exact floats), and a
    /// model.json whose input quantizer cannot be read is refused, naming the field.
    @Test func inputCodesAndBadInputQuantizer() throws {
        let dir = try Tool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = Self.folder.appendingPathComponent("chain_input_scale.onnx").path
        var codes = "", floats = ""
        for e in 0..<64 {
            let row = (0..<6).map { k in (e * 7 + k * 5) % 32 - 16 }
            codes += row.map(String.init).joined(separator: ",") + "\n"
            floats += row.map { String(Double($0) * 0.375) }.joined(separator: ",") + "\n"
        }
        let (c, f) = (dir.appendingPathComponent("codes.csv"), dir.appendingPathComponent("floats.csv"))
        try codes.write(to: c, atomically: true, encoding: .utf8)
        try floats.write(to: f, atomically: true, encoding: .utf8)
        let a = try Tool.cli(["predict", model, "--input", c.path, "--output", dir.appendingPathComponent("a.csv").path, "--input-codes"])
        let b = try Tool.cli(["predict", model, "--input", f.path, "--output", dir.appendingPathComponent("b.csv").path])
        #expect(a.code == 0 && b.code == 0, "\(a.err) \(b.err)")
        let ours = try Tool.readCSV(dir.appendingPathComponent("a.csv"))
        let fromFloats = try Tool.readCSV(dir.appendingPathComponent("b.csv"))
        #expect(ours.count == 64 && ours == fromFloats)
        // The second output is the quantized input: code × 0.375.
        let second = codes.split(separator: "\n")[1].split(separator: ",").map { Double($0)! * 0.375 }
        #expect(Array(ours[1][4...9]) == second)

        let json = dir.appendingPathComponent("model.json")
        #expect(try Tool.cli(["import", model, "--out", json.path]).code == 0)
        let text = try String(contentsOf: json, encoding: .utf8)
        #expect(text.contains("\"input_quantizers\""))
        let bad = dir.appendingPathComponent("bad.json")
        try text.replacingOccurrences(of: "\"rounding\": \"ROUND\"", with: "\"rounding\": \"NEAREST\"").write(to: bad, atomically: true, encoding: .utf8)
        let r = try Tool.cli(["predict", bad.path, "--input", f.path, "--output", dir.appendingPathComponent("z.csv").path])
        #expect(r.code == 2 && r.err.contains("input_quantizers[0]") && r.err.contains("rounding"), "\(r.code): \(r.err)")
        // The QONNX export has no form for a float input quantizer: refused, not written without it.
        let e = try Tool.cli(["export", json.path, "--qonnx", dir.appendingPathComponent("m.onnx").path])
        #expect(e.code == 2 && e.err.contains("input quantizer"), "\(e.code): \(e.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("m.onnx").path))
    }
}

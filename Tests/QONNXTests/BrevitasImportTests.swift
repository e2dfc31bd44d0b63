import Foundation
import Testing

/// Real Brevitas exports (issue 26, "Float sums"): learned float32 input,
/// activation and weight scales, so every linear layer sums rounded float32
/// values in onnxruntime's own order. The design computes the exact integer
/// accumulator with thresholds on its nominal value; the importer counts the
/// accumulator values within the proven float32 summation bound of a
/// threshold and warns, naming the node (`--strict` refuses). On 2,000
/// events each the codes equal the QONNX executor's, directly and through
/// model.json (a QuantReLU's rounded float32 values through MaxPool and
/// flatten too). A float32 sum written as a graph output is refused.
/// Fixtures: fixtures/brevitas/make_brevitas_fixtures.py (Brevitas 0.13.4).
@Suite struct BrevitasImportTests {
    static let folder = Tool.fixtures.appendingPathComponent("brevitas")

    static let fixtures = Fixture.load("manifest.json", in: folder)
    static let expected = Fixture.expectedMessages(in: folder)

    @Test func theFixturesAreThere() {
        #expect(Self.fixtures.map(\.file).sorted() == ["brevitas_cnn.onnx", "brevitas_cnn_pool.onnx", "brevitas_mlp.onnx"])
        #expect(Self.expected.count == 1)
    }

    @Test(.enabled(if: Tool.oracleAvailable, "needs python3 with qonnx and onnxruntime (scripts/setup.sh)"), arguments: fixtures)
    func brevitasExportMatchesTheQONNXExecutor(fixture: Fixture) throws {
        try OracleTests.expectExecutorMatchDirectlyAndThroughJSON(Self.folder.appendingPathComponent(fixture.file), fixture, seed: 2026)
    }

    /// The warning names each threshold layer read from such a sum with a
    /// count of tie-adjacent accumulator values out of all of them, and
    /// `--strict` refuses the model naming the first.
    @Test func tieAdjacentValuesAreWarnedAboutAndStrictRefuses() throws {
        let dir = try Tool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = Self.folder.appendingPathComponent("brevitas_mlp.onnx").path
        let inputs = dir.appendingPathComponent("in.csv"), out = dir.appendingPathComponent("out.csv")
        var rows: [String] = []
        for e in 0..<8 {
            let values: [String] = (0..<16).map { (k: Int) -> String in
                let step: Int = (e * 5 + k * 3) % 17 - 8
                return String(Double(step) / 4)
            }
            rows.append(values.joined(separator: ","))
        }
        try (rows.joined(separator: "\n") + "\n").write(to: inputs, atomically: true, encoding: .utf8)
        let r = try Tool.cli(["predict", model, "--input", inputs.path, "--output", out.path])
        #expect(r.code == 0, "\(r.err)")
        let warnings = r.err.split(separator: "\n").filter { $0.contains("warning:") && $0.contains("float32 sum") }
        // Three QuantReLU/QuantIdentity nodes read a Gemm's float32 sum.
        #expect(warnings.count == 3, "\(r.err)")
        for w in warnings {
            #expect(w.contains("brevitas_mlp.onnx") && w.contains("(Quant)"), "\(w)")
            // "N of its M accumulator values": 0 < N, and N a small part of M.
            let words: [String] = w.split(separator: " ").map { String($0) }
            let found: Int? = words.firstIndex(of: "of")
            let at: Int = try #require(found, "\(w)")
            let nearWord: String = words[at - 1].trimmingCharacters(in: CharacterSet.punctuationCharacters)
            let near: Int = try #require(Int(nearWord), "\(w)")
            let all: Int = try #require(at + 2 < words.count ? Int(words[at + 2]) : nil, "\(w)")
            #expect(near > 0 && near * 1000 < all, "\(w)")
        }
        let strictOut = dir.appendingPathComponent("strict.csv")
        let s = try Tool.cli(["predict", model, "--input", inputs.path, "--output", strictOut.path, "--strict"])
        #expect(s.code == 2, "exit \(s.code): \(s.err)")
        #expect(s.err.contains("brevitas_mlp.onnx") && s.err.contains("(Quant)") && s.err.contains("--strict refuses it"), "\(s.err)")
        #expect(!FileManager.default.fileExists(atPath: strictOut.path))
        // import: the same warnings, and --strict writes nothing.
        let json = dir.appendingPathComponent("model.json")
        let i = try Tool.cli(["import", model, "--out", json.path])
        #expect(i.code == 0 && i.err.components(separatedBy: "float32 sum").count - 1 == 3, "\(i.err)")
        let strictJSON = dir.appendingPathComponent("strict.json")
        let si = try Tool.cli(["import", model, "--out", strictJSON.path, "--strict"])
        #expect(si.code == 2 && si.err.contains("--strict refuses it"), "\(si.err)")
        #expect(!FileManager.default.fileExists(atPath: strictJSON.path))
    }

    @Test(arguments: expected.keys.sorted())
    func floatSumOutputIsRefusedNamingIt(file: String) throws {
        let dir = try Tool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("model.json")
        let r = try Tool.cli(["import", Self.folder.appendingPathComponent(file).path, "--out", out.path])
        #expect(r.code == 2, "\(file): exit \(r.code): \(r.err)")
        #expect(r.err.contains(Self.expected[file]!) && r.err.contains(file) && r.err.contains("graph output 'out'"), "\(file): \(r.err)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}

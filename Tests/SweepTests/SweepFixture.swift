import FixedPoint
import Foundation
import ModelFormat
import ModelIR
import ModelZoo
import Testing

extension Tag {
    /// Tests that need a running Slurm (scripts/slurm.sh start; scripts/test.sh starts it).
    @Tag static var slurm: Self
}

/// A temporary folder with a small zoo model (8 -> 6 -> 3), seeded events,
/// labels and a sweep.json; and the built hepml-compile to run on it. The
/// folder is removed when the fixture goes.
final class SweepFixture {
    let folder: URL
    var spec: String { folder.appendingPathComponent("sweep.json").path }
    var out: String { folder.appendingPathComponent("out").path }

    static let executable: URL = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("hepml-compile")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("hepml-compile")
    }()

    /// The two-by-two grid the tests sweep: weight width and clock.
    static let grid = """
        "axes": { "precision.weight": ["ap_fixed<4,1>", "ap_fixed<8,2>"], "clock_ns": [2, 5] }
        """

    init(axes: String = SweepFixture.grid, events: Int = 300) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("hepml-sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let graph = ModelZoo.mlp(name: "small", sizes: [8, 6, 3], seed: 11, inputType: .fixed(10, 3),
                                 precisions: [LayerPrecision(weight: .fixed(8, 2), result: .fixed(12, 4)),
                                              LayerPrecision(weight: .fixed(8, 2), result: .fixed(12, 4))])
        try ModelEncoder.encode(graph).write(to: folder.appendingPathComponent("model.json"), atomically: true, encoding: .utf8)
        var rng = ModelZoo.Random(seed: 5)
        var rows: [String] = [], labels: [String] = []
        for _ in 0..<events {
            rows.append((0..<8).map { _ in String(format: "%.4f", rng.uniform(-2, 2)) }.joined(separator: ","))
            labels.append(String(rng.next() % 3))
        }
        try (rows.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("events.csv"), atomically: true, encoding: .utf8)
        try (labels.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("labels.csv"), atomically: true, encoding: .utf8)
        try writeSpec(axes)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func writeSpec(_ axes: String, extra: String = "") throws {
        let text = "{ \"model\": \"model.json\", \"events\": \"events.csv\", \"labels\": \"labels.csv\",\(extra) \(axes) }\n"
        try text.write(toFile: spec, atomically: true, encoding: .utf8)
    }

    struct Result { var code: Int32; var out: String; var err: String }

    /// Runs hepml-compile with `args` (and `environment` added).
    func run(_ args: [String], environment: [String: String] = [:], in directory: URL? = nil) throws -> Result {
        let p = Process()
        p.executableURL = Self.executable
        p.arguments = args
        p.currentDirectoryURL = directory ?? folder
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(code: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    /// `hepml-compile sweep sweep.json --out out` plus `args`.
    func sweep(_ args: [String] = [], environment: [String: String] = [:]) throws -> Result {
        try run(["sweep", spec, "--out", out] + args, environment: environment)
    }

    func read(_ relative: String) throws -> String {
        try String(contentsOfFile: out + "/" + relative, encoding: .utf8)
    }

    /// results.csv as rows of fields by column name (no quoted commas in the columns read).
    func results() throws -> [[String: String]] {
        let lines = try read("report/results.csv").split(separator: "\n").map(String.init)
        let header = Self.fields(lines[0])
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, Self.fields(line)))
        }
    }

    /// Splits a CSV line, honouring double quotes.
    static func fields(_ line: String) -> [String] {
        var out: [String] = [], field = "", quoted = false
        var chars = Array(line)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" { if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false } } else { field.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { out.append(field); field = "" } else { field.append(c) }
        }
        out.append(field)
        return out
    }
}

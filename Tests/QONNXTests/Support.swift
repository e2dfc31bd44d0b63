import Foundation
import Testing

/// Runs the built `hepml-compile` and the Python QONNX oracle for the tests.
enum Tool {
    static let executable: URL = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("hepml-compile")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("hepml-compile")
    }()

    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = here.appendingPathComponent("fixtures")
    static let malformed = here.appendingPathComponent("Malformed")

    struct Result { var code: Int32; var out: String; var err: String }

    static func run(_ executable: URL, _ args: [String], in directory: URL? = nil, environment: [String: String]? = nil) throws -> Result {
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        if let directory { p.currentDirectoryURL = directory }
        if let environment { p.environment = environment }
        // Standard error goes to a file, so a full pipe cannot block the process.
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("hepml-qonnx-err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = try FileHandle(forWritingTo: errURL)
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let errData = (try? Data(contentsOf: errURL)) ?? Data()
        return Result(code: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: errData, as: UTF8.self))
    }

    static func cli(_ args: [String], in directory: URL? = nil) throws -> Result { try run(executable, args, in: directory) }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hepml-qonnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// python3 from an absolute PATH entry (never `.` or a relative one).
    static let python: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where dir.hasPrefix("/") {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent("python3")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }()

    /// Runs Python isolated (`-I`: no working folder, no PYTHON* variables,
    /// no user site) from a fresh empty folder, so nothing local is imported.
    static func python(_ args: [String]) throws -> Result {
        guard let python else { return Result(code: 127, out: "", err: "python3 not found") }
        let empty = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        return try run(python, ["-I"] + args, in: empty)
    }

    /// Whether the QONNX oracle can run. In CI (CI=true) it must: scripts/setup.sh installs it.
    static let oracleAvailable: Bool = {
        let ok = (try? python(["-c", "import qonnx, onnxruntime, onnx"]).code) == 0
        if !ok && ProcessInfo.processInfo.environment["CI"] == "true" { return true }  // let the tests fail loudly
        return ok
    }()

    static func readCSV(_ url: URL) throws -> [[Double]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").map { line in line.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces))! } }
    }
}

/// One fixture of manifest.json.
struct Fixture: Decodable, CustomStringConvertible, Sendable {
    struct Output: Decodable, Sendable { var name: String; var size: Int; var tolerance: Double }
    struct Inputs: Decodable, Sendable { var lo: Double; var hi: Double; var lsb: Double; var grid_only: Bool? }
    var file: String
    var outputs: [Output]
    var inputs: Inputs
    var input_type: String?
    var description: String { file }

    static let all: [Fixture] = load("manifest.json")
    /// The models over tensors (make_tensor_fixtures.py).
    static let tensors: [Fixture] = load("tensor_manifest.json")

    /// The fixtures a manifest lists (none when it is missing: the suites
    /// that read it count their fixtures).
    static func load(_ manifest: String, in folder: URL = Tool.fixtures) -> [Fixture] {
        let data = (try? Data(contentsOf: folder.appendingPathComponent(manifest))) ?? Data("[]".utf8)
        return (try? JSONDecoder().decode([Fixture].self, from: data)) ?? []
    }

    /// A refusal corpus's `expected.json`: file name -> the message it must give.
    static func expectedMessages(in folder: URL) -> [String: String] {
        let data = (try? Data(contentsOf: folder.appendingPathComponent("expected.json"))) ?? Data("{}".utf8)
        return (try? JSONDecoder().decode([String: String].self, from: data)) ?? [:]
    }
}

import Foundation

/// Runs Python oracles for the forest tests: isolated (`python3 -I`), from a
/// private folder the test creates (mode 0700), with the script written there.
enum PythonOracle {
    struct Result { var code: Int32; var out: String; var err: String }

    /// python3 from an absolute PATH entry (never `.` or a relative one).
    static let python: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where dir.hasPrefix("/") {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent("python3")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }()

    /// A new folder only this user can enter.
    static func privateFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hepml-forest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        return url
    }

    static func run(_ executable: URL, _ args: [String], in directory: URL) throws -> Result {
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        p.currentDirectoryURL = directory
        let errURL = directory.appendingPathComponent("stderr-\(UUID().uuidString).txt")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = Pipe()
        p.standardOutput = out
        p.standardError = try FileHandle(forWritingTo: errURL)
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let e = (try? Data(contentsOf: errURL)) ?? Data()
        return Result(code: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    /// Runs `script` (saved in `folder`) with `args`, from `folder`.
    static func script(_ script: String, _ args: [String], in folder: URL) throws -> Result {
        guard let python else { return Result(code: 127, out: "", err: "python3 not found") }
        let file = folder.appendingPathComponent("oracle.py")
        try Data(script.utf8).write(to: file)
        return try run(python, ["-I", file.path] + args, in: folder)
    }

    /// Whether xgboost imports; in CI (CI=true) it must: scripts/setup.sh installs it.
    static let xgboostAvailable: Bool = {
        guard let folder = try? privateFolder() else { return false }
        defer { try? FileManager.default.removeItem(at: folder) }
        let ok = (try? script("import xgboost, numpy\n", [], in: folder).code) == 0
        return ok || ProcessInfo.processInfo.environment["CI"] == "true"
    }()

    /// Whether scikit-learn, skl2onnx and onnxruntime import (required in CI).
    static let sklearnAvailable: Bool = {
        guard let folder = try? privateFolder() else { return false }
        defer { try? FileManager.default.removeItem(at: folder) }
        let ok = (try? script("import sklearn, skl2onnx, onnxruntime\n", [], in: folder).code) == 0
        return ok || ProcessInfo.processInfo.environment["CI"] == "true"
    }()

    static func readCSV(_ url: URL) throws -> [[Double]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { line in
            line.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces))! }
        }
    }

    static func writeCSV(_ rows: [[Double]], to url: URL) throws {
        try Data(rows.map { $0.map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n").utf8).write(to: url)
    }
}

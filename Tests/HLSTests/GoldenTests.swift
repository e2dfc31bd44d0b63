import Foundation
import Testing
import HLSBackend
import ModelIR

/// The HLS project of a small model, kept byte for byte in
/// Tests/HLSTests/Golden/<model>.txt (every file, each under a
/// `=== path ===` line). A change to the templates or the emitter shows up
/// here as a readable diff. Regenerate with HEPML_UPDATE_GOLDEN=1.
@Suite("HLS golden files")
struct GoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func bundle(_ files: [GeneratedFile]) -> String {
        files.map { "=== \($0.path) ===\n\($0.contents)" }.joined()
    }

    @Test("one_layer's project matches Golden/one_layer.txt", arguments: ["one_layer"])
    func golden(_ name: String) throws {
        let files = try HLSEmitter.emit(Zoo.oneLayer, options: HLSOptions(), testInputs: nil)
        let text = Self.bundle(files)
        let path = Self.folder.appendingPathComponent("\(name).txt")
        if ProcessInfo.processInfo.environment["HEPML_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: path)
            return
        }
        let golden = try #require(try? String(contentsOf: path, encoding: .utf8),
                                  "missing \(path.path); run the tests with HEPML_UPDATE_GOLDEN=1 to create it")
        if golden != text {
            let a = golden.split(separator: "\n", omittingEmptySubsequences: false)
            let b = text.split(separator: "\n", omittingEmptySubsequences: false)
            let line = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
            let file = a[..<min(line, a.count)].last { $0.hasPrefix("=== ") } ?? "?"
            Issue.record("""
                generated project differs from \(path.lastPathComponent) at line \(line + 1) (in \(file)):
                  golden:    \(line < a.count ? a[line] : "<end>")
                  generated: \(line < b.count ? b[line] : "<end>")
                If the change is intended, regenerate with HEPML_UPDATE_GOLDEN=1.
                """)
        }
    }
}

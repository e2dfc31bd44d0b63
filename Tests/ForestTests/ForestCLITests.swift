import Foundation
import Testing

/// The built `hepml-compile` on bad forests: exit code 2, and the message
/// names the file, the layer, the tree and the node.
@Suite("Forest CLI: bad input exits 2")
struct ForestCLITests {
    static let executable: URL = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("hepml-compile")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("hepml-compile")
    }()

    @Test("predict on a model.json forest with a cycle, and import of an XGBoost file with a categorical split")
    func exitCodes() throws {
        let folder = try PythonOracle.privateFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("cyclic.json")
        try ForestModelTests.model(#""trees": [{"nodes": [{"feature": 0, "threshold": 0.5, "left": 1, "right": 2}, {"leaf": 1}, {"feature": 1, "threshold": 0, "left": 0, "right": 1}]}]"#).write(to: model)
        let events = folder.appendingPathComponent("x.csv")
        try Data("0.1,0.2\n".utf8).write(to: events)
        let r = try PythonOracle.run(Self.executable, ["predict", model.path, "--input", events.path, "--output", "-"], in: folder)
        #expect(r.code == 2)
        #expect(r.err.contains("cyclic.json") && r.err.contains("layer 'margin'") && r.err.contains("trees[0].nodes[2].left"), "\(r.err)")

        let xgb = folder.appendingPathComponent("cat.json")
        try XGBoostImportErrorTests.model(tree: XGBoostImportErrorTests.tree(left: "[1, -1, -1]", right: "[2, -1, -1]", types: "[1, 0, 0]")).write(to: xgb)
        let i = try PythonOracle.run(Self.executable, ["import", xgb.path, "--out", folder.appendingPathComponent("m.json").path], in: folder)
        #expect(i.code == 2)
        #expect(i.err.contains("cat.json") && i.err.contains("trees[0]") && i.err.contains("categorical"), "\(i.err)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("m.json").path))
    }
}

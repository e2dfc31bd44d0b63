import Foundation
import Testing

/// The shipped examples' compiled outputs are kept in hls-out/ under version
/// control; compiling them again must reproduce every byte. After an
/// intended change, refresh with `scripts/update-golden.sh`.
@Suite struct ShippedModelGoldenTests {
    static let models = ["jet_tagger", "l1_autoencoder", "track_quality", "deep_sets_tagger", "cicada_autoencoder"]

    static func files(under root: URL) -> [String: Data] {
        var out: [String: Data] = [:]
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = walker?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            out[relative] = try? Data(contentsOf: url)
        }
        return out
    }

    @Test(arguments: models)
    func compilingTheShippedModelReproducesHlsOut(name: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent(name)
        let model = CLI.repoRoot.appendingPathComponent("examples/\(name)/model.json").path
        let r = try CLI.run([model, "--target", "fpga", "--out", out.path])
        #expect(r.code == 0, "\(r.err)")
        let golden = Self.files(under: CLI.repoRoot.appendingPathComponent("hls-out/\(name)"))
        let fresh = Self.files(under: out)
        #expect(!golden.isEmpty, "hls-out/\(name) is missing: run scripts/update-golden.sh")
        #expect(Set(fresh.keys) == Set(golden.keys))
        for (path, data) in fresh.sorted(by: { $0.key < $1.key }) {
            #expect(golden[path] == data, "hls-out/\(name)/\(path) differs from a fresh compile")
        }
    }

    /// examples/<model>/test_outputs.csv is what the bit-exact reference
    /// computes for test_inputs.csv today (the files `train` wrote).
    @Test(arguments: models)
    func theShippedTestOutputsAreTheReferenceOnTheTestInputs(name: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let example = CLI.repoRoot.appendingPathComponent("examples/\(name)")
        let out = dir.appendingPathComponent("outputs.csv")
        let r = try CLI.run(["predict", example.appendingPathComponent("model.json").path,
                             "--input", example.appendingPathComponent("test_inputs.csv").path, "--output", out.path, "--quiet"])
        #expect(r.code == 0, "\(r.err)")
        #expect(try Data(contentsOf: out) == Data(contentsOf: example.appendingPathComponent("test_outputs.csv")))
    }
}

import Foundation
import Testing

/// A weight of 40.0 in the default ap_fixed<16,6> (AP_WRAP) becomes -24:
/// every command that loads a model warns on stderr naming the layer, the
/// tensor, the count and the largest value; `--strict` refuses with exit 2.
@Suite struct ParameterOverflowCLITests {
    static let model = #"""
    {"format": "hepml-model", "version": 1, "name": "wrapper",
     "inputs": [{"name": "x", "shape": [2], "type": "ap_fixed<8,4>"}],
     "layers": [{"name": "fc", "type": "dense", "units": 2, "weights": [[40.0, 0.5], [-33.0, 1.0]], "bias": [0.0, 100.0]}]}
    """#
    static let weightsWarning = "hepml-compile: warning: wrapper.json: layer 'fc': 2 of 4 weights do not fit ap_fixed<16,6> and wrap around; the largest, 40.0, becomes -24.0"
    static let biasWarning = "hepml-compile: warning: wrapper.json: layer 'fc': 1 of 2 bias values do not fit ap_fixed<16,6> and wrap around; the largest, 100.0, becomes -28.0"

    static func files() throws -> (dir: URL, model: String) {
        let dir = try CLI.temporaryDirectory()
        let model = dir.appendingPathComponent("wrapper.json")
        try Data(Self.model.utf8).write(to: model)
        return (dir, model.path)
    }

    @Test(arguments: ["compile", "predict"])
    func theCommandWarnsAndGoesOn(command: String) throws {
        let (dir, model) = try Self.files()
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = command == "compile"
            ? [model, "--target", "hls", "--out", dir.appendingPathComponent("out").path]
            : ["predict", model, "--input", CLI.handInputs, "--output", dir.appendingPathComponent("y.csv").path]
        let r = try CLI.run(args)
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains(Self.weightsWarning), "\(r.err)")
        #expect(r.err.contains(Self.biasWarning), "\(r.err)")
    }

    @Test(arguments: [["compile"], ["predict", "--output", "/nonexistent/y.csv"], ["simulate", "--output", "/nonexistent/y.csv"],
                      ["csim", "--output", "/nonexistent/y.csv"], ["report", "--out", "/nonexistent/report"]])
    func strictRefusesTheModel(command: [String]) throws {
        let (dir, model) = try Self.files()
        defer { try? FileManager.default.removeItem(at: dir) }
        var args = command[0] == "compile" ? [model, "--out", dir.appendingPathComponent("out").path]
                                           : [command[0], model, "--input", CLI.handInputs] + command.dropFirst()
        args.append("--strict")
        let r = try CLI.run(args, timeout: 30)
        #expect(r.code == 2, "\(command[0]): exit \(r.code): \(r.err)")
        #expect(r.err.contains("hepml-compile: error: wrapper.json: layer 'fc': field 'weights': 2 of 4 weights do not fit ap_fixed<16,6> and wrap around; the largest, 40.0, becomes -24.0 (and 1 more parameter tensors); --strict refuses parameters that do not fit their types"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }

    /// The shipped models fit their types: no warning, and --strict accepts them.
    @Test(arguments: ["jet_tagger", "l1_autoencoder"])
    func shippedModelsGiveNoWarning(example: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = CLI.repoRoot.appendingPathComponent("examples/\(example)")
        let r = try CLI.run(["predict", folder.appendingPathComponent("model.json").path, "--strict",
                             "--input", folder.appendingPathComponent("test_inputs.csv").path,
                             "--output", dir.appendingPathComponent("y.csv").path], timeout: 60)
        #expect(r.code == 0, "\(r.err)")
        #expect(!r.err.contains("warning"), "\(r.err)")
    }
}

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
    @Test(arguments: ["jet_tagger", "l1_autoencoder", "cicada_autoencoder"])
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

/// `physics` reads its model as every command does (one loader): it warns
/// about parameters that overflow, `--strict` refuses them, and a QONNX
/// model works as a model.json does.
@Suite struct PhysicsModelLoadingTests {
    static func labels(in dir: URL) throws -> String {
        let path = dir.appendingPathComponent("labels.csv").path
        try Data("0\n1\n0\n1\n".utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func physicsWarnsAndStrictRefuses() throws {
        let (dir, model) = try ParameterOverflowCLITests.files()
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["physics", model, "--input", CLI.handInputs, "--labels", try Self.labels(in: dir)]
        let warned = try CLI.run(args)
        #expect(warned.code == 0, "\(warned.err)")
        #expect(warned.err.contains(ParameterOverflowCLITests.weightsWarning), "\(warned.err)")
        let strict = try CLI.run(args + ["--strict"])
        #expect(strict.code == 2, "\(strict.err)")
        #expect(strict.err.contains("--strict refuses parameters that do not fit their types"), "\(strict.err)")
    }

    /// Two outputs (class scores), an input that QONNX's Quant reproduces (TRN, SAT).
    static let pair = #"""
    {"format": "hepml-model", "version": 1, "name": "pair",
     "inputs": [{"name": "x", "shape": [2], "type": "ap_fixed<8,4,AP_TRN,AP_SAT>"}],
     "layers": [{"name": "fc", "type": "dense", "units": 2, "weights": [[0.5, -0.25], [-1.25, 0.75]], "bias": [0.375, -0.125],
       "precision": {"weight": "ap_fixed<8,3>", "bias": "ap_fixed<8,3>", "result": "ap_fixed<10,5,AP_RND,AP_SAT>"}}]}
    """#

    @Test func physicsTakesAQONNXModel() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("pair.json").path
        try Data(Self.pair.utf8).write(to: URL(fileURLWithPath: model))
        let onnx = dir.appendingPathComponent("pair.onnx").path
        let exported = try CLI.run(["export", model, "--qonnx", onnx])
        #expect(exported.code == 0, "\(exported.err)")
        let labels = try Self.labels(in: dir)
        let fromJSON = try CLI.run(["physics", model, "--input", CLI.handInputs, "--labels", labels])
        let fromONNX = try CLI.run(["physics", onnx, "--input", CLI.handInputs, "--labels", labels])
        #expect(fromJSON.code == 0 && fromONNX.code == 0, "\(fromJSON.err)\(fromONNX.err)")
        // The QONNX file is the lowered model exported: the same figures.
        #expect(fromJSON.out.contains("accuracy") && fromJSON.out.contains("AUC class 1 vs rest"), "\(fromJSON.out)")
        #expect(fromJSON.out == fromONNX.out, "\(fromJSON.out)\n---\n\(fromONNX.out)")
    }
}

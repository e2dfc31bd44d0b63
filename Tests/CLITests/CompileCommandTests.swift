import Foundation
import Testing

@Suite struct CompileCommandTests {
    static let corpus = CLI.repoRoot.appendingPathComponent("Tests/ModelFormatTests/Corpus")

    /// Every malformed model: exit code 2, a message naming the file, and no output folder.
    @Test func everyMalformedModelExitsWithCode2AndWritesNothing() throws {
        let manifest = try String(contentsOf: Self.corpus.appendingPathComponent("manifest.tsv"), encoding: .utf8)
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var checked = 0
        for line in manifest.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            let out = dir.appendingPathComponent(parts[0]).path
            let r = try CLI.run([Self.corpus.appendingPathComponent(parts[0]).path, "--out", out])
            #expect(r.code == 2, "\(parts[0]): exit \(r.code)")
            #expect(r.err.contains(parts[1]), "\(parts[0]): \(r.err)")
            #expect(!FileManager.default.fileExists(atPath: out), "\(parts[0]) left output behind")
            checked += 1
        }
        #expect(checked >= 30)
    }

    @Test func compileWritesTheLoweredListingIntoTheOutputFolder() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run([CLI.fixtures.appendingPathComponent("hand_model.json").path, "--target", "fpga"], in: dir)
        #expect(r.code == 0, "\(r.err)")
        let listing = try String(contentsOfFile: dir.appendingPathComponent("hls-out/hand/lowered.txt").path, encoding: .utf8)
        #expect(listing.contains("acc ap_fixed<14,5>"))
        #expect(listing.hasPrefix("hepml-lowered 1\nmodel hand\n"))
        #expect(r.out.contains("hls-out/hand"))
    }

    @Test func unknownTargetIsAnOptionError() throws {
        let r = try CLI.run([CLI.fixtures.appendingPathComponent("hand_model.json").path, "--target", "asic"])
        #expect(r.code == 2)
        #expect(r.err.contains("--target must be one of: fpga, hls, verilog"))
    }

    /// `reuse` above a convolution's output positions (model.json), and
    /// `--reuse layer=N` with N = 0 or on a layer that is not a convolution:
    /// exit 2 naming the layer and the field; a valid one compiles with II = N.
    @Test func badReuseValuesExitWithCode2NamingTheLayerAndField() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func model(reuse: Int) throws -> String {
            let text = """
            {"format": "hepml-model", "version": 1, "name": "grid", "defaults": {"precision": "ap_fixed<12,4>"},
             "inputs": [{"name": "x", "shape": [4, 4, 1]}],
             "layers": [
              {"name": "c", "type": "conv2d", "filters": 1, "kernel_size": 2, "reuse": \(reuse),
               "weights": [[[[0.5]], [[0.25]]], [[[1]], [[-1]]]]},
              {"name": "flat", "type": "flatten"},
              {"name": "fc", "type": "dense", "units": 1, "weights": [[1], [1], [1], [1], [1], [1], [1], [1], [1]]}]}
            """
            let url = dir.appendingPathComponent("grid_\(reuse).json")
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        let above = try CLI.run([try model(reuse: 10), "--target", "verilog", "--out", dir.appendingPathComponent("a").path])
        #expect(above.code == 2)
        #expect(above.err.contains("layer 'c'") && above.err.contains("reuse") && above.err.contains("9 output positions"), "\(above.err)")
        let valid = try model(reuse: 1)
        for (option, expected) in [("c=0", "must be at least 1"), ("fc=2", "only a convolution"), ("nope=2", "no layer 'nope'")] {
            let r = try CLI.run([valid, "--reuse", option, "--target", "verilog", "--out", dir.appendingPathComponent("b").path])
            #expect(r.code == 2, "--reuse \(option): exit \(r.code)")
            #expect(r.err.contains("reuse") && r.err.contains(expected), "--reuse \(option): \(r.err)")
        }
        let ok = try CLI.run([valid, "--reuse", "c=3", "--target", "verilog", "--out", dir.appendingPathComponent("c").path])
        #expect(ok.code == 0, "\(ok.err)")
        #expect(ok.out.contains("II=3"), "\(ok.out)")
    }

    /// `--threshold-form` on the Brevitas MLP: a bad value exits 2 naming
    /// the option; `auto` logs each layer's choice with both costs, `bank`
    /// writes no form into lowered.txt and `auto` writes one per list of the
    /// layers it chose the multiply-add-shift for.
    @Test func thresholdFormIsChosenLoggedAndWrittenIntoLoweredText() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = CLI.repoRoot.appendingPathComponent("Tests/QONNXTests/fixtures/brevitas/brevitas_mlp.onnx").path
        let bad = try CLI.run([model, "--threshold-form", "comparators", "--target", "hls", "--out", dir.appendingPathComponent("x").path])
        #expect(bad.code == 2)
        #expect(bad.err.contains("--threshold-form") && bad.err.contains("bank, affine, auto"), "\(bad.err)")
        var affineLines: [String: Int] = [:]
        for form in ["bank", "auto"] {
            let out = dir.appendingPathComponent(form)
            let r = try CLI.run([model, "--threshold-form", form, "--target", "hls", "--out", out.path])
            #expect(r.code == 0, "\(r.err)")
            let lowered = try String(contentsOf: out.appendingPathComponent("lowered.txt"), encoding: .utf8)
            affineLines[form] = lowered.split(separator: "\n").filter { $0.hasPrefix("  affine ") }.count
            if form == "auto" {
                #expect(r.out.contains("threshold form: 'node__symbolic_6' multiply-add-shift (cheaper; logic bits: bank "), "\(r.out)")
            }
        }
        #expect(affineLines["bank"] == 0)
        // Every layer is cheaper as multiply-add-shift: 24 + 16 + 5 per-channel lists.
        #expect(affineLines["auto"] == 45)
    }

    @Test func malformedPrecisionOptionIsAnOptionError() throws {
        let r = try CLI.run([CLI.fixtures.appendingPathComponent("hand_model.json").path, "--precision", "ap_fixed<16>"])
        #expect(r.code == 2)
        #expect(r.err.contains("--precision"))
    }
}

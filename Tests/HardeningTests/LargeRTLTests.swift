import Foundation
import Testing

/// A dense layer far too large for the Verilog backend (it used to run for
/// minutes and take gigabytes without a word) is refused before emission,
/// naming the layer, its size and the limit; `--max-rtl-size` raises it.
@Suite struct LargeRTLTests {
    /// model.json with one `inputs x units` dense layer of nonzero weights.
    static func denseModel(inputs: Int, units: Int) -> String {
        var rng = UInt64(12345)
        var rows: [String] = []
        rows.reserveCapacity(inputs)
        for _ in 0..<inputs {
            var row: [String] = []
            row.reserveCapacity(units)
            for _ in 0..<units {
                rng = rng &* 6364136223846793005 &+ 1442695040888963407
                row.append(String(Double(Int(rng >> 40) % 2000 - 1000) / 997))
            }
            rows.append("[" + row.joined(separator: ",") + "]")
        }
        return #"{"format": "hepml-model", "version": 1, "name": "big", "inputs": [{"name": "x", "shape": [\#(inputs)], "type": "ap_fixed<16,6>"}], "layers": [{"name": "wide", "type": "dense", "units": \#(units), "weights": [\#(rows.joined(separator: ","))], "bias": [\#(Array(repeating: "0", count: units).joined(separator: ","))]}]}"#
    }

    @Test(arguments: ["verilog", "fpga"])
    func aHugeDenseLayerIsRefusedBeforeEmission(target: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("big.json")
        try Data(Self.denseModel(inputs: 1000, units: 1000).utf8).write(to: model)
        let out = dir.appendingPathComponent("out").path
        let r = try CLI.run([model.path, "--target", target, "--out", out], timeout: 120)
        #expect(!r.timedOut)
        #expect(r.code == 2, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("hepml-compile: error: big.json: layer 'wide': its Verilog would be about "), "\(r.err)")
        #expect(r.err.contains("terms (signed digits of the weights, adders, ROM words), above the limit of 500000 per layer"), "\(r.err)")
        #expect(r.err.contains("--max-rtl-size"), "\(r.err)")
        #expect(r.peakMegabytes < 1024, "peak \(Int(r.peakMegabytes)) MB")
        #expect(!FileManager.default.fileExists(atPath: out))
        print("1000x1000 dense refused in \(String(format: "%.1f", r.seconds)) s, peak \(Int(r.peakMegabytes)) MB")
    }

    /// The HLS target alone emits no Verilog and is not limited.
    @Test func theHLSTargetIsNotLimited() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run([CLI.handModel, "--target", "hls", "--max-rtl-size", "1", "--out", dir.appendingPathComponent("out").path])
        #expect(r.code == 0, "\(r.err)")
    }

    /// The hand model's one layer is 5 terms: refused at 4, emitted at 5.
    @Test func theLimitIsAnOption() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let refused = try CLI.run([CLI.handModel, "--target", "verilog", "--max-rtl-size", "4", "--out", dir.appendingPathComponent("a").path])
        #expect(refused.code == 2)
        #expect(refused.err.contains("hand_model.json: layer 'fc': its Verilog would be about 5 terms"), "\(refused.err)")
        #expect(refused.err.contains("above the limit of 4 per layer"), "\(refused.err)")
        let allowed = try CLI.run([CLI.handModel, "--target", "verilog", "--max-rtl-size", "5", "--out", dir.appendingPathComponent("b").path])
        #expect(allowed.code == 0, "\(allowed.err)")
        let simulate = try CLI.run(["simulate", CLI.handModel, "--input", CLI.handInputs, "--output", dir.appendingPathComponent("y.csv").path,
                                    "--max-rtl-size", "4"])
        #expect(simulate.code == 2)
        #expect(simulate.err.contains("layer 'fc': its Verilog would be about 5 terms"), "\(simulate.err)")
        let zero = try CLI.run([CLI.handModel, "--max-rtl-size", "0", "--out", dir.appendingPathComponent("c").path])
        #expect(zero.code == 2)
        #expect(zero.err.contains("--max-rtl-size must be from 1 to 1000000000, got 0"), "\(zero.err)")
    }
}

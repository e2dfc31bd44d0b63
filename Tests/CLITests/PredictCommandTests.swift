import Foundation
import Testing

@Suite struct PredictCommandTests {
    /// hand_model.json: y = 0.5 x0 - 1.25 x1 + 0.375 with x in ap_fixed<8,4>
    /// (4 fractional bits, wraps), weights and bias in ap_fixed<8,3> (5 bits),
    /// result ap_fixed<8,4,AP_RND,AP_SAT>. In raw units of 2^-9 (the exact
    /// accumulator): w = (16, -40), bias = 12 << 4 = 192.
    ///  (1.5, 0.875)  -> x = (24, 14):  192 + 384 - 560 = 16   = 0.5 LSB of the result -> RND up -> 1/16
    ///  (1.5, 0.9375) -> x = (24, 15):  192 + 384 - 600 = -24  = -0.75 LSB -> nearest -1 -> -1/16
    ///  (7.9375, -8)  -> x = (127,-128): 192 + 2032 + 5120 = 7344 = 14.34 > 7.9375 -> SAT -> 7.9375
    ///  (100, 0)      -> x0 wraps: 1600 mod 256 = 64 (4.0): 192 + 1024 = 1216 = 38 LSB -> 2.375
    @Test func fixedPointOutputsEqualHandComputedValues() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("y.csv").path
        let r = try CLI.run(["predict", CLI.fixtures.appendingPathComponent("hand_model.json").path,
                             "--input", CLI.fixtures.appendingPathComponent("hand_inputs.csv").path, "--output", out])
        #expect(r.code == 0, "\(r.err)")
        let values = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { Double($0)! }
        #expect(values == [0.0625, -0.0625, 7.9375, 2.375])
    }

    @Test func rawFlagWritesIntegerCodes() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("y.csv").path
        let r = try CLI.run(["predict", CLI.fixtures.appendingPathComponent("hand_model.json").path,
                             "--input", CLI.fixtures.appendingPathComponent("hand_inputs.csv").path, "--output", out, "--raw"])
        #expect(r.code == 0, "\(r.err)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "1\n-1\n127\n38\n")
    }

    @Test func floatFlagEvaluatesTheUnquantizedModel() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("y.csv").path
        let r = try CLI.run(["predict", CLI.fixtures.appendingPathComponent("hand_model.json").path,
                             "--input", CLI.fixtures.appendingPathComponent("hand_inputs.csv").path, "--output", out, "--float"])
        #expect(r.code == 0, "\(r.err)")
        let values = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { Double($0)! }
        // 0.75 - 1.09375 + 0.375, 0.75 - 1.171875 + 0.375, 3.96875 + 10 + 0.375, 50 + 0.375
        #expect(values == [0.03125, -0.046875, 14.34375, 50.375])
    }

    @Test func wrongColumnCountIsAnInputError() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("bad.csv")
        try "1,2,3\n".write(to: csv, atomically: true, encoding: .utf8)
        let r = try CLI.run(["predict", CLI.fixtures.appendingPathComponent("hand_model.json").path,
                             "--input", csv.path, "--output", dir.appendingPathComponent("y.csv").path])
        #expect(r.code == 2)
        #expect(r.err.contains("events have 3 values but the model takes 2"))
    }
}

import Foundation
import FixedPoint
import ModelFormat
import ModelIR
import ModelZoo
import Passes
import Reference
import Testing

/// The threshold op (issue 26): float thresholds become exact integer
/// comparisons, the lowered text round-trips, model.json round-trips, and
/// bad parameters are refused naming the layer and the field.
@Suite struct ThresholdOpTests {
    static func directModel(_ t: Thresholds, input: FixedType = .fixed(8, 4), shape: [Int] = [3], result: FixedType? = nil) -> Graph {
        Graph(name: "direct", inputs: [GraphInput(name: "x", shape: shape, type: input)],
              nodes: [Node(name: "mt", op: .threshold(t), inputs: ["x"], precision: LayerPrecision(result: result))], outputs: ["mt"])
    }

    @Test func floatThresholdsBecomeTheFirstCodeThatReachesThem() throws {
        // ap_fixed<8,4>: 4 fractional bits, codes -128 ... 127.
        let t = Thresholds(thresholds: [[-100, -0.5, 0.3, 1.25, 9]], outScale: 0.5, outBias: -1)
        let m = try Pipeline.lower(Self.directModel(t))
        guard case .threshold(let op) = m.ops[0].kind else { Issue.record("not a threshold op"); return }
        // -100 is below every code; -0.5 = -8/16; 0.3*16 = 4.8 -> 5; 1.25*16 = 20; 9 is above 127/16.
        #expect(op.thresholds == [[-128, -8, 5, 20, 128]])
        #expect(op.outputBias == -2 && op.outputStep == 1)
        #expect(m[m.ops[0].output].type.fractionBits == 1)
        // Every input code: the fixed-point result equals the float staircase on the exact input value.
        let fixed = FixedPointEvaluator(m), float = FloatEvaluator(Self.directModel(t))
        for code in Int64(-128)...127 {
            let x = Double(code) / 16
            let raw = fixed.runRaw([code, code, code])
            let y = float.trace([x, x, x][...])["mt"]!
            #expect(raw.map { Double($0) / 2 } == y, "code \(code)")
        }
    }

    @Test func perChannelListsFollowTheInnermostAxis() throws {
        let t = Thresholds(thresholds: [[0], [1], [2]])
        let m = try Pipeline.lower(Self.directModel(t, shape: [2, 3]))
        let raw = FixedPointEvaluator(m).runRaw([16, 16, 16, 32, 32, 32])   // x = 1, 1, 1, 2, 2, 2
        #expect(raw == [1, 1, 0, 1, 1, 1])
    }

    @Test func theLoweredTextParsesBack() throws {
        let m = try Pipeline.lower(ModelZoo.thresholdMLP())
        let text = LoweredPrinter.print(m)
        #expect(text.contains("  thresholds "))
        #expect(try LoweredParser.parse(text) == m)
        #expect(LoweredPrinter.print(try LoweredParser.parse(text)) == text)
    }

    @Test func modelJSONRoundTrips() throws {
        let g = ModelZoo.thresholdMLP()
        let again = try ModelDecoder.decode(Data(ModelEncoder.encode(g).utf8))
        #expect(again == g)
    }

    @Test(arguments: [
        ("[[0.5, 0.25]]", "thresholds[0]", "not sorted"),
        ("[[0.5], [1.0]]", "thresholds", "expected 1 or one per channel (3)"),
        ("[[0.5], [Infinity]]", "thresholds[1][0]", "not a finite number"),
        ("[[0.5, 1.0], [1.0], [2.0]]", "thresholds[1]", "every list needs 2"),
        ("[]", "thresholds", "at least one list"),
    ])
    func badThresholdsAreRefusedNamingTheLayerAndField(thresholds: String, field: String, message: String) throws {
        let json = """
        {"format": "hepml-model", "version": 1, "name": "m", "inputs": [{"name": "x", "shape": [3], "type": "ap_fixed<8,4>"}],
         "layers": [{"name": "mt1", "type": "threshold", "input": "x", "thresholds": \(thresholds)}], "outputs": ["mt1"]}
        """
        do {
            _ = try ModelDecoder.decode(Data(json.utf8))
            Issue.record("accepted")
        } catch {
            let text = "\(error)"
            #expect(text.contains("mt1") && text.contains(field) && text.contains(message), "\(text)")
        }
    }

    @Test func loweredTextWithoutThresholdListsIsRefusedWithItsLine() throws {
        let text = "hepml-lowered 1\nmodel m\ntensor %0 x 2 ap_fixed<8,3>\ntensor %1 y 2 ap_fixed<8,3>\ninput %0\nop t threshold %0 -> %1\n  output 0 1\noutput %1\n"
        do {
            _ = try LoweredParser.parse(text)
            Issue.record("accepted")
        } catch {
            #expect("\(error)".contains("line 6") && "\(error)".contains("thresholds"), "\(error)")
        }
    }

    @Test func verifyRefusesUnsortedListsAndOutputsOutsideTheType() throws {
        var m = try Pipeline.lower(Self.directModel(Thresholds(thresholds: [[0, 1]])))
        guard case .threshold(var op) = m.ops[0].kind else { return }
        op.thresholds = [[5, 1]]
        m.ops[0].kind = .threshold(op)
        #expect(throws: LoweringError.self) { try Verify.run(m, after: "test") }
        op.thresholds = [[1, 5]]
        op.outputBias = 1 << 20
        m.ops[0].kind = .threshold(op)
        #expect(throws: LoweringError.self) { try Verify.run(m, after: "test") }
    }

    @Test func outputStepsAreExactOrRefused() throws {
        // The double nearest 1/7 is a dyadic rational: its exact multiples fit a 52-bit type.
        let m = try Pipeline.lower(Self.directModel(Thresholds(thresholds: [[0]], outScale: 1.0 / 7)))
        guard case .threshold(let op) = m.ops[0].kind else { Issue.record("not a threshold op"); return }
        let type = m[m.ops[0].output].type
        #expect(Double(op.outputStep) * type.lsb == 1.0 / 7)
        // Steps of 2^61 codes times 7 thresholds: no 64-bit type, an error (not an overflow trap).
        #expect(throws: LoweringError.self) {
            try Pipeline.lower(Self.directModel(Thresholds(thresholds: [[0, 1, 2, 3, 4, 5, 6]], outScale: 0x1p61)))
        }
        // 1e-30 needs about 100 fractional bits: no 64-bit type holds the steps.
        #expect(throws: LoweringError.self) { try Pipeline.lower(Self.directModel(Thresholds(thresholds: [[0]], outScale: 1e-30))) }
        // A declared result type whose LSB does not divide the steps.
        #expect(throws: LoweringError.self) {
            try Pipeline.lower(Self.directModel(Thresholds(thresholds: [[0]], outScale: 0.25), result: .fixed(8, 8)))
        }
    }
}

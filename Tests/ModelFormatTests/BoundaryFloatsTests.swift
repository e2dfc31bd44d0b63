import Foundation
import ModelIR
import Testing
@testable import ModelFormat

/// model.json's `input_quantizers` and `output_chains` (issue 26): they
/// round-trip through the encoder, evaluate as the QONNX executor's float32
/// operations, and a defective entry is refused naming its field.
@Suite struct BoundaryFloatsTests {
    static func model(quantizer: String, chain: String, inputType: String = "ap_int<4>") -> String {
        """
        {
          "format": "hepml-model", "version": 1, "name": "m",
          "inputs": [{"name": "x", "shape": [2], "type": "\(inputType)"}],
          "layers": [{"name": "d", "type": "dense", "input": "x", "units": 2, "weights": [[1, 0], [0, 1]], "bias": [0, 0],
                      "precision": {"weight": "ap_fixed<4,2>", "bias": "ap_fixed<4,2>", "result": "ap_fixed<8,6>"}}],
          "outputs": ["d"],
          "input_quantizers": [\(quantizer)],
          "output_chains": [\(chain)]
        }
        """
    }

    static let quantizer = #"{"input": "x", "scale": [0.1428571492433548, 0.375], "bits": 4, "signed": true, "narrow": false, "rounding": "ROUND", "bipolar": false, "double": false}"#
    static let chain = #"{"output": "d", "double": false, "steps": [{"op": "multiply", "values": [0.1428571492433548, 2.5]}, {"op": "add", "values": [0.30000001192092896, -1]}, {"op": "relu"}]}"#

    @Test func roundTripsAndEvaluatesInFloat32() throws {
        let g = try ModelDecoder.decode(Data(Self.model(quantizer: Self.quantizer, chain: Self.chain).utf8))
        let text = ModelEncoder.encode(g)
        let again = try ModelDecoder.decode(Data(text.utf8))
        #expect(again == g)
        let q = try #require(g.inputQuantizers["x"])
        // float32: 0.5 / float32(1/7) = 3.4999998 rounds to 3; 0.5625 / 0.375 = 1.5 ties to even 2.
        #expect(q.code(0.5, element: 0) == 3 && q.code(0.5625, element: 1) == 2 && q.code(-9, element: 1) == -8)
        let c = try #require(g.outputChains["d"])
        // 3 × float32(1/7) rounds in float32, then + float32(0.3) rounds again; a negative result is cut by relu.
        let expected = Double(Float(3) * Float(1.0 / 7.0) + Float(0.3))
        #expect(c.value(3, element: 0) == expected && expected != 3.0 / 7.0 + 0.3)
        #expect(c.value(0.25, element: 1) == 0)
        #expect(c.chain.direction(element: 0) == 1)
        #expect(FloatChain(steps: [.subtractFrom([1]), .multiply([-2])]).direction(element: 0) == 1)
        #expect(FloatChain(steps: [.divide([-2])]).direction(element: 0) == -1)
    }

    @Test(arguments: [
        (#"{"input": "x", "scale": [0.375, 0.375], "bits": 4, "signed": true, "narrow": false, "rounding": "NEAREST", "bipolar": false, "double": false}"#, chain, "'input_quantizers[0].rounding'"),
        (#"{"input": "y", "scale": [0.375, 0.375], "bits": 4, "signed": true, "narrow": false, "rounding": "ROUND", "bipolar": false, "double": false}"#, chain, "'input_quantizers[0].input'"),
        (#"{"input": "x", "scale": [0.375, 0], "bits": 4, "signed": true, "narrow": false, "rounding": "ROUND", "bipolar": false, "double": false}"#, chain, "'input_quantizers[0].scale'"),
        (#"{"input": "x", "scale": [0.375, 0.375], "bits": 6, "signed": true, "narrow": false, "rounding": "ROUND", "bipolar": false, "double": false}"#, chain, "needs a type holding the codes -32...31"),
        (quantizer, #"{"output": "d", "double": false, "steps": [{"op": "exp", "values": [1, 1]}]}"#, "unknown operation 'exp'"),
        (quantizer, #"{"output": "d", "double": false, "steps": [{"op": "divide", "values": [1, 0]}]}"#, "'output_chains[0].steps[0]'"),
        (quantizer, #"{"output": "d", "double": false, "steps": [{"op": "add", "values": [0.1, 1]}]}"#, "not a float32 value"),
        (quantizer, #"{"output": "d", "double": false, "steps": [{"op": "add", "values": [1]}]}"#, "output_chains[0].steps[0]"),
        (quantizer, #"{"output": "x", "double": false, "steps": []}"#, "'output_chains[0].output'"),
        (#"{"input": "x", "scale": [0.1, 0.375], "bits": 4, "signed": true, "narrow": false, "rounding": "ROUND", "bipolar": false, "double": false}"#, chain, "0.1 is not a float32 value"),
    ])
    func defectIsRefusedNamingItsField(quantizer: String, chain: String, expected: String) {
        let error = #expect(throws: ModelFormatError.self) {
            _ = try ModelDecoder.decode(Data(Self.model(quantizer: quantizer, chain: chain).utf8))
        }
        #expect(error?.description.contains(expected) == true, "\(error?.description ?? "no error")")
    }
}

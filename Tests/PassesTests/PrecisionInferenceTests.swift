import FixedPoint
import ModelIR
import ModelZoo
import Passes
import Reference
import Testing

@Suite struct PrecisionInferenceTests {
    @Test func bitsNeededCoversTheRangeExactly() {
        // [-8, 7.75] with 2 fractional bits: raw [-32, 31] -> 6 bits signed.
        #expect(ValueRange(lo: -32, hi: 31, fractionBits: 2).bitsNeeded(fractionBits: 2) == (true, 6))
        // [-8, 8] needs one more bit.
        #expect(ValueRange(lo: -32, hi: 32, fractionBits: 2).bitsNeeded(fractionBits: 2) == (true, 7))
        // [0, 255] unsigned: 8 bits.
        #expect(ValueRange(lo: 0, hi: 255, fractionBits: 0).bitsNeeded(fractionBits: 0) == (false, 8))
        // [0, 0]: one bit.
        #expect(ValueRange(lo: 0, hi: 0, fractionBits: 0).bitsNeeded(fractionBits: 0) == (false, 1))
        // Fewer fractional bits round outward: [-0.75, 0.75] at 0 fractional bits -> [-1, 1] -> 2 bits.
        #expect(ValueRange(lo: -3, hi: 3, fractionBits: 2).bitsNeeded(fractionBits: 0) == (true, 2))
    }

    /// An inferred accumulator never wraps: for inputs at the corners of the
    /// input type, the exact sum equals the accumulator's value.
    @Test func inferredAccumulatorHoldsTheExactSumAtTheCorners() throws {
        var g = ModelZoo.oneLayer()
        g.nodes[0].precision.accumulator = nil
        let m = try lowerOnly(g)
        guard case .dense(let d) = m.ops[0].kind else { Issue.record("not dense"); return }
        let xt = m[m.inputs[0]].type
        for j in d.rows.indices {
            for corner in [true, false] {
                var exact = Int128(d.bias[j]) << (d.accumulatorType.fractionBits - d.biasType.fractionBits)
                for t in d.rows[j] {
                    let x = (t.weight >= 0) == corner ? xt.maxRaw : xt.minRaw
                    exact += Int128(t.weight) * Int128(x) << (d.accumulatorType.fractionBits - d.weightType.fractionBits - xt.fractionBits)
                }
                #expect(exact >= Int128(d.accumulatorType.minRaw) && exact <= Int128(d.accumulatorType.maxRaw))
            }
        }
        #expect(d.accumulatorType.fractionBits == d.weightType.fractionBits + xt.fractionBits)
    }

    @Test func reluResultsAreInferredUnsigned() throws {
        var g = ModelZoo.mlp(name: "m", sizes: [4, 3, 2], seed: 5, inputType: .fixed(8, 3))
        g.nodes.append(Node(name: "r", op: .activation(.relu), inputs: ["fc2"]))
        g.outputs = ["r"]
        let m = try Pipeline.lower(g)
        let out = m[m.outputs[0]].type
        #expect(!out.isSigned)
        #expect(out.fractionBits == PrecisionDefaults.builtIn.fractionBits)
    }

    /// The rule for undeclared intermediates: exact when the one reader is a
    /// piecewise-linear activation and the tensor is not a model output.
    @Test func onlyAPiecewiseLinearSoleReaderKeepsTheExactType() {
        let relu = Op.activation(.relu), leaky = Op.activation(.leakyReLU(alpha: 0.1)), linear = Op.activation(.linear)
        for reader in [relu, leaky, linear] {
            #expect(PrecisionInference.keepsExactType(readers: [reader], isModelOutput: false))
            #expect(!PrecisionInference.keepsExactType(readers: [reader], isModelOutput: true))
            #expect(!PrecisionInference.keepsExactType(readers: [reader, relu], isModelOutput: false))
        }
        for reader in [Op.activation(.sigmoid(TableSettings(size: 64, range: 4))), .activation(.tanh(TableSettings(size: 64, range: 4))),
                       .activation(.softmax(SoftmaxTableSettings())), .add, .sum] {
            #expect(!PrecisionInference.keepsExactType(readers: [reader], isModelOutput: false))
        }
        #expect(!PrecisionInference.keepsExactType(readers: [], isModelOutput: false))
    }

    /// Lower applies it: an undeclared dense result read by a ReLU has the
    /// accumulator's type; the same result also read elsewhere gets the default.
    @Test func lowerKeepsTheExactTypeOnlyBeforeASoleActivation() throws {
        let g = ModelZoo.mlp(name: "m", sizes: [4, 3, 2], seed: 5, inputType: .fixed(8, 3))
        let m = try lowerOnly(g)
        guard case .dense(let d) = m.ops[0].kind else { Issue.record("not dense"); return }
        #expect(m[m.ops[0].output].type == d.accumulatorType)
        var shared = g
        shared.nodes.append(Node(name: "s", op: .sum, inputs: ["fc1"]))
        shared.outputs.append("s")
        let n = try lowerOnly(shared)
        let fc1 = n[n.ops[0].output].type
        #expect(fc1 != d.accumulatorType)
        #expect(fc1.fractionBits == PrecisionDefaults.builtIn.fractionBits)
    }

    @Test func tooWideInferenceIsALayerError() throws {
        // 64 inputs of 40-bit values times 30-bit weights cannot be summed exactly in 64 bits.
        let g = ModelZoo.mlp(name: "wide", sizes: [64, 2], seed: 1, inputType: .fixed(40, 20),
                             precisions: [LayerPrecision(weight: .fixed(30, 2))])
        let error = #expect(throws: LoweringError.self) { try Pipeline.lower(g) }
        #expect(error?.layer == "fc1")
        #expect(error?.field == "precision.accumulator")
    }

    @Test func sigmoidTableIsMonotoneAndCentred() throws {
        let m = try Pipeline.lower(ModelZoo.sigmoid())
        guard case .table(let t) = m.ops.last!.kind else { Issue.record("no table"); return }
        #expect(t.values.count == 256)
        #expect(zip(t.values, t.values.dropFirst()).allSatisfy { $0 <= $1 })
        let out = m[m.ops.last!.output].type
        // Bins 127 and 128 straddle 0: sigmoid(∓1/32) = 0.5 ∓ 0.0078.
        #expect(abs(out.value(ofRaw: t.values[127]) + out.value(ofRaw: t.values[128]) - 1) <= out.lsb)
    }

    @Test func verifyRejectsAnOpReadingAnUndefinedTensor() throws {
        var m = try Pipeline.lower(ModelZoo.oneLayer())
        m.ops[0].inputs = [TensorID(99)]
        #expect(throws: LoweringError.self) { try Verify.run(m, after: "test") }
    }
}

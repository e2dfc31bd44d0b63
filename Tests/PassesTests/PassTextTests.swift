import ModelIR
import Passes
import Testing

private let t8 = "ap_fixed<8,3>"
private let acc = "ap_fixed<20,8>"
private let out = "ap_fixed<10,4,AP_RND,AP_SAT>"

/// Each lowering pass on small lowered-IR texts, in and out, in the spirit
/// of FileCheck tests: the input text, the pass, and the exact text it must
/// produce (or the input unchanged when the pass must not apply).
@Suite struct PassTextTests {
    /// Runs `pass` on `text` and compares the printed result with `expected`.
    static func check(_ pass: (LoweredModel) -> (LoweredModel, [String]), _ text: String, _ expected: String,
                      log: [String] = []) throws {
        let (result, messages) = pass(try LoweredParser.parse(text))
        #expect(LoweredPrinter.print(result) == expected)
        #expect(try LoweredParser.parse(expected) == result)
        #expect(messages == log)
    }

    static func model(_ body: String) -> String { "hepml-lowered 1\nmodel m\n" + body }

    // MARK: PruneZeroWeights

    @Test func pruneRemovesExactZeros() throws {
        let head = "tensor %0 x 3 \(t8)\ntensor %1 y 2 \(acc)\ninput %0\nop fc dense %0 -> %1\n"
            + "  types weight \(t8) bias \(t8) acc \(acc) pre - act linear\n  bias 1 -2\n"
        try Self.check(PruneZeroWeights.run,
                       Self.model(head + "  row 0:3 1:0 2:-5\n  row 0:0 1:0 2:7\noutput %1\n"),
                       Self.model(head + "  row 0:3 2:-5\n  row 2:7\noutput %1\n"),
                       log: ["PruneZeroWeights: 'fc' 3 of 6 weights are zero"])
    }

    @Test func pruneCanEmptyARow() throws {
        let head = "tensor %0 x 2 \(t8)\ntensor %1 y 1 \(acc)\ninput %0\nop fc dense %0 -> %1\n"
            + "  types weight \(t8) bias \(t8) acc \(acc) pre - act linear\n  bias 4\n"
        try Self.check(PruneZeroWeights.run, Self.model(head + "  row 0:0 1:0\noutput %1\n"),
                       Self.model(head + "  row\noutput %1\n"), log: ["PruneZeroWeights: 'fc' 2 of 2 weights are zero"])
    }

    @Test func pruneLeavesOtherOpsAndNonzeroWeights() throws {
        let text = Self.model("tensor %0 x 2 \(t8)\ntensor %1 y 1 \(acc)\ntensor %2 z 1 \(out)\ninput %0\n"
            + "op fc dense %0 -> %1\n  types weight \(t8) bias \(t8) acc \(acc) pre - act linear\n  bias 0\n  row 0:1 1:-1\n"
            + "op q quantize %1 -> %2\noutput %2\n")
        try Self.check(PruneZeroWeights.run, text, text)
    }

    /// A scale op has one weight per element: a zero weight is not a term
    /// to drop, and the op is left as it is.
    @Test func pruneLeavesAScaleWithAZeroWeight() throws {
        let text = Self.model("tensor %0 x 3 \(t8)\ntensor %1 y 3 \(acc)\ninput %0\n"
            + "op bn scale %0 -> %1\n  types weight \(t8) bias \(t8) acc \(acc) pre - act linear\n  bias 1 0 -2\n  weights 5 0 -7\noutput %1\n")
        try Self.check(PruneZeroWeights.run, text, text)
    }

    // MARK: FuseActivations

    static let denseThenRelu = "tensor %0 x 2 \(t8)\ntensor %1 h 2 \(out)\ntensor %2 r 2 \(out)\ninput %0\n"
        + "op fc dense %0 -> %1\n  types weight \(t8) bias \(t8) acc \(acc) pre - act linear\n  bias 1 2\n  row 0:3\n  row 1:-2\n"
        + "op act activation %1 -> %2\n  act relu\noutput %2\n"

    @Test func fuseFoldsTheActivationIntoTheDense() throws {
        try Self.check(FuseActivations.run, Self.model(Self.denseThenRelu), Self.model(
            "tensor %0 x 2 \(t8)\ntensor %1 r 2 \(out)\ninput %0\n"
            + "op fc dense %0 -> %1 from fc,act\n  types weight \(t8) bias \(t8) acc \(acc) pre \(out) act relu\n  bias 1 2\n  row 0:3\n  row 1:-2\n"
            + "output %1\n"), log: ["FuseActivations: fused relu 'act' into dense 'fc'"])
    }

    @Test func fuseKeepsADenseOutputThatIsAlsoAModelOutput() throws {
        let text = Self.model(Self.denseThenRelu + "output %1\n")
        try Self.check(FuseActivations.run, text, text)
    }

    @Test func fuseDropsAPreActivationEqualToTheAccumulator() throws {
        let text = Self.model("tensor %0 x 2 \(t8)\ntensor %1 h 1 \(acc)\ntensor %2 r 1 \(out)\ninput %0\n"
            + "op fc dense %0 -> %1\n  types weight \(t8) bias \(t8) acc \(acc) pre - act linear\n  bias 0\n  row 0:1\n"
            + "op act activation %1 -> %2\n  act leaky_relu:3:ap_fixed<4,1>\noutput %2\n")
        try Self.check(FuseActivations.run, text, Self.model(
            "tensor %0 x 2 \(t8)\ntensor %1 r 1 \(out)\ninput %0\n"
            + "op fc dense %0 -> %1 from fc,act\n  types weight \(t8) bias \(t8) acc \(acc) pre - act leaky_relu:3:ap_fixed<4,1>\n  bias 0\n  row 0:1\n"
            + "output %1\n"), log: ["FuseActivations: fused leaky_relu 'act' into dense 'fc'"])
    }

    /// A second activation reads the fused op, which already has one: it
    /// stays (the pass's reader and producer maps follow the fused output).
    @Test func fuseLeavesASecondActivationInAChain() throws {
        let text = Self.model("tensor %0 x 2 \(t8)\ntensor %1 h 2 \(out)\ntensor %2 r 2 \(out)\ntensor %3 s 2 \(out)\ninput %0\n"
            + "op fc dense %0 -> %1\n  types weight \(t8) bias \(t8) acc \(acc) pre - act linear\n  bias 1 2\n  row 0:3\n  row 1:-2\n"
            + "op act activation %1 -> %2\n  act relu\nop act2 activation %2 -> %3\n  act relu\noutput %3\n")
        try Self.check(FuseActivations.run, text, Self.model(
            "tensor %0 x 2 \(t8)\ntensor %1 r 2 \(out)\ntensor %2 s 2 \(out)\ninput %0\n"
            + "op fc dense %0 -> %1 from fc,act\n  types weight \(t8) bias \(t8) acc \(acc) pre \(out) act relu\n  bias 1 2\n  row 0:3\n  row 1:-2\n"
            + "op act2 activation %1 -> %2\n  act relu\noutput %2\n"), log: ["FuseActivations: fused relu 'act' into dense 'fc'"])
    }

    static let scaleThenRelu = "tensor %0 x 2 \(t8)\ntensor %1 h 2 \(out)\ntensor %2 r 2 \(out)\ninput %0\n"
        + "op bn scale %0 -> %1\n  types weight \(t8) bias \(t8) acc \(acc) pre - act linear\n  bias 1 -2\n  weights 3 0\n"
        + "op act activation %1 -> %2\n  act relu\noutput %2\n"

    @Test func fuseFoldsTheActivationIntoAScale() throws {
        try Self.check(FuseActivations.run, Self.model(Self.scaleThenRelu), Self.model(
            "tensor %0 x 2 \(t8)\ntensor %1 r 2 \(out)\ninput %0\n"
            + "op bn scale %0 -> %1 from bn,act\n  types weight \(t8) bias \(t8) acc \(acc) pre \(out) act relu\n  bias 1 -2\n  weights 3 0\n"
            + "output %1\n"), log: ["FuseActivations: fused relu 'act' into scale 'bn'"])
    }

    /// The scale's result is exact (its accumulator type): nothing to quantize before the activation.
    @Test func fuseIntoAScaleDropsAPreActivationEqualToTheAccumulator() throws {
        let text = Self.model("tensor %0 x 1 \(t8)\ntensor %1 h 1 \(acc)\ntensor %2 r 1 \(out)\ninput %0\n"
            + "op bn scale %0 -> %1\n  types weight \(t8) bias \(t8) acc \(acc) pre - act linear\n  bias 0\n  weights -4\n"
            + "op act activation %1 -> %2\n  act leaky_relu:3:ap_fixed<4,1>\noutput %2\n")
        try Self.check(FuseActivations.run, text, Self.model(
            "tensor %0 x 1 \(t8)\ntensor %1 r 1 \(out)\ninput %0\n"
            + "op bn scale %0 -> %1 from bn,act\n  types weight \(t8) bias \(t8) acc \(acc) pre - act leaky_relu:3:ap_fixed<4,1>\n  bias 0\n  weights -4\n"
            + "output %1\n"), log: ["FuseActivations: fused leaky_relu 'act' into scale 'bn'"])
    }

    /// A scale that already applies an activation takes no second one.
    @Test func fuseLeavesAScaleThatHasAnActivation() throws {
        let text = Self.model(Self.scaleThenRelu.replacingOccurrences(of: "pre - act linear", with: "pre - act relu"))
        try Self.check(FuseActivations.run, text, text)
    }

    @Test func fuseKeepsAScaleOutputThatIsAlsoAModelOutput() throws {
        let text = Self.model(Self.scaleThenRelu + "output %1\n")
        try Self.check(FuseActivations.run, text, text)
    }

    // MARK: Verify

    /// Parses `text` and expects ``Verify`` to reject it with `message`.
    static func rejects(_ text: String, _ message: String) throws {
        let model = try LoweredParser.parse(Self.model(text))
        #expect {
            try Verify.run(model, after: "the test")
        } throws: { error in
            "\(error)".contains("internal error after the test: \(message)")
        }
    }

    static let scaleHead = "tensor %0 x 3 \(t8)\ntensor %1 y 3 \(acc)\ninput %0\nop bn scale %0 -> %1\n"

    @Test func verifyAcceptsAWellFormedScale() throws {
        let m = try LoweredParser.parse(Self.model(Self.scaleHead
            + "  types weight \(t8) bias \(t8) acc \(acc) pre - act relu\n  bias 1 0 -2\n  weights 127 0 -128\noutput %1\n"))
        try Verify.run(m, after: "the test")
    }

    @Test func verifyRejectsAScaleWithTooFewWeights() throws {
        try Self.rejects(Self.scaleHead + "  types weight \(t8) bias \(t8) acc \(acc) pre - act linear\n  bias 1 0 -2\n  weights 5 0\noutput %1\n",
                         "weight/bias count differs from the output size")
    }

    @Test func verifyRejectsAScaleWeightOutsideItsType() throws {
        try Self.rejects(Self.scaleHead + "  types weight \(t8) bias \(t8) acc \(acc) pre - act linear\n  bias 1 0 -2\n  weights 5 128 0\noutput %1\n",
                         "weight 128 of element 1 out of range")
    }

    @Test func verifyRejectsAScaleWhoseAccumulatorSaturates() throws {
        try Self.rejects(Self.scaleHead + "  types weight \(t8) bias \(t8) acc \(out) pre - act linear\n  bias 1 0 -2\n  weights 5 0 1\noutput %1\n",
                         "the accumulator must wrap")
    }

    @Test func verifyRejectsAScaleThatChangesTheSize() throws {
        try Self.rejects("tensor %0 x 3 \(t8)\ntensor %1 y 2 \(acc)\ninput %0\nop bn scale %0 -> %1\n"
                         + "  types weight \(t8) bias \(t8) acc \(acc) pre - act linear\n  bias 1 0\n  weights 5 0\noutput %1\n",
                         "element-wise op changes the size")
    }

    @Test func verifyRejectsADenseTermOnAMissingInput() throws {
        try Self.rejects("tensor %0 x 2 \(t8)\ntensor %1 y 1 \(acc)\ninput %0\nop fc dense %0 -> %1\n"
                         + "  types weight \(t8) bias \(t8) acc \(acc) pre - act linear\n  bias 0\n  row 0:1 2:3\noutput %1\n",
                         "weight term WeightTerm(input: 2, weight: 3) out of range")
    }

    @Test func verifyRejectsReadingATensorBeforeItIsWritten() throws {
        try Self.rejects("tensor %0 x 2 \(t8)\ntensor %1 a 2 \(out)\ntensor %2 b 2 \(out)\ninput %0\n"
                         + "op q1 quantize %2 -> %1\nop q2 quantize %0 -> %2\noutput %1\n",
                         "reads b before it is written")
    }

    // MARK: InsertQuantize

    @Test func insertQuantizeMakesConcatenationWiring() throws {
        try Self.check(InsertQuantize.run, Self.model(
            "tensor %0 a 2 \(t8)\ntensor %1 b 1 \(out)\ntensor %2 c 3 \(out)\ninput %0\ninput %1\n"
            + "op cat concatenate %0,%1 -> %2\noutput %2\n"), Self.model(
            "tensor %0 a 2 \(t8)\ntensor %1 b 1 \(out)\ntensor %2 c 3 \(out)\ntensor %3 cat_in0 2 \(out)\ninput %0\ninput %1\n"
            + "op cat_in0 quantize %0 -> %3 from cat\nop cat concatenate %3,%1 -> %2\noutput %2\n"),
            log: ["InsertQuantize: 'a' \(t8) -> \(out) before 'cat'"])
    }

    @Test func insertQuantizeLeavesMatchingInputs() throws {
        let text = Self.model("tensor %0 a 2 \(out)\ntensor %1 b 1 \(out)\ntensor %2 c 3 \(out)\ninput %0\ninput %1\n"
            + "op cat concatenate %0,%1 -> %2\noutput %2\n")
        try Self.check(InsertQuantize.run, text, text)
    }

    @Test func insertQuantizeOnlyTouchesConcatenations() throws {
        let text = Self.model("tensor %0 a 2 \(t8)\ntensor %1 b 2 \(out)\ntensor %2 c 2 \(out)\ninput %0\ninput %1\n"
            + "op s add %0,%1 -> %2\noutput %2\n")
        try Self.check(InsertQuantize.run, text, text)
    }
}

import FixedPoint
import Testing

/// Every quantization mode at and around the half-LSB ties, for positive and
/// negative values, in `ap_fixed<6,4,Q>`: F = 2 fraction bits, one LSB = 0.25,
/// range -8 ... 7.75, so none of these inputs overflows.
@Suite("Quantization modes at the half-LSB boundaries")
struct QuantizationModeTests {
    /// Inputs, each written in LSBs (value / 0.25).
    static let inputs: [(value: Double, lsbs: String)] = [
        (1.125, "+4.5 (tie, even floor 4)"),
        (-1.125, "-4.5 (tie, floor -5 odd, ceiling -4 even)"),
        (1.375, "+5.5 (tie, odd floor 5)"),
        (-1.375, "-5.5 (tie, floor -6 even)"),
        (1.15625, "+4.625 (just above the tie)"),
        (1.09375, "+4.375 (just below the tie)"),
        (-1.09375, "-4.375 (just above the tie -4.5)"),
        (-1.15625, "-4.625 (just below the tie -4.5)"),
        (1.0625, "+4.25 (quarter, no tie)"),
        (-1.0625, "-4.25 (quarter, no tie)"),
        (1.25, "+5 (exact)"),
        (-0.125, "-0.5 (tie between -1 and 0: crosses zero or not)"),
        (-0.0625, "-0.25 (small negative: nearest is 0)"),
    ]

    /// Results in LSBs, one column per input above, worked by hand from the
    /// rule in the comment.
    static let expected: [(QuantizationMode, [Int64], rule: String)] = [
        //                 4.5 -4.5 5.5 -5.5 4.625 4.375 -4.375 -4.625 4.25 -4.25 5 -0.5 -0.25
        (.trn,          [  4,  -5,  5,  -6,   4,    4,    -5,     -5,    4,   -5, 5,  -1,  -1], "floor"),
        (.trnZero,      [  4,  -4,  5,  -5,   4,    4,    -4,     -4,    4,   -4, 5,   0,   0], "toward zero"),
        (.rnd,          [  5,  -4,  6,  -5,   5,    4,    -4,     -5,    4,   -4, 5,   0,   0], "nearest, tie up"),
        (.rndZero,      [  4,  -4,  5,  -5,   5,    4,    -4,     -5,    4,   -4, 5,   0,   0], "nearest, tie toward 0"),
        (.rndInf,       [  5,  -5,  6,  -6,   5,    4,    -4,     -5,    4,   -4, 5,  -1,   0], "nearest, tie away from 0"),
        (.rndMinInf,    [  4,  -5,  5,  -6,   5,    4,    -4,     -5,    4,   -4, 5,  -1,   0], "nearest, tie down"),
        (.rndConv,      [  4,  -4,  6,  -6,   5,    4,    -4,     -5,    4,   -4, 5,   0,   0], "nearest, tie to even"),
    ]

    static let cases: [HandCase] = expected.flatMap { mode, results, rule in
        zip(inputs, results).map { input, result in
            HandCase(type: fx(6, 4, mode), input: input.value, expected: result,
                     arithmetic: "\(mode.rawValue): \(input.value) = \(input.lsbs) LSB -> \(result) (\(rule))")
        }
    }

    @Test("Each mode rounds ties and near-ties as Vitis documents", arguments: cases)
    func roundsAsDocumented(_ c: HandCase) {
        c.check()
    }

    @Test("Every quantization mode has a hand-worked table")
    func everyModeCovered() {
        #expect(Set(Self.expected.map(\.0)) == Set(QuantizationMode.allCases))
        #expect(Self.expected.allSatisfy { $0.1.count == Self.inputs.count })
    }

    /// Regression: huge right shifts (far more fraction bits than the
    /// destination) keep the sign and the sticky bit: a tiny negative value
    /// truncates to -1 LSB and rounds to 0, a tiny positive one to 0.
    @Test("Values far below one LSB keep sign and stickiness")
    func tinyValues() {
        let t = fx(8, 4)
        let tinyNegative = ExactValue(raw: -1, fractionBits: 300)
        let tinyPositive = ExactValue(raw: 1, fractionBits: 300)
        #expect(t.quantize(tinyNegative) == -1)                      // floor(-2^-296 LSB) = -1
        #expect(t.with(quantization: .trnZero).quantize(tinyNegative) == 0)
        #expect(t.with(quantization: .rnd).quantize(tinyNegative) == 0)
        #expect(t.with(quantization: .rndMinInf).quantize(tinyNegative) == 0) // not a tie
        #expect(t.quantize(tinyPositive) == 0)
        // The smallest subnormal double behaves the same way.
        #expect(t.quantize(-Double.leastNonzeroMagnitude) == -1)
        #expect(t.with(quantization: .rndInf).quantize(Double.leastNonzeroMagnitude) == 0)
    }
}

import FixedPoint
import Testing

/// Every overflow mode at the edges of the range, worked by hand from
/// `overflow_adjust` in the ap_types headers. Most cases use W = 4, I = 2:
/// F = 2, one LSB = 0.25, signed raw codes -8 ... 7 (values -2.0 ... 1.75),
/// unsigned raw codes 0 ... 15 (values 0 ... 3.75). Bit patterns are W bits,
/// MSB first; "lD" is the first bit above the W kept bits, before rounding.
@Suite("Overflow modes at the range boundaries")
struct OverflowModeTests {
    static let wrap: [HandCase] = [
        HandCase(type: fx(4, 2), input: 1.75, expected: 7, arithmetic: "max: 1.75 = 7 LSB fits"),
        HandCase(type: fx(4, 2), input: -2.0, expected: -8, arithmetic: "min: -2.0 = -8 LSB fits"),
        HandCase(type: fx(4, 2), input: 2.0, expected: -8, arithmetic: "max + 1 LSB: 8 = 1000 -> -8"),
        HandCase(type: fx(4, 2), input: -2.25, expected: 7, arithmetic: "min - 1 LSB: -9 = ..1_0111 -> 0111 = 7"),
        HandCase(type: fx(4, 2), input: 1000.25, expected: 1, arithmetic: "4001 LSB = 250*16 + 1 -> 1"),
        HandCase(type: fx(4, 2), input: -1000.25, expected: -1, arithmetic: "-4001 = -251*16 + 15 -> 1111 = -1"),
        HandCase(type: fx(4, 2), input: 1e300, expected: 0, arithmetic: "1e300 = m*2^944: the low 4 bits of 4e300 are 0"),
        HandCase(type: fx(4, 2, .rnd), input: 1.875, expected: -8, arithmetic: "7.5 LSB rounds to 8 = 1000 -> -8"),
        HandCase(type: fx(64, 64), input: 0x1p63, expected: .min, arithmetic: "W = 64: 2^63 wraps to -2^63"),
        HandCase(type: fx(64, 64), input: -0x1p63, expected: .min, arithmetic: "W = 64: -2^63 is the min code"),
        HandCase(type: fx(64, 64), input: 9_223_372_036_854_774_784, expected: 9_223_372_036_854_774_784,
                 arithmetic: "W = 64: 2^63 - 1024, the largest double below 2^63, fits"),
        // Unsigned destinations receiving negative values.
        HandCase(type: ufx(4, 2), input: -0.25, expected: 15, arithmetic: "unsigned: -1 LSB = 1111 -> 15"),
        HandCase(type: ufx(4, 2), input: 4.0, expected: 0, arithmetic: "unsigned: 16 LSB = 1_0000 -> 0"),
        HandCase(type: ufx(4, 2, .rnd), input: -0.125, expected: 0,
                 arithmetic: "unsigned: -0.5 LSB rounds up to 0: no overflow"),
        HandCase(type: ufx(4, 2, .rndMinInf), input: -0.125, expected: 15,
                 arithmetic: "unsigned: -0.5 LSB rounds down to -1 = 1111 -> 15"),
    ]

    static let wrapWithSaturationBits: [HandCase] = [
        // Signed, N = 1: keep the low bits, MSB := sign of the source.
        HandCase(type: fx(4, 2, .trn, .wrap, n: 1), input: 1.75, expected: 7, arithmetic: "N=1: max fits"),
        HandCase(type: fx(4, 2, .trn, .wrap, n: 1), input: 2.0, expected: 0, arithmetic: "N=1: 8 = 1000, MSB := 0 -> 0000"),
        HandCase(type: fx(4, 2, .trn, .wrap, n: 1), input: 2.25, expected: 1, arithmetic: "N=1: 9 = 1001, MSB := 0 -> 0001"),
        HandCase(type: fx(4, 2, .trn, .wrap, n: 1), input: 5.0, expected: 4, arithmetic: "N=1: 20 = 1_0100, MSB := 0 -> 0100"),
        HandCase(type: fx(4, 2, .trn, .wrap, n: 1), input: -2.25, expected: -1, arithmetic: "N=1: -9 = ..0111, MSB := 1 -> 1111"),
        HandCase(type: fx(4, 2, .trn, .wrap, n: 1), input: -3.0, expected: -4, arithmetic: "N=1: -12 = ..0100, MSB := 1 -> 1100"),
        // Signed, N = 2: MSB := sign, bit W-2 := !sign.
        HandCase(type: fx(4, 2, .trn, .wrap, n: 2), input: 2.0, expected: 4, arithmetic: "N=2: 1000 -> 0100"),
        HandCase(type: fx(4, 2, .trn, .wrap, n: 2), input: 2.25, expected: 5, arithmetic: "N=2: 1001 -> 0101"),
        HandCase(type: fx(4, 2, .trn, .wrap, n: 2), input: 5.0, expected: 4, arithmetic: "N=2: 20 = 1_0100 -> 0100"),
        HandCase(type: fx(4, 2, .trn, .wrap, n: 2), input: -2.25, expected: -5, arithmetic: "N=2: -9 = ..0111 -> 1011"),
        HandCase(type: fx(4, 2, .trn, .wrap, n: 2), input: -3.0, expected: -8, arithmetic: "N=2: -12 = ..0100 -> 1000"),
        HandCase(type: fx(4, 2, .trn, .wrap, n: 2), input: -2.0, expected: -8, arithmetic: "N=2: min fits, untouched"),
        // Signed, N = W: every kept bit is forced, which saturates.
        HandCase(type: fx(4, 2, .trn, .wrap, n: 4), input: 5.0, expected: 7, arithmetic: "N=W: 0_111 = max"),
        HandCase(type: fx(4, 2, .trn, .wrap, n: 4), input: -3.0, expected: -8, arithmetic: "N=W: 1_000 = min"),
        // Unsigned: the top N bits are set to 1, for overflow and underflow alike.
        HandCase(type: ufx(4, 2, .trn, .wrap, n: 1), input: 4.0, expected: 8, arithmetic: "unsigned N=1: 16 = 1_0000 -> 1000"),
        HandCase(type: ufx(4, 2, .trn, .wrap, n: 1), input: 4.25, expected: 9, arithmetic: "unsigned N=1: 17 -> 0001 -> 1001"),
        HandCase(type: ufx(4, 2, .trn, .wrap, n: 1), input: -1.0, expected: 12, arithmetic: "unsigned N=1: -4 = ..1100 -> 1100"),
        HandCase(type: ufx(4, 2, .trn, .wrap, n: 1), input: -2.25, expected: 15, arithmetic: "unsigned N=1: -9 = ..0111 -> 1111"),
        HandCase(type: ufx(4, 2, .trn, .wrap, n: 2), input: 4.0, expected: 12, arithmetic: "unsigned N=2: 0000 -> 1100"),
        HandCase(type: ufx(4, 2, .trn, .wrap, n: 2), input: -0.25, expected: 15, arithmetic: "unsigned N=2: 1111 stays"),
        HandCase(type: ufx(4, 2, .trn, .wrap, n: 2), input: 3.75, expected: 15, arithmetic: "unsigned N=2: max fits"),
    ]

    static let saturate: [HandCase] = [
        HandCase(type: fx(4, 2, .trn, .sat), input: 1.75, expected: 7, arithmetic: "max fits"),
        HandCase(type: fx(4, 2, .trn, .sat), input: 1.875, expected: 7, arithmetic: "7.5 LSB truncates to 7: fits"),
        HandCase(type: fx(4, 2, .trn, .sat), input: 2.0, expected: 7, arithmetic: "max + 1 LSB -> max"),
        HandCase(type: fx(4, 2, .trn, .sat), input: 1000.25, expected: 7, arithmetic: "large -> max"),
        HandCase(type: fx(4, 2, .trn, .sat), input: -2.0, expected: -8, arithmetic: "min fits"),
        HandCase(type: fx(4, 2, .trn, .sat), input: -2.125, expected: -8, arithmetic: "-8.5 LSB floors to -9 -> min"),
        HandCase(type: fx(4, 2, .trn, .sat), input: -1e300, expected: -8, arithmetic: "huge negative -> min"),
        HandCase(type: fx(4, 2, .rnd, .sat), input: 1.875, expected: 7, arithmetic: "7.5 LSB rounds to 8 -> max"),
        HandCase(type: fx(4, 2, .rnd, .sat), input: -2.125, expected: -8, arithmetic: "-8.5 LSB rounds to -8: fits"),
        HandCase(type: fx(64, 64, .trn, .sat), input: 0x1p63, expected: .max, arithmetic: "W = 64: 2^63 -> 2^63 - 1"),
        HandCase(type: fx(64, 0, .trn, .sat), input: 0.5, expected: .max, arithmetic: "W = 64, F = 64: 0.5 = 2^63 LSB -> max"),
        HandCase(type: fx(64, 0, .trn, .sat), input: -0.5, expected: .min, arithmetic: "W = 64, F = 64: -0.5 = -2^63 LSB fits"),
        HandCase(type: ufx(4, 2, .trn, .sat), input: -0.25, expected: 0, arithmetic: "unsigned: -1 LSB -> 0"),
        HandCase(type: ufx(4, 2, .trn, .sat), input: -100.0, expected: 0, arithmetic: "unsigned: large negative -> 0"),
        HandCase(type: ufx(4, 2, .trn, .sat), input: 3.75, expected: 15, arithmetic: "unsigned: max fits"),
        HandCase(type: ufx(4, 2, .trn, .sat), input: 4.0, expected: 15, arithmetic: "unsigned: max + 1 LSB -> max"),
        HandCase(type: ufx(63, 63, .trn, .sat), input: 0x1p63, expected: .max, arithmetic: "unsigned W = 63: 2^63 -> 2^63 - 1"),
        HandCase(type: ufx(63, 63, .trn, .sat), input: -1.0, expected: 0, arithmetic: "unsigned W = 63: -1 -> 0"),
    ]

    static let saturateToZero: [HandCase] = [
        HandCase(type: fx(4, 2, .trn, .satZero), input: 1.75, expected: 7, arithmetic: "max fits"),
        HandCase(type: fx(4, 2, .trn, .satZero), input: 2.0, expected: 0, arithmetic: "max + 1 LSB -> 0"),
        HandCase(type: fx(4, 2, .trn, .satZero), input: -2.0, expected: -8, arithmetic: "min fits"),
        HandCase(type: fx(4, 2, .trn, .satZero), input: -2.25, expected: 0, arithmetic: "min - 1 LSB -> 0"),
        HandCase(type: ufx(4, 2, .trn, .satZero), input: -0.25, expected: 0, arithmetic: "unsigned: -1 LSB -> 0"),
        HandCase(type: ufx(4, 2, .trn, .satZero), input: 4.0, expected: 0, arithmetic: "unsigned: 16 LSB -> 0"),
    ]

    static let saturateSymmetric: [HandCase] = [
        HandCase(type: fx(4, 2, .trn, .satSym), input: 1.75, expected: 7, arithmetic: "max fits"),
        HandCase(type: fx(4, 2, .trn, .satSym), input: 2.0, expected: 7, arithmetic: "max + 1 LSB -> max"),
        HandCase(type: fx(4, 2, .trn, .satSym), input: -1.75, expected: -7, arithmetic: "-7 fits"),
        HandCase(type: fx(4, 2, .trn, .satSym), input: -2.0, expected: -7, arithmetic: "the most negative code -8 -> -7"),
        HandCase(type: fx(4, 2, .trn, .satSym), input: -2.25, expected: -7, arithmetic: "min - 1 LSB -> -7"),
        HandCase(type: fx(4, 2, .rnd, .satSym), input: -0.125, expected: 0, arithmetic: "-0.5 LSB rounds up to 0: no underflow"),
        HandCase(type: fx(2, 2, .trn, .satSym), input: -2.0, expected: -1, arithmetic: "W=2: min code 10 -> 11 = -1"),
        // Regression: the headers build the symmetric minimum as the pattern
        // (1 << (W-1)) | 1, which for W = 1 is the bit 1: the code -1 itself.
        HandCase(type: fx(1, 1, .trn, .satSym), input: -1.0, expected: -1, arithmetic: "W=1: 1<<0 | 1 = 1 -> -1"),
        HandCase(type: fx(1, 1, .trn, .satSym), input: -0.5, expected: -1, arithmetic: "W=1: floor(-0.5) = -1 -> -1"),
        HandCase(type: fx(1, 1, .trn, .satSym), input: -5.0, expected: -1, arithmetic: "W=1: underflow -> 1 = -1"),
        HandCase(type: fx(1, 1, .trn, .satSym), input: 5.0, expected: 0, arithmetic: "W=1: overflow -> ~(1<<0) = 0"),
        HandCase(type: ufx(4, 2, .trn, .satSym), input: -0.25, expected: 0, arithmetic: "unsigned: -1 LSB -> 0"),
        HandCase(type: ufx(4, 2, .trn, .satSym), input: 4.0, expected: 15, arithmetic: "unsigned: max + 1 LSB -> max"),
    ]

    static let signMagnitudeWrap: [HandCase] = [
        // N = 0: if lD != MSB, invert all bits and set MSB := lD.
        HandCase(type: fx(4, 2, .trn, .wrapSM), input: 1.75, expected: 7, arithmetic: "SM: max fits"),
        HandCase(type: fx(4, 2, .trn, .wrapSM), input: 2.0, expected: 7, arithmetic: "SM: 8 = 0_1000, lD 0 != 1: 0111"),
        HandCase(type: fx(4, 2, .trn, .wrapSM), input: 2.25, expected: 6, arithmetic: "SM: 9 = 0_1001 -> 0110"),
        HandCase(type: fx(4, 2, .trn, .wrapSM), input: 3.75, expected: 0, arithmetic: "SM: 15 = 0_1111 -> 0000"),
        HandCase(type: fx(4, 2, .trn, .wrapSM), input: 4.0, expected: -1, arithmetic: "SM: 16 = 1_0000, lD 1 != 0: 1111"),
        HandCase(type: fx(4, 2, .trn, .wrapSM), input: -2.0, expected: -8, arithmetic: "SM: min fits"),
        HandCase(type: fx(4, 2, .trn, .wrapSM), input: -2.25, expected: -8, arithmetic: "SM: -9 = 1_0111 -> 1000"),
        HandCase(type: fx(4, 2, .trn, .wrapSM), input: -2.5, expected: -7, arithmetic: "SM: -10 = 1_0110 -> 1001"),
        HandCase(type: fx(4, 2, .trn, .wrapSM), input: -4.0, expected: -1, arithmetic: "SM: -16 = 1_0000 -> 1111"),
        // Regression: lD is read before the rounding increment. 15.5 LSB has
        // floor 0_1111 (lD 0) and rounds to 1_0000: kept bits 0000, MSB 0 ==
        // lD, so nothing changes. Reading lD after rounding gave 1111 = -1.
        HandCase(type: fx(4, 2, .rnd, .wrapSM), input: 3.875, expected: 0, arithmetic: "SM RND: floor 0_1111 +1 -> 0000"),
        HandCase(type: fx(1, 4, .rndInf, .wrapSM), input: 12.0, expected: 0,
                 arithmetic: "SM W=1, LSB 8: 1.5 LSB, floor 0_1 (lD 0), rounds to 2 = 1_0: bit 0, MSB 0 == lD"),
        HandCase(type: fx(1, 4, .rndInf, .wrapSM), input: 28.0, expected: -1,
                 arithmetic: "SM W=1, LSB 8: 3.5 LSB, floor 1_1 (lD 1), rounds to 4 = 0_0: MSB 0 != lD: 1"),
        // N = 1: if sign != MSB, invert; then MSB := sign.
        HandCase(type: fx(4, 2, .trn, .wrapSM, n: 1), input: 2.0, expected: 7, arithmetic: "SM N=1: 1000 -> 0111"),
        HandCase(type: fx(4, 2, .trn, .wrapSM, n: 1), input: 2.25, expected: 6, arithmetic: "SM N=1: 1001 -> 0110"),
        HandCase(type: fx(4, 2, .trn, .wrapSM, n: 1), input: 4.0, expected: 0, arithmetic: "SM N=1: 0000, sign 0 == MSB"),
        HandCase(type: fx(4, 2, .trn, .wrapSM, n: 1), input: -2.25, expected: -8, arithmetic: "SM N=1: 0111 -> 1000"),
        HandCase(type: fx(4, 2, .trn, .wrapSM, n: 1), input: -4.0, expected: -1, arithmetic: "SM N=1: 0000 -> 1111"),
        // N = 2: if bit W-2 == sign, invert; bit W-2 := !sign; MSB := sign.
        HandCase(type: fx(4, 2, .trn, .wrapSM, n: 2), input: 2.0, expected: 7, arithmetic: "SM N=2: 1000 -> 0111"),
        HandCase(type: fx(4, 2, .trn, .wrapSM, n: 2), input: 2.25, expected: 6, arithmetic: "SM N=2: 1001 -> 0110"),
        HandCase(type: fx(4, 2, .trn, .wrapSM, n: 2), input: 5.0, expected: 4, arithmetic: "SM N=2: 0100 kept"),
        HandCase(type: fx(4, 2, .trn, .wrapSM, n: 2), input: -2.25, expected: -8, arithmetic: "SM N=2: 0111 -> 1000"),
        HandCase(type: fx(4, 2, .trn, .wrapSM, n: 2), input: -3.0, expected: -5, arithmetic: "SM N=2: 0100 -> 1011"),
    ]

    /// Fixed-to-fixed assignments: the source type matters only through its
    /// exact value, except that an identical type is a plain copy.
    static let fromFixedSources: [HandCase] = [
        // Regression: a same-format source of another type is converted, so
        // SAT_SYM moves its most negative code; only an identical type copies.
        HandCase(type: fx(8, 4, .trn, .satSym), raw: -128, of: fx(8, 4), expected: -127,
                 arithmetic: "ap_fixed<8,4> -8.0 = min code 1000_0000 -> 1000_0001"),
        HandCase(type: fx(8, 4, .trn, .satSym), raw: -128, of: fx(8, 4, .trn, .sat), expected: -127,
                 arithmetic: "AP_SAT source, same format: still a conversion -> -127"),
        HandCase(type: fx(8, 4, .trn, .satSym), raw: -128, of: fx(8, 4, .trn, .satSym), expected: -128,
                 arithmetic: "identical type: the copy constructor keeps the bits"),
        HandCase(type: fx(9, 5, .trn, .satSym), raw: -128, of: fx(8, 4), expected: -128,
                 arithmetic: "-8.0 = -128 LSB is not the minimum of ap_fixed<9,5> (-256)"),
        HandCase(type: fx(4, 2, .rnd, .wrapSM), raw: 15872, of: fx(16, 4), expected: 0,
                 arithmetic: "3.875 = 15872 * 2^-12 = 15.5 LSB: floor 0_1111 (lD 0) rounds to 1_0000 -> 0000"),
        HandCase(type: fx(4, 2, .trn, .sat), raw: 255, of: ufx(8, 4), expected: 7,
                 arithmetic: "unsigned source 15.9375 = 63.75 LSB -> max 7"),
        HandCase(type: ufx(4, 2, .trn, .sat), raw: -1, of: fx(8, 4), expected: 0,
                 arithmetic: "-0.0625 = -0.25 LSB floors to -1 -> 0"),
        HandCase(type: ufx(4, 2, .rnd, .wrap), raw: -2, of: fx(8, 4), expected: 0,
                 arithmetic: "-0.125 = -0.5 LSB rounds up to 0: no overflow"),
    ]

    static let cases = wrap + wrapWithSaturationBits + saturate + saturateToZero + saturateSymmetric
        + signMagnitudeWrap + fromFixedSources

    @Test("AP_WRAP keeps the low W bits", arguments: wrap)
    func wraps(_ c: HandCase) { c.check() }

    @Test("AP_WRAP with N saturation bits forces the top N bits", arguments: wrapWithSaturationBits)
    func wrapsWithSaturationBits(_ c: HandCase) { c.check() }

    @Test("AP_SAT clamps to the range", arguments: saturate)
    func saturates(_ c: HandCase) { c.check() }

    @Test("AP_SAT_ZERO replaces overflow by zero", arguments: saturateToZero)
    func saturatesToZero(_ c: HandCase) { c.check() }

    @Test("AP_SAT_SYM never yields the most negative code (W > 1)", arguments: saturateSymmetric)
    func saturatesSymmetrically(_ c: HandCase) { c.check() }

    @Test("AP_WRAP_SM wraps sign-magnitude", arguments: signMagnitudeWrap)
    func wrapsSignMagnitude(_ c: HandCase) { c.check() }

    @Test("Fixed-to-fixed assignment converts unless the types are identical", arguments: fromFixedSources)
    func convertsFixedSources(_ c: HandCase) { c.check() }

    @Test("Every overflow mode has hand-worked cases")
    func everyModeCovered() {
        #expect(Set(Self.cases.map(\.type.overflow)) == Set(OverflowMode.allCases))
    }
}

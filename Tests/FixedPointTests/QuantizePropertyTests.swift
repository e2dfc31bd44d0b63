import FixedPoint
import PropertyBased
import Testing

/// Laws of quantization that hold for every width, binary point and mode.
@Suite("Quantization properties")
struct QuantizePropertyTests {
    @Test("Results are always codes of the destination type")
    func resultsInRange() async {
        await propertyCheck(count: 1000, input: Generators.fixedType, Generators.exactValue) { t, v in
            let q = t.quantize(v)
            #expect(q >= t.minRaw && q <= t.maxRaw, "\(t) <- \(v): \(q)")
            if t.overflow == .satSym && t.isSigned && t.width > 1 {
                #expect(q != t.minRaw, "AP_SAT_SYM never yields the most negative code: \(t) <- \(v)")
            }
        }
    }

    @Test("An exactly representable value is kept, whatever the mode and extra zero fraction bits")
    func representableIsIdentity() async {
        await propertyCheck(count: 1000, input: Generators.fixedType, Gen.int64(in: .min ... .max), Gen.int(in: 0...60)) { t, bits, extra in
            let raw = t.rawCode(from: bits)
            let value = ExactValue(raw: Int128(raw) << extra, fractionBits: t.fractionBits + extra)
            // The one exception: AP_SAT_SYM moves the most negative code.
            let expected = (t.overflow == .satSym && t.isSigned && t.width > 1 && raw == t.minRaw) ? raw + 1 : raw
            #expect(t.quantize(value) == expected, "\(t) <- \(value)")
            #expect(t.quantize(raw: raw, from: t) == raw, "an identical type is a copy")
        }
    }

    @Test("AP_TRN gives q with q <= x < q + 1 LSB; AP_TRN_ZERO gives |q| <= |x| < |q| + 1 LSB")
    func truncationBrackets() async {
        await propertyCheck(count: 1000, input: Generators.fixedType, Gen.int64(in: .min ... .max),
                            Gen.int(in: 0...40), Gen.uint64(in: .min ... .max)) { type, bits, extra, fraction in
            // In range, and one LSB away from the ends so that no rounding overflows.
            let t = type.with(overflow: .sat)
            guard t.width >= 2 else { return } // room for min + 1 ... max - 1
            let base = Int128(min(max(t.rawCode(from: bits), t.minRaw + 1), t.maxRaw - 1))
            let raw = (base << extra) + Int128(fraction) % (Int128(1) << extra)
            let x = ExactValue(raw: raw, fractionBits: t.fractionBits + extra)
            let down = Int128(t.with(quantization: .trn).quantize(x))
            #expect(down << extra <= raw && raw < (down + 1) << extra, "TRN \(t) <- \(x): \(down)")
            let zero = Int128(t.with(quantization: .trnZero).quantize(x))
            #expect(zero.magnitude << extra <= raw.magnitude && raw.magnitude < (zero.magnitude + 1) << extra,
                    "TRN_ZERO \(t) <- \(x): \(zero)")
            #expect(zero == 0 || (zero < 0) == (raw < 0), "TRN_ZERO keeps the sign")
        }
    }

    static let roundingModes: [QuantizationMode] = [.rnd, .rndZero, .rndInf, .rndMinInf, .rndConv]

    @Test("Round modes land within half an LSB and break ties as named", arguments: roundingModes)
    func roundingWithinHalfLSB(_ mode: QuantizationMode) async {
        await propertyCheck(count: 500, input: Generators.fixedType, Gen.int64(in: .min ... .max),
                            Gen.int(in: 1...40), Gen.uint64(in: .min ... .max)) { type, bits, extra, fraction in
            let t = type.with(quantization: mode, overflow: .sat)
            guard t.width >= 2 else { return } // room for min + 1 ... max - 1
            let base = Int128(min(max(t.rawCode(from: bits), t.minRaw + 1), t.maxRaw - 1))
            let one = Int128(1) << extra, half = one >> 1
            // Half the draws are exact ties.
            let frac = fraction & 1 == 0 ? half : Int128(fraction >> 1) % one
            let raw = (base << extra) + frac
            let q = Int128(t.quantize(ExactValue(raw: raw, fractionBits: t.fractionBits + extra)))
            let error = raw - (q << extra)
            #expect(-half <= error && error <= half, "\(t) <- \(raw)*2^-\(t.fractionBits + extra): \(q)")
            if frac == half {
                let up = base + 1
                let expected: Int128
                switch mode {
                case .rnd: expected = up
                case .rndZero: expected = raw < 0 ? up : base
                case .rndInf: expected = raw < 0 ? base : up
                case .rndMinInf: expected = base
                case .rndConv: expected = base & 1 == 0 ? base : up
                case .trn, .trnZero: fatalError("not a rounding mode")
                }
                #expect(q == expected, "tie \(t) <- \(base) + 1/2 LSB: \(q)")
            }
        }
    }

    @Test("AP_SAT and AP_SAT_SYM are monotone in the input")
    func saturationIsMonotone() async {
        await propertyCheck(count: 1000, input: Generators.fixedType, Generators.exactValue,
                            Gen.uint64(in: .min ... .max), Gen.int(in: 0...63), Gen.bool) { type, a, step, shift, symmetric in
            let t = type.with(overflow: symmetric ? .satSym : .sat)
            // b = a + d with d >= 0, on the same binary point.
            let low = ExactValue(raw: a.raw >> 2, fractionBits: a.fractionBits)
            let high = ExactValue(raw: low.raw + Int128(step >> shift), fractionBits: a.fractionBits)
            #expect(t.quantize(low) <= t.quantize(high), "\(t): \(low) <= \(high)")
        }
    }

    /// Rounding by definition, independent of the implementation: `raw`
    /// (with `extra` fraction bits) to an integer under `mode`.
    static func referenceRound(_ raw: Int128, extra: Int, _ mode: QuantizationMode) -> Int128 {
        guard extra > 0 else { return raw }
        let half = Int128(1) << (extra - 1)
        func tiesDown(_ r: Int128) -> Int128 { (r + half - 1) >> extra }
        func tiesUp(_ r: Int128) -> Int128 { (r + half) >> extra }
        switch mode {
        case .trn: return raw >> extra
        case .trnZero: return raw >= 0 ? raw >> extra : -((-raw) >> extra)
        case .rnd: return tiesUp(raw)
        case .rndZero: return raw >= 0 ? tiesDown(raw) : -tiesDown(-raw)
        case .rndInf: return raw >= 0 ? tiesUp(raw) : -tiesUp(-raw)
        case .rndMinInf: return tiesDown(raw)
        case .rndConv:
            let q = tiesUp(raw)
            let isTie = (raw + half) & ((Int128(1) << extra) - 1) == 0
            return isTie && q & 1 == 1 ? q - 1 : q
        }
    }

    @Test("AP_WRAP (N = 0) is the rounded exact value modulo 2^W, for every Q")
    func wrapIsModular() async {
        await propertyCheck(count: 1000, input: Generators.fixedType, Generators.wideRaw, Gen.int(in: 0...24)) { type, wide, extra in
            let t = type.with(overflow: .wrap)
            guard t.saturationBits == 0 else { return }
            let raw = wide >> 8 // below 2^120: room for the rounding offset
            let rounded = Self.referenceRound(raw, extra: extra, t.quantization)
            let expected = t.rawFromBits(UInt64(truncatingIfNeeded: rounded) & t.bits(ofRaw: -1))
            let x = ExactValue(raw: raw, fractionBits: t.fractionBits + extra)
            #expect(t.quantize(x) == expected, "\(t) <- \(x)")
        }
    }

    @Test("Every mode rounds like the definition when nothing overflows")
    func roundingMatchesDefinition() async {
        await propertyCheck(count: 1000, input: Generators.fixedType, Gen.int64(in: .min ... .max),
                            Gen.int(in: 0...40), Gen.uint64(in: .min ... .max)) { type, bits, extra, fraction in
            let t = type.with(overflow: .sat)
            guard t.width >= 2 else { return } // room for min + 1 ... max - 1
            let base = Int128(min(max(t.rawCode(from: bits), t.minRaw + 1), t.maxRaw - 1))
            let raw = (base << extra) + Int128(fraction) % (Int128(1) << extra)
            let expected = Self.referenceRound(raw, extra: extra, t.quantization)
            #expect(Int128(t.quantize(ExactValue(raw: raw, fractionBits: t.fractionBits + extra))) == expected)
        }
    }

    @Test("quantize(Double) is quantize of the Double's exact value")
    func doubleMatchesExactValue() async {
        await propertyCheck(count: 1000, input: Generators.fixedType, Generators.finiteDouble) { t, d in
            #expect(t.quantize(d) == t.quantize(ExactValue(d)!), "\(t) <- \(d)")
        }
    }

    @Test("ExactValue(Double) is exact: its Double value is the same number")
    func exactValueOfDouble() async {
        await propertyCheck(count: 1000, input: Generators.finiteDouble) { d in
            let e = ExactValue(d)!
            if abs(d) < 0x1p1000 && (d == 0 || abs(d) > 0x1p-1000) {
                #expect(e.doubleValue == d)
            }
        }
        #expect(ExactValue(.nan) == nil)
        #expect(ExactValue(-.infinity) == nil)
    }

    @Test("quantize(raw:from:) is quantize of the source code's exact value, except for identical types")
    func rawFromSourceMatchesExactValue() async {
        await propertyCheck(count: 1000, input: Generators.fixedType, Generators.fixedType, Gen.int64(in: .min ... .max)) { t, s, bits in
            let raw = s.rawCode(from: bits)
            guard s != t else { return }
            #expect(t.quantize(raw: raw, from: s) == t.quantize(ExactValue(raw, of: s)), "\(t) <- \(s) raw \(raw)")
        }
    }

    @Test("The fast path quantize(_:fractionBits:) agrees with the exact path")
    func fastPathMatchesExactPath() async {
        await propertyCheck(count: 1000, input: Generators.fixedType, Gen.int64(in: .min ... .max),
                            Gen.int(in: 0...63), Gen.int(in: -40...40)) { t, bits, shift, offset in
            let raw = bits >> shift
            let f = t.fractionBits + offset
            #expect(t.quantize(raw, fractionBits: f) == t.quantize(ExactValue(raw: Int128(raw), fractionBits: f)),
                    "\(t) <- \(raw)*2^-\(f)")
        }
    }

    @Test("Raw codes survive the W-bit pattern round trip")
    func bitPatterns() async {
        await propertyCheck(count: 1000, input: Generators.fixedType, Gen.int64(in: .min ... .max)) { t, bits in
            let raw = t.rawCode(from: bits)
            #expect(t.rawFromBits(t.bits(ofRaw: raw)) == raw)
            #expect((t.bits(ofRaw: raw) >> (t.width - 1)) >> 1 == 0, "only W bits are used")
        }
    }
}

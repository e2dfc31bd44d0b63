import FixedPoint
import ModelIR
import Passes
import PropertyBased
import Testing

/// The integer split takes the float forest's branch on every code.
@Suite("Forest thresholds: exact integer splits")
struct ForestThresholdTests {
    /// Checks one split against the oracle on the codes `codes` of `type`.
    static func check(_ t: Double, _ d: ForestDecision, _ p: ThresholdPrecision, _ type: FixedType,
                      codes: some Sequence<Int64>) -> Int64? {
        let outcome = ForestThresholds.integerSplit(threshold: t, decision: d, precision: p, type: type)
        for k in codes {
            let integer: Bool
            switch outcome {
            case .alwaysLeft: integer = true
            case .alwaysRight: integer = false
            case .lessThan(let c):
                #expect(c > type.minRaw && c <= type.maxRaw, "threshold code \(c) outside \(type)")
                integer = k < c
            }
            if integer != Float32Oracle.goesLeft(k, type: type, threshold: t, decision: d, precision: p) { return k }
        }
        return nil
    }

    /// Thresholds at, just beside and between every value of `type`, and beyond its range.
    static func thresholds(for type: FixedType) -> [Double] {
        var out: [Double] = [0, -0.0, 1e30, -1e30, 0.1, -0.1, 1.0 / 3]
        for k in type.minRaw...type.maxRaw {
            let v = type.value(ofRaw: k), f = Float(v)
            out += [v, v + type.lsb / 2, v - type.lsb / 3, Double(f.nextUp), Double(f.nextDown)]
        }
        return out
    }

    static let smallTypes: [FixedType] = {
        var types: [FixedType] = []
        for w in 1...6 {
            for i in [-2, 0, w / 2, w, w + 3] {
                types.append(try! FixedType(signed: true, width: w, integerBits: i))
                types.append(try! FixedType(signed: false, width: w, integerBits: i))
            }
        }
        return types
    }()

    @Test("Every code of every small type takes the float forest's branch, for thresholds at, beside and between all its values",
          arguments: smallTypes)
    func exhaustiveSmallTypes(_ type: FixedType) {
        for t in Self.thresholds(for: type) {
            for d in [ForestDecision.lessThan, .lessOrEqual] {
                for p in [ThresholdPrecision.float32, .float64] {
                    let bad = Self.check(t, d, p, type, codes: type.minRaw...type.maxRaw)
                    #expect(bad == nil, "\(type) \(d) \(p) threshold \(t): code \(bad ?? 0) differs")
                }
            }
        }
    }

    @Test("Wider than float32's 24 bits: adjacent codes share a float, and the split follows float32's rounding, not the exact value")
    func float32RoundingDecides() {
        // ap_fixed<32,16>: LSB 2^-16; near 1000 a float32 has LSB 2^-14, so 4 codes per float.
        let type = FixedType.fixed(32, 16)
        let t = 1000.0 + pow2(-16)               // one code above 1000; float32(t) = 1000
        let outcome = ForestThresholds.integerSplit(threshold: t, decision: .lessThan, precision: .float32, type: type)
        // float32(x) < 1000: 1000 - 2^-16 rounds to 1000, and 1000 - 2^-15 is a tie that goes to the even 1000:
        // the first code below 1000 that goes left is 1000 - 3·2^-16, so three codes below t go right.
        let c = Int64(1000) << 16 - 2
        #expect(outcome == .lessThan(c))
        let exact = ForestThresholds.integerSplit(threshold: t, decision: .lessThan, precision: .float64, type: type)
        #expect(exact == .lessThan(Int64(1000) << 16 + 1))
        let bad = Self.check(t, .lessThan, .float32, type, codes: (c - 4096)...(c + 4096))
        #expect(bad == nil)
    }

    /// A wide random type, a threshold near one of its values and the codes around the split.
    static let wideCase = zip(Gen.bool, Gen.int(in: 8...64), Gen.int(in: -20...40), Gen.int64(in: .min ... .max),
                              Gen.int(in: 0...5), Gen.int(in: -3...3), Gen.bool)

    @Test("Property: on wide random types, the codes beside the integer threshold and random codes take the float branch")
    func wideTypes() async {
        await propertyCheck(count: 2000, input: Self.wideCase) { signed, w, offset, bits, shape, nudge, le in
            let width = signed ? w : min(w, 63)
            let type = try! FixedType(signed: signed, width: width, integerBits: min(max(width / 2 + offset, -64), 128))
            let k = signed ? bits >> (64 - width) : Int64(bitPattern: UInt64(bitPattern: bits) >> (64 - width))
            let v = Double(Float32Oracle.rounded(k, fractionBits: type.fractionBits))
            var t: Double
            switch shape {
            case 0: t = v
            case 1: t = Double(Float(v).nextUp)
            case 2: t = Double(Float(v).nextDown)
            case 3: t = v + Double(nudge) * type.lsb / 2
            case 4: t = type.value(ofRaw: k) + type.lsb / 2
            default: t = -v
            }
            if !t.isFinite { t = 0 }
            let d: ForestDecision = le ? .lessOrEqual : .lessThan
            let outcome = ForestThresholds.integerSplit(threshold: t, decision: d, precision: .float32, type: type)
            var codes: [Int64] = [type.minRaw, type.maxRaw, k]
            if case .lessThan(let c) = outcome { codes += [c - 1, c, c &+ 1, c &- 2].filter { $0 >= type.minRaw && $0 <= type.maxRaw } }
            let bad = Self.check(t, d, .float32, type, codes: codes)
            #expect(bad == nil, "\(type) \(d) threshold \(t): code \(bad ?? 0) differs")
        }
    }

    @Test("float32 rounding of a code agrees with the independent integer rounding, subnormals and overflow included")
    func float32OfCodes() async {
        for (k, f) in [(Int64(1), 149), (1, 150), (3, 150), (1, 151), (Int64.max, -64), (Int64.min, -64), (0x7FFF_FF80_0000_0000, -64),
                       ((1 << 53) + 1, 0), ((1 << 24) + 1, 0), ((1 << 24) + 3, 0)] {
            #expect(Double(ForestThresholds.float32(raw: k, fractionBits: f)) == Float32Oracle.rounded(k, fractionBits: f), "\(k)·2^-\(f)")
        }
        await propertyCheck(count: 3000, input: zip(Gen.int64(in: .min ... .max), Gen.int(in: 0...63), Gen.int(in: -64...128))) { bits, s, f in
            let k = bits >> s
            #expect(Double(ForestThresholds.float32(raw: k, fractionBits: f)) == Float32Oracle.rounded(k, fractionBits: f), "\(k)·2^-\(f)")
        }
    }
}

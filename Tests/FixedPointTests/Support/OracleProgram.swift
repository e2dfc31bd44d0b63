import FixedPoint
import PropertyBased

/// A deterministic stream of choices for the oracle. Ranges are mapped with
/// a plain modulo on `Xoshiro.next()` so that the program text depends only on
/// the seed, not on the standard library's `random(in:)` algorithm.
struct OracleRandom {
    var rng: Xoshiro

    init(seed: UInt64) {
        rng = Xoshiro(seed: (seed, 0x9E37_79B9_7F4A_7C15, 0xBF58_476D_1CE4_E5B9, 0x94D0_49BB_1331_11EB))
    }

    mutating func bits() -> UInt64 { rng.next() }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(bits() % span)
    }

    /// True with probability `percent`/100.
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
}

/// A source type of a fixed-to-fixed conversion. Widths above 64 stand for
/// the full-width products and sums that HLS code assigns to declared types;
/// they have no ``FixedType`` and are checked through ``ExactValue``.
struct OracleSourceType: CustomStringConvertible {
    var isSigned: Bool
    var width: Int
    var integerBits: Int
    /// Set when the source has modes of its own (hand cases): the C++ type
    /// is then spelled with them, which matters only when it equals the
    /// target (a plain copy).
    var declared: FixedType? = nil
    var fractionBits: Int { width - integerBits }

    init(isSigned: Bool, width: Int, integerBits: Int) {
        self.isSigned = isSigned
        self.width = width
        self.integerBits = integerBits
    }

    init(_ type: FixedType) {
        self.init(isSigned: type.isSigned, width: type.width, integerBits: type.integerBits)
        declared = type
    }

    /// The same type as a ``FixedType`` when it fits one.
    var fixedType: FixedType? {
        declared ?? (try? FixedType(signed: isSigned, width: width, integerBits: integerBits))
    }

    var description: String {
        declared.map(cppTypeName) ?? "\(isSigned ? "ap_fixed" : "ap_ufixed")<\(width),\(integerBits)>"
    }

    /// The value of a `width`-bit pattern (held in the low bits of `bits`).
    func value(ofBits bits: UInt128) -> Int128 {
        let shift = 128 - width
        let aligned = bits << shift
        return isSigned ? Int128(bitPattern: aligned) >> shift : Int128(bitPattern: aligned >> shift)
    }
}

/// One conversion the oracle program performs.
struct OracleConversion {
    enum Input {
        case double(Double)
        /// A raw code of `source`, as its exact value `raw * 2^-F`.
        case fixed(raw: Int128, source: OracleSourceType)
    }
    var target: FixedType
    var input: Input
    /// The hand-worked expectation, for conversions taken from a ``HandCase``.
    var handCase: HandCase?

    /// What ``FixedType/quantize(_:)`` says, through the entry point the
    /// rest of the compiler uses for this kind of input.
    var swiftRaw: Int64 {
        switch input {
        case let .double(d):
            return target.quantize(d)
        case let .fixed(raw, source):
            if let type = source.fixedType {
                return target.quantize(raw: Int64(raw), from: type)
            }
            return target.quantize(ExactValue(raw: raw, fractionBits: source.fractionBits))
        }
    }

    var inputDescription: String {
        switch input {
        case let .double(d): return "double \(hexFloatLiteral(d)) (\(d))"
        case let .fixed(raw, source): return "\(source) raw \(raw)"
        }
    }
}

/// The Vitis spelling with every parameter written out, so that C++ sees
/// exactly the modes the Swift side uses.
func cppTypeName(_ t: FixedType) -> String {
    "\(t.isSigned ? "ap_fixed" : "ap_ufixed")<\(t.width),\(t.integerBits),\(t.quantization.rawValue),\(t.overflow.rawValue),\(t.saturationBits)>"
}

/// A C99 hexadecimal floating literal (`%a` style) built from the bit
/// pattern, so the C++ compiler reads back exactly this Double.
func hexFloatLiteral(_ d: Double) -> String {
    precondition(d.isFinite, "the oracle passes finite doubles only")
    let sign = d.sign == .minus ? "-" : ""
    if d == 0 { return sign + "0x0p+0" }
    let hex = String(d.significandBitPattern, radix: 16)
    let digits = String(repeating: "0", count: 13 - hex.count) + hex
    if d.isSubnormal { return "\(sign)0x0.\(digits)p-1022" }
    let e = Int(d.exponentBitPattern) - 1023
    return "\(sign)0x1.\(digits)p\(e < 0 ? "-" : "+")\(abs(e))"
}

/// The deterministic set of conversions, grouped so that each C++
/// instantiation (one per target type, one per target/source pair) converts
/// many values.
struct OracleSuite {
    struct Group {
        var target: FixedType
        var doubles: [(value: Double, hand: HandCase?)] = []
        var source: OracleSourceType? = nil
        var sourceRaws: [(raw: Int128, hand: HandCase?)] = []
    }

    var groups: [Group] = []

    /// Every quantization mode x every overflow mode, N in {0, 1, 2} for the
    /// wrap modes, `typesPerModeSet` random formats each. `handCases` are
    /// converted too, grouped by target (and source) type.
    init(seed: UInt64, typesPerModeSet: Int, valuesPerConversion: Int, handCases: [HandCase]) {
        var random = OracleRandom(seed: seed)
        // The first format of every mode set has an extreme width, cycling
        // so that each overflow mode meets W = 1, 2, 3, 62, 63 and 64.
        let extremeWidths = [1, 64, 2, 63, 3, 62]
        for (qIndex, q) in QuantizationMode.allCases.enumerated() {
            for o in OverflowMode.allCases {
                let ns = (o == .wrap || o == .wrapSM) ? [0, 1, 2] : [0]
                for n in ns {
                    for index in 0..<typesPerModeSet {
                        let width = index == 0 ? extremeWidths[(qIndex + n) % extremeWidths.count] : nil
                        let target = Self.randomTarget(&random, q, o, n, width: width)
                        let source = Self.randomSource(&random, for: target)
                        groups.append(Group(
                            target: target,
                            doubles: (0..<valuesPerConversion).map { _ in (Self.randomDouble(&random, near: target), nil) },
                            source: source,
                            sourceRaws: (0..<valuesPerConversion).map { _ in
                                (Self.randomSourceRaw(&random, source, near: target), nil)
                            }))
                    }
                }
            }
        }
        for c in handCases {
            let source = c.source.map(OracleSourceType.init)
            let index = groups.firstIndex { $0.target == c.type && $0.source?.description == source?.description
                && $0.doubles.allSatisfy { $0.hand != nil } }
            var group = index.map { groups[$0] } ?? Group(target: c.type, source: source)
            if let raw = c.sourceRaw {
                group.sourceRaws.append((Int128(raw), c))
            } else {
                group.doubles.append((c.input, c))
            }
            if let index { groups[index] = group } else { groups.append(group) }
        }
    }

    /// The conversions in the order the generated programs print them.
    func conversions(part: Int, of parts: Int) -> [OracleConversion] {
        groups(part: part, of: parts).flatMap { g in
            g.doubles.map { OracleConversion(target: g.target, input: .double($0.value), handCase: $0.hand) }
                + g.sourceRaws.map { OracleConversion(target: g.target, input: .fixed(raw: $0.raw, source: g.source!), handCase: $0.hand) }
        }
    }

    func groups(part: Int, of parts: Int) -> [Group] {
        groups.indices.filter { $0 % parts == part }.map { groups[$0] }
    }

    /// A C++ program converting every value of one part and printing each
    /// result's raw bits in hex, one per line.
    func program(part: Int, of parts: Int) -> String {
        var text = """
            // Generated by FixedPointTests (APFixedOracleTests): conversions through the real ap_types headers.
            #include <ap_fixed.h>
            #include <cstdio>

            template <class T> static void put(const T& t) {
              std::printf("%llx\\n", (unsigned long long)t.V.to_uint64());
            }
            template <class T> static void fromDoubles(const double* xs, int n) {
              for (int i = 0; i < n; ++i) { T t = xs[i]; put(t); }
            }
            // Each source value is given as its raw bits (low word, high word).
            template <class T, class S, int WS> static void fromBits(const unsigned long long* v, int n) {
              for (int i = 0; i < n; ++i) {
                S s;
                if (WS <= 64) {
                  s.range(WS - 1, 0) = v[2 * i];
                } else {
                  s.range(63, 0) = v[2 * i];
                  s.range(WS - 1, 64) = v[2 * i + 1];
                }
                T t = s;
                put(t);
              }
            }

            int main() {

            """
        for g in groups(part: part, of: parts) {
            let t = cppTypeName(g.target)
            if !g.doubles.isEmpty {
                text += "  { static const double x[] = {\(g.doubles.map { hexFloatLiteral($0.value) }.joined(separator: ", "))};\n"
                text += "    fromDoubles<\(t) >(x, \(g.doubles.count)); }\n"
            }
            guard let source = g.source, !g.sourceRaws.isEmpty else { continue }
            let words = g.sourceRaws.map { raw -> String in
                let bits = UInt128(bitPattern: raw.raw)
                return "0x\(String(UInt64(truncatingIfNeeded: bits), radix: 16))ULL, 0x\(String(UInt64(truncatingIfNeeded: bits >> 64), radix: 16))ULL"
            }.joined(separator: ", ")
            text += "  { static const unsigned long long v[] = {\(words)};\n"
            text += "    fromBits<\(t), \(source), \(source.width)>(v, \(g.sourceRaws.count)); }\n"
        }
        text += "  return 0;\n}\n"
        return text
    }

    // MARK: Random formats and values

    static func randomTarget(_ r: inout OracleRandom, _ q: QuantizationMode, _ o: OverflowMode, _ n: Int,
                             width: Int?) -> FixedType {
        while true {
            // The headers exit(1) on constructing ap_ufixed<..., AP_WRAP_SM>.
            let signed = o == .wrapSM || width == 64 || r.chance(75)
            let w = min(max(width ?? r.int(1...64), n), signed ? 64 : 63)
            let i: Int
            switch r.int(0...9) {
            case 0: i = r.int(-40...(-7))
            case 1: i = r.int((w + 7)...(w + 40))
            default: i = r.int(-6...(w + 6))
            }
            if let t = try? FixedType(signed: signed, width: w, integerBits: i,
                                      quantization: q, overflow: o, saturationBits: n) {
                return t
            }
        }
    }

    static func randomSource(_ r: inout OracleRandom, for target: FixedType) -> OracleSourceType {
        // The same format with default modes: a conversion, not a copy,
        // unless the target has default modes too.
        if r.chance(10) {
            return OracleSourceType(isSigned: target.isSigned, width: target.width, integerBits: target.integerBits)
        }
        while true {
            let signed = r.chance(80)
            let wide = r.chance(15)
            let w = wide ? r.int(65...120) : r.int(1...(signed ? 64 : 63))
            // Extra fraction bits over the target: mostly some (rounding
            // happens), sometimes fewer (a left shift, no rounding). The
            // headers read bit F2-F-1 of the source unconditionally, which
            // asserts past its MSB, so F2-F stays within the source width.
            let extra = r.chance(80) ? r.int(0...min(w, 24)) : r.int(-10...(-1))
            let source = OracleSourceType(isSigned: signed, width: w,
                                          integerBits: w - (target.fractionBits + extra))
            if wide || source.fixedType != nil { return source }
        }
    }

    /// An integer number of target LSBs that sits on or next to a boundary.
    static func interestingUnits(_ r: inout OracleRandom, _ t: FixedType) -> Int128 {
        let maxR = Int128(t.maxRaw), minR = Int128(t.minRaw)
        let twoW = Int128(1) << t.width
        switch r.int(0...13) {
        case 0: return 0
        case 1: return r.pick([1, -1, 2, -2])
        case 2: return maxR
        case 3: return maxR + 1
        case 4: return minR
        case 5: return minR - 1
        case 6: return minR + 1
        case 7: return r.pick([twoW, -twoW, twoW - 1, -twoW + 1, twoW + 1])
        case 8: return maxR - Int128(r.int(0...3))
        case 9, 10:
            // Anywhere in range.
            let span = UInt128(maxR - minR) + 1
            return minR + Int128(UInt128(r.bits()) % span)
        default:
            // Overflowing by a random number of bits, either sign.
            let magnitude = (Int128(r.bits() >> 1) >> r.int(0...62)) << r.int(0...20)
            let big = (Int128(1) << t.width) + magnitude
            return r.chance(50) ? big : -big
        }
    }

    /// A fraction of `extra` bits below the target LSB: 0, a tie, one unit
    /// either side of a tie, one unit above an integer or below the next.
    static func interestingFraction(_ r: inout OracleRandom, extra: Int) -> Int128 {
        guard extra > 0 else { return 0 }
        let one = Int128(1) << extra
        let half = one >> 1
        switch r.int(0...7) {
        case 0: return 0
        case 1, 2: return half
        case 3: return half + 1
        case 4: return half - 1
        case 5: return 1
        case 6: return one - 1
        default: return Int128(UInt128(r.bits()) % UInt128(one))
        }
    }

    static func randomDouble(_ r: inout OracleRandom, near t: FixedType) -> Double {
        if r.chance(8) {
            return r.pick([0.0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, Double.leastNormalMagnitude.nextDown, -Double.leastNormalMagnitude.nextDown,
                           1e300, -1e300, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1.0, -1.0, 0.5, -0.5])
        }
        if r.chance(15) {
            // A random double at a random scale.
            let m = Double(r.bits() >> 11) * pow2(-53)
            let d = m * pow2(r.int((-t.fractionBits - 8)...(t.integerBits + 8)))
            return r.chance(50) ? d : -d
        }
        // On or next to the target grid; ties stay exact while they fit the
        // 53-bit significand (W up to ~50), and round to a nearby double beyond.
        let extra = r.pick([0, 1, 1, 2, 3, 5, 10, 30])
        let units = interestingUnits(&r, t)
        let scaled = (units << extra) + interestingFraction(&r, extra: extra)
        return Double(scaled) * pow2(-(t.fractionBits + extra))
    }

    static func randomSourceRaw(_ r: inout OracleRandom, _ s: OracleSourceType, near t: FixedType) -> Int128 {
        let extra = s.fractionBits - t.fractionBits
        let raw: Int128
        if r.chance(15) {
            raw = Int128(bitPattern: UInt128(r.bits()) << 64 | UInt128(r.bits()))
        } else if extra >= 0 {
            raw = (interestingUnits(&r, t) << extra) + interestingFraction(&r, extra: extra)
        } else {
            raw = (interestingUnits(&r, t) >> -extra) + Int128(r.int(-1...1))
        }
        // Keep the low W bits: out-of-range picks wrap to some other source value.
        return s.value(ofBits: UInt128(bitPattern: raw))
    }
}

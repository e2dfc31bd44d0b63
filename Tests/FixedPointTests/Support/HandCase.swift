import FixedPoint
import Testing

/// One conversion worked out by hand: `input` assigned to `type` must give
/// the raw code `expected`; `arithmetic` shows why. The oracle test also
/// feeds every hand case through the real ap_types headers.
struct HandCase: Sendable, CustomTestStringConvertible {
    var type: FixedType
    /// The input value (exact as a Double).
    var input: Double
    var expected: Int64
    var arithmetic: String
    /// For fixed-to-fixed cases: the input as a raw code of `source`.
    var source: FixedType? = nil
    var sourceRaw: Int64? = nil

    init(type: FixedType, input: Double, expected: Int64, arithmetic: String) {
        self.type = type
        self.input = input
        self.expected = expected
        self.arithmetic = arithmetic
    }

    /// A fixed-to-fixed case: raw code `raw` of `source` assigned to `type`.
    init(type: FixedType, raw: Int64, of source: FixedType, expected: Int64, arithmetic: String) {
        self.init(type: type, input: source.value(ofRaw: raw), expected: expected, arithmetic: arithmetic)
        self.source = source
        self.sourceRaw = raw
    }

    var testDescription: String {
        if let source, let sourceRaw { return "\(type) <- \(source) raw \(sourceRaw): \(expected)" }
        return "\(type) <- \(input): \(expected)"
    }
}

/// `ap_fixed<W,I,Q,O,N>` (or `ap_ufixed` when `signed` is false) for tests.
func fx(_ w: Int, _ i: Int, _ q: QuantizationMode = .trn, _ o: OverflowMode = .wrap,
        n: Int = 0, signed: Bool = true) -> FixedType {
    try! FixedType(signed: signed, width: w, integerBits: i, quantization: q, overflow: o, saturationBits: n)
}

/// `ap_ufixed<W,I,Q,O,N>` for tests.
func ufx(_ w: Int, _ i: Int, _ q: QuantizationMode = .trn, _ o: OverflowMode = .wrap, n: Int = 0) -> FixedType {
    fx(w, i, q, o, n: n, signed: false)
}

extension HandCase {
    /// Checks the case through every entry point that should agree: the
    /// Double conversion, the exact value, and (when the input fits) a raw
    /// code of a wide fixed source with 32 fraction bits.
    func check(sourceLocation: SourceLocation = #_sourceLocation) {
        if let source, let sourceRaw {
            #expect(type.quantize(raw: sourceRaw, from: source) == expected, "\(arithmetic)", sourceLocation: sourceLocation)
            return
        }
        #expect(type.quantize(input) == expected, "\(arithmetic)", sourceLocation: sourceLocation)
        let exact = ExactValue(input)!
        #expect(type.quantize(exact) == expected, "ExactValue path: \(arithmetic)", sourceLocation: sourceLocation)
        let source = fx(64, 32)
        let scaled = input * pow2(32)
        if abs(input) < pow2(30), scaled.rounded() == scaled {
            #expect(type.quantize(raw: Int64(scaled), from: source) == expected,
                    "from \(source): \(arithmetic)", sourceLocation: sourceLocation)
        }
    }
}

import FixedPoint
import PropertyBased
import Testing

@Suite("Parsing and printing fixed-point types")
struct FixedTypeParsingTests {
    @Test("Printing then parsing gives back the same type, for random valid types")
    func roundTrip() async {
        await propertyCheck(count: 500, input: Generators.fixedType) { t throws in
            #expect(try FixedType(parsing: t.description) == t, "\(t)")
            #expect(try FixedType(parsing: cppTypeName(t)) == t, "all five parameters: \(cppTypeName(t))")
        }
    }

    @Test("The printed form omits trailing default parameters")
    func printing() {
        #expect(fx(16, 6).description == "ap_fixed<16,6>")
        #expect(fx(16, 6, .rnd).description == "ap_fixed<16,6,AP_RND>")
        #expect(ufx(8, 0, .rnd, .sat).description == "ap_ufixed<8,0,AP_RND,AP_SAT>")
        #expect(fx(8, 3, .trn, .wrap, n: 2).description == "ap_fixed<8,3,AP_TRN,AP_WRAP,2>")
        #expect(fx(8, -3).description == "ap_fixed<8,-3>")
    }

    @Test("Accepted spellings: white space, short and lower-case mode names, ap_int/ap_uint")
    func lenientSpellings() throws {
        #expect(try FixedType(parsing: " ap_fixed < 16 , 6 , RND , sat > ") == fx(16, 6, .rnd, .sat))
        #expect(try FixedType(parsing: "ap_ufixed<8,0,ap_rnd_conv,AP_SAT_SYM>") == ufx(8, 0, .rndConv, .satSym))
        #expect(try FixedType(parsing: "ap_int<8>") == fx(8, 8))
        #expect(try FixedType(parsing: "ap_uint<12>") == ufx(12, 12))
        #expect(try FixedType(parsing: "ap_fixed<1,1>") == fx(1, 1))
        #expect(try FixedType(parsing: "ap_fixed<64,70>") == fx(64, 70))
        #expect(try FixedType(parsing: "ap_ufixed<63,1>") == ufx(63, 1))
    }

    static let malformed: [(String, FixedTypeError)] = [
        ("ap_fixed<0,0>", .widthTooSmall(0)),
        ("ap_fixed<-3,1>", .widthTooSmall(-3)),
        ("ap_int<0>", .widthTooSmall(0)),
        ("ap_fixed<65,1>", .widthTooLarge(65)),
        ("ap_ufixed<64,1>", .widthTooLarge(64)),
        ("ap_uint<64>", .widthTooLarge(64)),
        ("ap_fixed<8,200>", .integerBitsOutOfRange(200, width: 8)),
        ("ap_fixed<8,-65>", .integerBitsOutOfRange(-65, width: 8)),
        ("ap_fixed<8,3,AP_TRN,AP_WRAP,9>", .saturationBitsOutOfRange(9, width: 8)),
        ("ap_fixed<8,3,AP_TRN,AP_WRAP,-1>", .saturationBitsOutOfRange(-1, width: 8)),
        ("ap_fixed<8,3,AP_ROUND>", .unknownQuantization("AP_ROUND")),
        ("ap_fixed<8,3,AP_SAT>", .unknownQuantization("AP_SAT")),
        ("ap_fixed<8,3,AP_RND,AP_CLAMP>", .unknownOverflow("AP_CLAMP")),
        ("ap_fixed<8,3,AP_RND,AP_RND>", .unknownOverflow("AP_RND")),
    ]

    @Test("Impossible types are rejected with the offending parameter", arguments: malformed)
    func rejectsImpossible(_ text: String, _ error: FixedTypeError) {
        #expect(throws: error) { try FixedType(parsing: text) }
        #expect(!error.description.isEmpty)
    }

    static let garbage = [
        "", "garbage", "ap_fixed", "ap_fixed<>", "ap_fixed<8>", "ap_fixed<8,3", "ap_fixed 8,3>",
        "ap_fixed<8,3,AP_RND,AP_SAT,1,2>", "ap_int<8,3>", "ap_uint<>", "float<8,3>", "ap_fixed<a,3>",
        "ap_fixed<8,,3>", "ap_fixed<8,3,>", "ap_fixed<8.5,3>", "ap_fixed<8,3,AP_TRN,AP_WRAP,x>",
    ]

    @Test("Wrong arity and garbage are syntax errors that quote the text", arguments: garbage)
    func rejectsGarbage(_ text: String) {
        do {
            _ = try FixedType(parsing: text)
            Issue.record("'\(text)' parsed")
        } catch {
            guard case let .syntax(quoted, reason) = error else {
                Issue.record("'\(text)': expected a syntax error, got \(error)")
                return
            }
            #expect(quoted == text)
            #expect(!reason.isEmpty)
            #expect(error.description.contains("ap_fixed<16,6>"), "the message shows an example")
        }
    }

    @Test("Raw code ranges at the extreme widths")
    func ranges() {
        #expect((fx(1, 1).minRaw, fx(1, 1).maxRaw) == (-1, 0))
        #expect((ufx(1, 1).minRaw, ufx(1, 1).maxRaw) == (0, 1))
        #expect((fx(64, 0).minRaw, fx(64, 0).maxRaw) == (.min, .max))
        // Regression: 2^63 - 1 for unsigned W = 63 was computed as (1 << 63) - 1, which traps.
        #expect((ufx(63, 0).minRaw, ufx(63, 0).maxRaw) == (0, .max))
        #expect(fx(8, 3).lsb == 0.03125)
        #expect(fx(8, 3).maxValue == 3.96875)
        #expect(fx(8, 3).minValue == -4)
    }

    @Test("Error messages name the offending value")
    func messages() {
        #expect(FixedTypeError.widthTooLarge(65).description.contains("W=65"))
        #expect(FixedTypeError.saturationBitsOutOfRange(9, width: 8).description.contains("N=9"))
        #expect(FixedTypeError.unknownOverflow("AP_CLAMP").description.contains("AP_SAT_SYM"))
        #expect(FixedTypeError.unknownQuantization("AP_ROUND").description.contains("AP_RND_CONV"))
    }
}

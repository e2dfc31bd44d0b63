import Testing
@testable import VerilogBackend
import NetlistIR

/// Canonical signed-digit decomposition of the constant weights.
@Suite struct CSDTests {
    static func value(_ digits: [(exponent: Int, negative: Bool)]) -> Int128 {
        digits.reduce(0) { $0 + ($1.negative ? -1 : 1) * (Int128(1) << $1.exponent) }
    }

    @Test func digitsSumToTheConstantWithNoTwoAdjacent() {
        for c in Int128(-5000)...5000 {
            let d = SignedDigits.csd(c)
            #expect(Self.value(d) == c)
            for (a, b) in zip(d, d.dropFirst()) { #expect(b.exponent - a.exponent >= 2) }
        }
    }

    @Test func digitCountIsMinimal() {
        // The non-adjacent form has the fewest nonzero digits; compare with a
        // brute-force minimum over signed-digit forms for small constants.
        var best = [Int128: Int]()
        best[0] = 0
        best[1] = 1
        best[-1] = 1
        // Dynamic programme: minimal digits of c = min over last digit choices.
        func minimal(_ c: Int128) -> Int {
            if let b = best[c] { return b }
            let r: Int
            if c & 1 == 0 { r = minimal(c >> 1) } else { r = 1 + min(minimal((c - 1) >> 1), minimal((c + 1) >> 1)) }
            best[c] = r
            return r
        }
        for c in Int128(-2048)...2048 { #expect(SignedDigits.csd(c).count == minimal(c)) }
    }

    @Test func powersOfTwoAreASingleDigit() {
        for k in 0..<40 {
            #expect(SignedDigits.csd(Int128(1) << k).map(\.exponent) == [k])
            #expect(SignedDigits.csd(-(Int128(1) << k)).map(\.negative) == [true])
        }
        #expect(SignedDigits.csd(0).isEmpty)
        #expect(SignedDigits.csd(7).count == 2)   // 8 - 1
        #expect(SignedDigits.csd(-93).count == 4)
    }
}

import Testing
import ModelZoo
import NetlistIR
@testable import NetlistLowering
@testable import VerilogBackend

/// The digit-pair sharing of constant matrix products, on its own: it must
/// keep every output's value exactly and remove adders.
@Suite struct SubexpressionSharingTests {
    typealias Term = SubexpressionSharing.Term

    /// Rows of CSD digit terms for a matrix of constants (`weights[output][input]`).
    static func rows(_ weights: [[Int128]], shift: Int = 0) -> [[Term]] {
        weights.map { row in
            row.enumerated().flatMap { i, w in
                SignedDigits.csd(w).map { Term(source: i, exponent: $0.exponent + shift, negative: $0.negative) }
            }
        }
    }

    /// `count` seeded integers in `-2^(bits-1) ..< 2^(bits-1)`.
    static func randomIntegers(_ count: Int, bits: Int, rng: inout ModelZoo.Random) -> [Int128] {
        (0..<count).map { _ in Int128(rng.next() % (UInt64(1) << bits)) - (Int128(1) << (bits - 1)) }
    }

    static func randomMatrix(outputs: Int, inputs: Int, bits: Int, seed: UInt64) -> [[Int128]] {
        var rng = ModelZoo.Random(seed: seed)
        return (0..<outputs).map { _ in randomIntegers(inputs, bits: bits, rng: &rng) }
    }

    /// `weights · x`, each product scaled by `2^shift`: what the rows must still compute.
    static func product(_ weights: [[Int128]], _ x: [Int128], shift: Int = 0) -> [Int128] {
        weights.map { row in zip(row, x).reduce(Int128(0)) { $0 + (($1.0 * $1.1) << shift) } }
    }

    @Test(arguments: [(8, 4, 6), (16, 64, 10), (32, 5, 10), (3, 3, 16)])
    func everyOutputKeepsItsExactValue(inputs: Int, outputs: Int, bits: Int) {
        let weights = Self.randomMatrix(outputs: outputs, inputs: inputs, bits: bits, seed: UInt64(inputs * 1000 + outputs))
        let before = Self.rows(weights, shift: 2)
        let shared = SubexpressionSharing.share(rows: before, sources: inputs)
        var rng = ModelZoo.Random(seed: 7)
        for _ in 0..<50 {
            let x = Self.randomIntegers(inputs, bits: 18, rng: &rng)
            let expected = Self.product(weights, x, shift: 2)
            #expect(SubexpressionSharing.evaluate(before, pairs: [], inputs: x) == expected)
            #expect(SubexpressionSharing.evaluate(shared.rows, pairs: shared.pairs, inputs: x) == expected)
        }
    }

    /// The 16x64 layer of a jet tagger with 10-bit weights: each output has
    /// about 53 digits; sharing must save a large part of the 3,300 adders.
    @Test func aTaggerSizedLayerNeedsFarFewerAdders() {
        let weights = Self.randomMatrix(outputs: 64, inputs: 16, bits: 10, seed: 11)
        let before = Self.rows(weights)
        let plain = SubexpressionSharing.adders(.init(pairs: [], rows: before))
        let shared = SubexpressionSharing.share(rows: before, sources: 16)
        let after = SubexpressionSharing.adders(shared)
        #expect(plain > 3000)
        #expect(Double(after) < 0.6 * Double(plain), "\(plain) -> \(after) adders")
        // No dead adders: every shared pair is read by an output or by a later pair.
        for k in shared.pairs.indices {
            let users = shared.rows.filter { $0.contains { $0.source == 16 + k } }.count
                + shared.pairs.filter { $0.first == 16 + k || $0.second == 16 + k }.count
            #expect(users >= 1, "pair \(k) is never read")
        }
        #expect(shared.pairs.allSatisfy { $0.shift > 0 || ($0.shift == 0 && $0.first < $0.second) })
    }

    /// By hand: y0 = x0 + 2 x1, y1 = 4 x0 + 8 x1 + x2, y2 = x0 - 2 x1.
    /// `x0 + (x1 << 1)` occurs in y0 and (shifted by 2) in y1: shared once.
    @Test func aPairCommonToTwoOutputsBecomesOneSource() {
        let rows: [[Term]] = [
            [Term(source: 0, exponent: 0, negative: false), Term(source: 1, exponent: 1, negative: false)],
            [Term(source: 0, exponent: 2, negative: false), Term(source: 1, exponent: 3, negative: false),
             Term(source: 2, exponent: 0, negative: false)],
            [Term(source: 0, exponent: 0, negative: false), Term(source: 1, exponent: 1, negative: true)],
        ]
        let r = SubexpressionSharing.share(rows: rows, sources: 3)
        #expect(r.pairs == [SubexpressionSharing.Pair(first: 0, second: 1, shift: 1, subtract: false)])
        #expect(r.rows[0] == [Term(source: 3, exponent: 0, negative: false)])
        #expect(r.rows[1] == [Term(source: 2, exponent: 0, negative: false), Term(source: 3, exponent: 2, negative: false)])
        #expect(r.rows[2] == rows[2])
        #expect(SubexpressionSharing.adders(r) == 3)  // c = x0 + 2 x1, y1 = x2 + 4c, y2 = x0 - 2 x1
    }

    @Test func theResultDoesNotDependOnHashOrder() {
        let rows = Self.rows(Self.randomMatrix(outputs: 20, inputs: 12, bits: 9, seed: 5))
        let a = SubexpressionSharing.share(rows: rows, sources: 12)
        let b = SubexpressionSharing.share(rows: rows, sources: 12)
        #expect(a.pairs == b.pairs)
        #expect(a.rows == b.rows)
    }

    @Test func aLayerOverTheKeyBudgetIsLeftAsItIs() {
        let rows = Self.rows(Self.randomMatrix(outputs: 8, inputs: 8, bits: 8, seed: 3))
        let r = SubexpressionSharing.share(rows: rows, sources: 8, keyBudget: 10)
        #expect(r.pairs.isEmpty)
        #expect(r.rows == rows)
    }
}


extension SubexpressionSharingTests {
    @Test(arguments: [1, 2, 3])
    func noSharedSourceIsDeeperThanTheLimit(maxDepth: Int) {
        let weights = Self.randomMatrix(outputs: 32, inputs: 16, bits: 10, seed: 13)
        let r = SubexpressionSharing.share(rows: Self.rows(weights), sources: 16, maxDepth: maxDepth)
        var depth = Array(repeating: 0, count: 16)
        for p in r.pairs { depth.append(max(depth[p.first], depth[p.second]) + 1) }
        #expect(depth.max() == maxDepth)
        var rng = ModelZoo.Random(seed: 3)
        let x = Self.randomIntegers(16, bits: 10, rng: &rng)
        #expect(SubexpressionSharing.evaluate(r.rows, pairs: r.pairs, inputs: x) == Self.product(weights, x))
    }
}

/// Sharing in the emitted design: fewer adders, the same pipeline.
@Suite struct SharingInTheDesignTests {
    @Test func theZooTaggerNeedsFewerAddersAtTheSameLatency() throws {
        let model = try RTLTest.lower(ModelZoo.tagger())
        // Binary adders in both: ternary merges depend on the tree shapes.
        let shared = try VerilogEmitter.emit(model, options: VerilogOptions(ternaryAdders: .off))
        let plain = try VerilogEmitter.emit(model, options: VerilogOptions(shareSubexpressions: false, ternaryAdders: .off))
        let adders = { (d: VerilogDesign) in d.modules.reduce(0) { $0 + $1.adders } }
        #expect(Double(adders(shared)) < 0.75 * Double(adders(plain)), "\(adders(plain)) -> \(adders(shared))")
        #expect(shared.latency == plain.latency)
        #expect(shared.modules.map(\.cycles) == plain.modules.map(\.cycles))
    }
}

/// The search itself: adder bits as the cost, the same result every run,
/// exact values on wide layers.
@Suite struct SharingSearchTests {
    typealias Term = SubexpressionSharing.Term
    typealias Pair = SubexpressionSharing.Pair

    static func term(_ source: Int, _ exponent: Int, negative: Bool = false) -> Term {
        Term(source: source, exponent: exponent, negative: negative)
    }

    /// 16-bit inputs, 32-bit output adders. `x0 + (x1 << 6)` (y0, y1) and
    /// `x0 + x2` (y1, y2) both occur twice and share y1's `x0`, so only one
    /// can be taken there. Each saves two 32-bit output adders, but the
    /// first costs a 23-bit adder and the second a 17-bit one: the second
    /// is shared, although a count with ties to the smallest pair would
    /// take the first.
    @Test func theCostIsAdderBitsNotAdders() {
        let rows: [[Term]] = [
            [Self.term(0, 0), Self.term(1, 6)],
            [Self.term(0, 0), Self.term(1, 6), Self.term(2, 0)],
            [Self.term(0, 0), Self.term(2, 0)],
        ]
        let r = SubexpressionSharing.share(rows: rows, sources: 3, inputRange: .signedWord(16), outputAdderWidth: 32)
        #expect(r.pairs == [Pair(first: 0, second: 2, shift: 0, subtract: false)])
        #expect(r.rows == [rows[0], [Self.term(3, 0), Self.term(1, 6)], [Self.term(3, 0)]])
    }

    /// `x0 + (x1 << 20)` is the most frequent pair (the only one), but its
    /// 37-bit adder costs more than the two 16-bit output adders it saves.
    @Test func aPairWiderThanTheAddersItSavesIsNotShared() {
        let rows: [[Term]] = Array(repeating: [Self.term(0, 0), Self.term(1, 20)], count: 2)
        #expect(SubexpressionSharing.share(rows: rows, sources: 2, inputRange: .signedWord(16), outputAdderWidth: 16).pairs.isEmpty)
        #expect(SubexpressionSharing.share(rows: rows, sources: 2, inputRange: .signedWord(16), outputAdderWidth: 32).pairs
                == [Pair(first: 0, second: 1, shift: 20, subtract: false)])
    }

    @Test func aRandom64By64LayerSharesTheSameWayTwice() {
        let weights = SubexpressionSharingTests.randomMatrix(outputs: 64, inputs: 64, bits: 12, seed: 64)
        let rows = SubexpressionSharingTests.rows(weights, shift: 1)
        let a = SubexpressionSharing.share(rows: rows, sources: 64, inputRange: .signedWord(12))
        let b = SubexpressionSharing.share(rows: rows, sources: 64, inputRange: .signedWord(12))
        #expect(!a.pairs.isEmpty)
        #expect(a.pairs == b.pairs)
        #expect(a.rows == b.rows)
    }

    @Test(arguments: [(24, 40, 12, 1), (64, 64, 10, 2), (128, 128, 8, 3)])
    func wideLayersKeepTheirExactValues(inputs: Int, outputs: Int, bits: Int, seed: UInt64) {
        let weights = SubexpressionSharingTests.randomMatrix(outputs: outputs, inputs: inputs, bits: bits, seed: seed)
        let rows = SubexpressionSharingTests.rows(weights)
        let r = SubexpressionSharing.share(rows: rows, sources: inputs, inputRange: .signedWord(16))
        #expect(SubexpressionSharing.adders(r) < SubexpressionSharing.adders(.init(pairs: [], rows: rows)) / 2)
        var depth = Array(repeating: 0, count: inputs)
        for p in r.pairs { depth.append(max(depth[p.first], depth[p.second]) + 1) }
        #expect(depth.max()! <= 3)
        var rng = ModelZoo.Random(seed: seed)
        for _ in 0..<10 {
            let x = SubexpressionSharingTests.randomIntegers(inputs, bits: 16, rng: &rng)
            #expect(SubexpressionSharing.evaluate(r.rows, pairs: r.pairs, inputs: x) == SubexpressionSharingTests.product(weights, x))
        }
    }
}

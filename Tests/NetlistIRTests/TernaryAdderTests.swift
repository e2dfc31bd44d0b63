import FixedPoint
@testable import NetlistIR
import SeededRandomness
import Testing

/// ``TernaryAdders/merge(_:)``: which adds become ternary, and that the
/// merged netlist computes the same integers as the binary one.
@Suite struct TernaryAdderTests {
    static let s6 = FixedType.fixed(6, 3)

    /// Every input of `n` (one port of `size` s6 elements) on a grid of codes.
    static func sameValues(_ a: Netlist, _ b: Netlist, size: Int, step: Int64 = 7) {
        let codes = Array(stride(from: s6.minRaw, through: s6.maxRaw, by: Int(step))) + [s6.maxRaw]
        let ra = Interpreter(a), rb = Interpreter(b)
        var event = [Int64](repeating: 0, count: size)
        func walk(_ k: Int) {
            if k == size {
                #expect(ra.evaluate([event]) == rb.evaluate([event]), "inputs \(event)")
                return
            }
            for c in codes {
                event[k] = c
                walk(k + 1)
            }
        }
        walk(0)
    }

    static func ternaryCount(_ n: Netlist) -> Int {
        n.nodes.filter { if case .add3 = $0.operation { return true } else { return false } }.count
    }

    static func binaryCount(_ n: Netlist) -> Int {
        n.nodes.filter { if case .add = $0.operation { return true } else { return false } }.count
    }

    /// A sum of four shifted, signed terms is a tree of three adds: the root
    /// takes one of its operand adds, the other stays binary. Fewer adder
    /// bits, one LUT level less, the same value on every input.
    @Test func aTreeOfFourTermsBecomesOneTernaryAndOneBinaryAdd() {
        var n = Netlist()
        let x = n.addPort("x", type: Self.s6, size: 4)
        let total = n.sum([Netlist.Term(x[0]), Netlist.Term(x[1], shift: 2, negative: true),
                           Netlist.Term(x[2], shift: 1), Netlist.Term(x[3], shift: 3, negative: true)], name: "t")
        n.outputs = [total]
        let merged = TernaryAdders.merge(n)
        #expect(Self.binaryCount(n) == 3 && Self.ternaryCount(n) == 0)
        #expect(Self.ternaryCount(merged) == 1 && Self.binaryCount(merged) == 1)
        #expect(NetlistCost(merged).adderBits < NetlistCost(n).adderBits)
        #expect(merged.nodes.count == n.nodes.count - 1)
        Self.sameValues(n, merged, size: 4)
        // The first term of every ternary add is positive, at most two are negative.
        for node in merged.nodes {
            guard case let .add3(a, b, c) = node.operation else { continue }
            #expect(!a.negative)
            #expect([a, b, c].filter(\.negative).count <= 2)
        }
    }

    /// `c - (a + b)`: both of the inner add's terms are subtracted.
    @Test func aSubtractedSumGivesTwoNegativeTerms() {
        var n = Netlist()
        let x = n.addPort("x", type: Self.s6, size: 3)
        let inner = n.add(x[0], shift: 0, x[1], shift: 1, name: "inner")
        let outer = n.add(x[2], shift: 2, inner, subtract: true, name: "outer")
        n.outputs = [outer]
        let merged = TernaryAdders.merge(n)
        guard case let .add3(a, b, c)? = merged.nodes.last?.operation else {
            Issue.record("no ternary add: \(merged.nodes.map(\.operation))")
            return
        }
        #expect(!a.negative && b.negative && c.negative)
        #expect(a.shift == 2 && b.shift == 0 && c.shift == 1)
        Self.sameValues(n, merged, size: 3, step: 1)
    }

    /// With ``Netlist/ternarySums``, a sum of nine terms of equal depth is
    /// a tree of four ternary adds, two levels (12 depth units) instead of
    /// four binary ones (16), with the same value; every sign mix (three
    /// or all subtracted terms included) and an accumulator's wrap as well.
    @Test(arguments: [0, 3, 9], [false, true])
    func ternarySumsAreShallowerAndEqual(negatives: Int, wraps: Bool) {
        func build(ternary: Bool) -> (Netlist, NodeID) {
            var n = Netlist()
            n.ternarySums = ternary
            let x = n.addPort("x", type: Self.s6, size: 9)
            let terms = x.enumerated().map { Netlist.Term($0.element, shift: $0.offset % 3, negative: $0.offset < negatives) }
            let total = n.sum(terms, wrap: wraps ? (bits: 7, scale: -3) : nil, name: "t")
            n.outputs = [total]
            return (n, total)
        }
        let (binary, b) = build(ternary: false), (ternary, t) = build(ternary: true)
        #expect(Self.ternaryCount(ternary) == 4 && Self.binaryCount(ternary) == 0)
        // (All nine subtracted: one negation at the root of either.)
        #expect(binary.depth(of: b) == 16 + (negatives == 9 ? 4 : 0))
        #expect(ternary.depth(of: t) == 12 + (negatives == 9 ? 4 : 0))
        let codes: [Int64] = [-32, -17, -1, 0, 5, 31]
        var rng = SplitMix64(seed: 7)
        for _ in 0..<400 {
            let event = (0..<9).map { _ in codes[Int(rng.next() % UInt64(codes.count))] }
            #expect(Interpreter(binary).evaluate([event]) == Interpreter(ternary).evaluate([event]), "\(event)")
        }
    }

    /// An add that two others read, or that is an output, stays binary.
    @Test func aSharedAddOrAnOutputIsNotAbsorbed() {
        var n = Netlist()
        let x = n.addPort("x", type: Self.s6, size: 4)
        let shared = n.add(x[0], x[1], name: "shared")
        let p = n.add(shared, x[2], name: "p")
        let q = n.add(shared, x[3], subtract: true, name: "q")
        n.outputs = [p, q, shared]
        let merged = TernaryAdders.merge(n)
        #expect(Self.ternaryCount(merged) == 0)
        #expect(merged.nodes.count == n.nodes.count)
    }

    /// An accumulator whose every add wraps to the same word: the sum modulo
    /// the word does not depend on where it wraps, so the adds merge.
    @Test func accumulatorAddsThatWrapAlikeMerge() {
        var n = Netlist()
        let x = n.addPort("x", type: Self.s6, size: 4)
        let total = n.sum(x.map { Netlist.Term($0, shift: 1) }, wrap: (bits: 6, scale: -3), name: "acc")
        n.outputs = [total]
        let merged = TernaryAdders.merge(n)
        #expect(Self.ternaryCount(merged) == 1)
        Self.sameValues(n, merged, size: 4)
    }

    /// An add that wraps below the bits its reader keeps would give the
    /// reader a different value unwrapped: it stays binary.
    @Test func anAddThatWrapsBelowItsReaderStaysBinary() {
        var n = Netlist()
        let x = n.addPort("x", type: Self.s6, size: 3)
        // A 4-bit accumulator word (units of 2^-3): x0 + x1 wraps.
        let narrow = n.add(x[0], x[1], wrap: (bits: 4, scale: -3), name: "narrow")
        let wide = n.add(narrow, shift: 0, x[2], shift: 2, name: "wide")
        n.outputs = [wide]
        #expect(n[narrow].width == 4 && n[wide].width > 4)
        let merged = TernaryAdders.merge(n)
        #expect(Self.ternaryCount(merged) == 0)
        Self.sameValues(n, merged, size: 3, step: 3)
    }

    /// The low bits below the other terms' shifts are the lowest term's own
    /// when it is added, and computed when it is subtracted.
    @Test func passThroughBitsOfATernaryAdd() {
        let a = NodeID(0), b = NodeID(1), c = NodeID(2)
        #expect(Operation.add3(.init(a), .init(b, shift: 3), .init(c, shift: 5)).passThroughBits == 3)
        #expect(Operation.add3(.init(b, shift: 4), .init(a), .init(c, shift: 2, negative: true)).passThroughBits == 2)
        #expect(Operation.add3(.init(b, shift: 4), .init(c, shift: 2), .init(a, negative: true)).passThroughBits == 0)
        #expect(Operation.add3(.init(a), .init(b), .init(c, shift: 2)).passThroughBits == 0)
    }

    /// One ternary adder is slower than one binary adder of its width and
    /// faster than two of them in a row.
    @Test(arguments: DelayModel.Family.allCases)
    func aTernaryAdderIsFasterThanTwoBinaryOnes(family: DelayModel.Family) {
        let d = DelayModel.of(family)
        for w in [4, 12, 20, 33] {
            #expect(d.ternaryAdder(width: w) > d.adder(width: w))
            #expect(d.ternaryAdder(width: w) < 2 * d.adder(width: w - 1))
        }
    }
}

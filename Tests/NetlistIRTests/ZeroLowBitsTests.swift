import FixedPoint
import NetlistIR
import Testing

/// Low bits a producer always leaves zero, and a reader that drops them:
/// which outputs end in zeros (``NetlistCost/outputZeroLowBits(_:inputZeros:)``),
/// and what ``Netlist/droppingZeroLowBits(_:_:name:)`` saves.
@Suite struct ZeroLowBitsTests {
    /// A producer: `y0` appends 3 fraction bits and wraps (its low 3 bits
    /// are zero), `y1` appends them but saturates (its maximum code ends in
    /// ones), `y2` is a relu of the second input, whose low bits are given.
    static let producer = """
    hepml-netlist 1
    port x ap_fixed<8,3> 2
    ternary-sums off
    %0 x_0 = input 0 0 : -128..127 s-5 @0
    %1 x_1 = input 0 1 : -128..127 s-5 @0
    %2 y0 = quantize %0 ap_fixed<8,0> : -128..127 s-8 @0
    %3 y1 = quantize %0 ap_fixed<8,0,AP_TRN,AP_SAT> : -128..127 s-8 @0
    %4 r = relu %1 : 0..127 s-5 @0
    %5 y2 = quantize %4 ap_fixed<8,0> : -128..127 s-8 @0
    output ap_fixed<8,0> %2 %3 %5

    """

    @Test func aPlainWrapKeepsTheAppendedZerosAndASaturationDoesNot() throws {
        let n = try NetlistParser.parse(Self.producer)
        try NetlistVerifier.verify(n)
        // Without anything known of the inputs; then with x_1's low 2 bits zero.
        #expect(NetlistCost.outputZeroLowBits(n, inputZeros: []) == [3, 0, 3])
        #expect(NetlistCost.outputZeroLowBits(n, inputZeros: [[0, 2]]) == [3, 0, 5])
        // x_0 = 3.0 (96): 768 at 2^-8 wraps to 0 (low bits zero as claimed), saturates to 127;
        // x_1 = 0.125 (4): 32.
        #expect(Interpreter(n).evaluate([[96, 4]]) == [0, 127, 32])
        #expect(Interpreter(n).evaluate([[1, -4]]) == [8, 8, 0])
    }

    /// A sum of two inputs whose low 4 bits are zero: dropping them first
    /// leaves the same sums with 4 fewer adder bits, and no logic for the drop.
    @Test func droppingKnownZerosNarrowsTheAdder() throws {
        func build(dropping: Bool) -> Netlist {
            var n = Netlist()
            let x = n.addPort("x", type: .ufixed(16, 8), size: 2)
            let a = dropping ? n.droppingZeroLowBits(x[0], 4, name: "a") : x[0]
            let b = dropping ? n.droppingZeroLowBits(x[1], 4, name: "b") : x[1]
            let s = n.add(a, shift: 1, b, subtract: true, name: "s")
            n.outputs = [n.quantize(s, to: .fixed(20, 11), name: "y")]
            n.outputType = .fixed(20, 11)
            return n
        }
        let plain = build(dropping: false), narrow = build(dropping: true)
        try NetlistVerifier.verify(narrow)
        let a = narrow.nodes.first { $0.name == "a" }!
        #expect(a.scale == -4 && a.interval == Interval(0, 4095))
        #expect(NetlistCost(narrow).adderBits == NetlistCost(plain).adderBits - 4)
        #expect(NetlistCost(narrow).roundingBits == 0 && NetlistCost(narrow).saturatedBits == 0)
        // The same codes wherever the low bits are zero (2*a - b at 2^-9).
        for (p, q) in [(0, 0), (16, 48), (65520, 16), (4096, 65520), (32768, 32768)] {
            let want = Interval.wrap(Int128(2 * p - q) * 2, width: 20, signed: true)
            #expect(Interpreter(narrow).evaluate([[Int64(p), Int64(q)]]) == [Int64(want)])
            #expect(Interpreter(plain).evaluate([[Int64(p), Int64(q)]]) == [Int64(want)])
        }
        // Nothing to drop, or more than the node holds: at most all but one bit.
        var n = Netlist()
        let x = n.addPort("x", type: .fixed(6, 2), size: 1)
        #expect(n.droppingZeroLowBits(x[0], 0, name: "same") == x[0])
        let top = n.droppingZeroLowBits(x[0], 9, name: "top")
        #expect(n[top].width == 1 && n[top].scale == 1)
    }
}

import FixedPoint
import NetlistIR
import Testing

/// The netlist text form and the verifier, on small texts: what parses,
/// what the verifier accepts, and what each rule refuses, named.
@Suite struct NetlistTextFormTests {
    /// `2*x0 - x1`, then quantized, pipelined over two stages.
    static let good = """
    hepml-netlist 1
    port x ap_fixed<8,3> 2
    ternary-sums off
    // y = 2*x0 - x1
    %0 x_0 = input 0 0 : -128..127 s-5 @0
    %1 x_1 = input 0 1 : -128..127 s-5 @0
    %2 d = sub %0<<1 %1<<0 : -383..382 s-5 @0 # 2*x0 - x1
    %3 d_q1 = reg %2 : -383..382 s-5 @1
    %4 y = quantize %3 ap_fixed<6,3,AP_RND,AP_SAT> : -32..31 s-3 @1
    %5 y_q1 = reg %4 : -32..31 s-3 @2
    output ap_fixed<6,3,AP_RND,AP_SAT> %5

    """

    @Test func aSmallNetlistParsesPrintsBackAndVerifies() throws {
        let n = try NetlistParser.parse(Self.good)
        #expect(NetlistPrinter.print(n) == Self.good)
        #expect(n.nodes.count == 6 && n[NodeID(2)].width == 10 && n[NodeID(2)].comment == "2*x0 - x1")
        try NetlistVerifier.verify(n)
        // x0 = 3.0 (96), x1 = -1.0 (-32): 2*3 + 1 = 7, saturated to 3.875 (31); x0 = 0.25: 0.5 (4).
        #expect(Interpreter(n).evaluate([[96, -32]]) == [31])
        #expect(Interpreter(n).evaluate([[8, 0]]) == [4])
    }

    static func replacing(_ old: String, with new: String) -> String {
        Self.good.replacing(old, with: new)
    }

    static func verifyError(_ text: String) throws -> String? {
        let n = try NetlistParser.parse(text)
        do { try NetlistVerifier.verify(n, after: "TestPass"); return nil } catch { return error.description }
    }

    @Test(arguments: [
        // An interval narrower than the sum: the width would lose bits.
        ("-383..382 s-5 @0 #", "-300..382 s-5 @0 #", "node %2 (d): interval [-300, 382] does not hold [-383, 382], the range of the sum"),
        // A register not at a stage boundary.
        ("%3 d_q1 = reg %2 : -383..382 s-5 @1", "%3 d_q1 = reg %2 : -383..382 s-5 @2", "node %3 (d_q1): a register in stage 2 holds %2 of stage 0"),
        // A read across stages without a register.
        ("%4 y = quantize %3", "%4 y = quantize %2", "node %4 (y): reads %2 of stage 0 in stage 1 without a register"),
        // A quantize at the wrong scale.
        ("-32..31 s-3 @1", "-32..31 s-2 @1", "node %4 (y): scale -2, not -3 of ap_fixed<6,3,AP_RND,AP_SAT>"),
        // A register that changes the interval.
        ("%5 y_q1 = reg %4 : -32..31", "%5 y_q1 = reg %4 : -40..31", "node %5 (y_q1): a register's interval [-40, 31] differs from %4's [-32, 31]"),
        // An input that claims a narrower range than its type.
        ("%1 x_1 = input 0 1 : -128..127", "%1 x_1 = input 0 1 : -64..127", "node %1 (x_1): interval [-64, 127] does not hold [-128, 127]"),
    ])
    func eachRuleIsCheckedAndNamed(old: String, new: String, message: String) throws {
        let text = Self.replacing(old, with: new)
        #expect(text != Self.good, "the case must change the text")
        let error = try #require(try Self.verifyError(text))
        #expect(error.hasPrefix("netlist after TestPass, "))
        #expect(error.contains(message), "\(error)")
    }

    @Test func outputsInTwoStagesAreRefused() throws {
        let text = Self.replacing("output ap_fixed<6,3,AP_RND,AP_SAT> %5", with: "output ap_fixed<6,3,AP_RND,AP_SAT> %5 %3")
        #expect(try Self.verifyError(text)?.contains("outputs are read in stages [1, 2], not one") == true)
    }

    /// The subtraction fits a stage whose inputs arrive at its start, not
    /// one whose inputs arrive at its end.
    @Test func timingIsCheckedAgainstTheBudget() throws {
        let n = try NetlistParser.parse(Self.good)
        try NetlistVerifier.verifyTiming(n, budget: 10_000, delay: .xcup, inputDepth: 0)
        do {
            try NetlistVerifier.verifyTiming(n, budget: 10_000, delay: .xcup, inputDepth: 10_000, after: "Pipeline")
            Issue.record("a stage past its budget was accepted")
        } catch {
            #expect(error.node == 2, "\(error)")
            #expect(error.description.contains("past its budget of 10000 ps"), "\(error)")
        }
    }

    @Test(arguments: [
        ("hepml-netlist 2\n", 1, "expected 'hepml-netlist 1'"),
        ("hepml-netlist 1\n%0 a = const 1 : 1..1 s0 @0\n", 3, "no output line"),
        ("hepml-netlist 1\n%1 a = const 1 : 1..1 s0 @0\noutput - %0\n", 2, "expected node %0, found '%1'"),
        ("hepml-netlist 1\n%0 a = neg %0 : 0..0 s0 @0\noutput - %0\n", 2, "%0 is read before it is defined"),
        ("hepml-netlist 1\n%0 a = const 1 : 2..1 s0 @0\noutput - %0\n", 2, "'2..1' is not an interval lo..hi"),
        ("hepml-netlist 1\n%0 a = input 0 0 : 0..1 s0 @0\noutput - %0\n", 2, "port 0 is not declared"),
        ("hepml-netlist 1\n%0 a = const 1 : 1..1 s0 @0\n%1 a = const 2 : 2..2 s0 @0\noutput - %1\n", 3, "the name 'a' is used twice"),
        ("hepml-netlist 1\n%0 a = frob %0 : 1..1 s0 @0\noutput - %0\n", 2, "unknown operation 'frob'"),
        ("hepml-netlist 1\n%0 a = const 1 : 1..1 s0 @0\n%1 b = add %0<<-1 %0<<0 : 0..9 s0 @0\noutput - %1\n", 3, "'-1' is not an integer in 0...1024"),
        ("hepml-netlist 1\n%0 c = const 1 : 1..1 s0 @0\n%1 a = quantize %0 ap_fixed<0,0> : 1..1 s0 @0\noutput - %1\n", 3, "fixed-point width W=0 must be at least 1"),
        ("hepml-netlist 1\noutput -\nport x ap_fixed<8,3> 1\n", 3, "nothing may follow the output line"),
    ])
    func malformedTextIsRefusedWithItsLine(text: String, line: Int, message: String) {
        #expect(throws: NetlistTextError.self) { try NetlistParser.parse(text) }
        do {
            _ = try NetlistParser.parse(text)
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    /// Numbers past Int128 in a parsed netlist are reported, never a trap.
    @Test func hugeIntervalsAreReportedNotTrapped() throws {
        let big = "170141183460469231731687303715884105727"
        let text = "hepml-netlist 1\n%0 a = const \(big) : \(big)..\(big) s0 @0\n%1 b = add %0<<0 %0<<0 : 0..1 s0 @0\noutput - %1\n"
        let n = try NetlistParser.parse(text)
        #expect(throws: NetlistVerifyError.self) { try NetlistVerifier.verify(n) }
    }
}

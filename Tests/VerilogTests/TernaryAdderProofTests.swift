import ModelZoo
import NetlistIR
import Templates
import Testing
import Toolchain
import VerilogBackend

/// The ternary adder modules (`templates/verilog/ternary_adder.v`, per family)
/// compute `a ± b ± c` modulo `2^W`, proved by yosys's SAT solver for every
/// input: once with yosys's own models of the Xilinx primitives (what
/// synthesis reads), once with ours (`xilinx_primitives_sim.v`, what
/// Verilator simulates). Together they say that the simulated design and the
/// synthesized one compute the same sums.
@Suite(.serialized) struct TernaryAdderProofTests {
    /// `ok` is 1 when the adder's sum equals the one Verilog's `+` computes.
    static func miter(width: Int, negateB: Bool, negateC: Bool) -> String {
        """
        module miter (input [\(width - 1):0] a, input [\(width - 1):0] b, input [\(width - 1):0] c, output ok);
            wire [\(width - 1):0] s;
            adder3 #(.W(\(width)), .NEG_B(\(negateB ? 1 : 0)), .NEG_C(\(negateC ? 1 : 0))) dut (.a(a), .b(b), .c(c), .s(s));
            wire [\(width - 1):0] sum = a \(negateB ? "-" : "+") b \(negateC ? "-" : "+") c;
            assign ok = s == sum;
        endmodule
        """
    }

    /// What the adder module is read as.
    enum Body: String, CaseIterable, Sendable {
        /// Its primitives, with yosys's models of them (synthesis).
        case yosysModels
        /// Its primitives, with ours (Verilator with `primitiveAdders`).
        case ourModels
        /// `HEPML_BEHAVIORAL_ADDERS` defined: `+` and `-` (Verilator by default).
        case behavioral
    }

    @Test(arguments: DelayModel.Family.allCases, Body.allCases)
    func theAdderIsTheSumForEveryInput(family: DelayModel.Family, body: Body) async throws {
        let templates = try TemplateLibrary.locate()
        var adder = try VerilogEmitter.ternaryAdderSource(module: "adder3", family: family, templates: templates)
        if body == .behavioral { adder = "`define \(VerilogEmitter.behavioralAddersMacro)\n" + adder }
        let models = try templates.render("verilog/xilinx_primitives_sim.v", [:])
        // Widths inside one carry block, at its end, across blocks.
        for width in [1, 3, 4, 5, 8, 9, 17] {
            for (negateB, negateC) in [(false, false), (false, true), (true, false), (true, true)] {
                var sources = [("adder3.v", adder), ("miter.v", Self.miter(width: width, negateB: negateB, negateC: negateC))]
                if body == .ourModels { sources.insert(("primitives.v", models), at: 0) }
                do {
                    _ = try await Yosys.run(sources, top: "miter", flow: .prove(output: "ok", xilinxCells: body == .yosysModels))
                } catch {
                    Issue.record("\(family) W=\(width) NEG_B=\(negateB) NEG_C=\(negateC), \(body): \(error)")
                }
            }
        }
    }

    /// Zoo models with their ternary adders simulated as primitives (our
    /// models, CARRY8 on xcup and CARRY4 on xc7, as synthesis builds them)
    /// equal the reference on every bit.
    @Test func aDesignSimulatedAsCARRY8PrimitivesIsBitExact() async throws {
        try await expectBitExactAsPrimitives(model: "one_layer", family: .xcup)
    }

    /// Slow: primitive builds are about ten times the behavioural ones; the
    /// CARRY4 adder itself is proved equal to its sum by the yosys miter above.
    @Test(.slow, .tags(.slow)) func aDesignSimulatedAsCARRY4PrimitivesIsBitExact() async throws {
        try await expectBitExactAsPrimitives(model: "sigmoid_model", family: .xc7)
    }

    func expectBitExactAsPrimitives(model name: String, family: DelayModel.Family) async throws {
        let model = try RTLTest.lower(ModelZoo.all.first { $0.name == name }!.make())
        let (design, result) = try await RTLTest.simulate(model, count: 300, options: VerilogOptions(family: family), primitiveAdders: true)
        #expect(!design.helperModules.isEmpty)
        #expect(result.compared.mismatchCount == 0)
        #expect(result.measuredLatency == design.latency)
    }

    /// The proof can fail: a carry-save bit 0 left at 0 with both operands
    /// negated is one short.
    @Test func aWrongAdderIsRefuted() async throws {
        let templates = try TemplateLibrary.locate()
        let adder = try VerilogEmitter.ternaryAdderSource(module: "adder3", family: .xc7, templates: templates)
        let broken = adder.replacingOccurrences(of: "assign y[0] = (NEG_B != 0) && (NEG_C != 0);", with: "assign y[0] = 1'b0;")
        #expect(broken != adder)
        await #expect(throws: ToolError.self) {
            _ = try await Yosys.run([("adder3.v", broken), ("miter.v", Self.miter(width: 5, negateB: true, negateC: true))],
                                    top: "miter", flow: .prove(output: "ok", xilinxCells: true))
        }
    }

    /// The zoo tagger uses ternary adders by default and none with
    /// `ternaryAdders: .off`, whose Verilog then instantiates no primitive;
    /// `.latency` uses fewer, within the binary design's latency and registers.
    @Test func ternaryAddersAreAChoice() throws {
        let model = try RTLTest.lower(ModelZoo.tagger())
        let ternary = try VerilogEmitter.emit(model, options: VerilogOptions())
        let binary = try VerilogEmitter.emit(model, options: VerilogOptions(ternaryAdders: .off))
        let timed = try VerilogEmitter.emit(model, options: VerilogOptions(ternaryAdders: .latency))
        #expect(ternary.helperModules == ["\(ternary.topModule)_add3.v"])
        #expect(ternary.simulationModels == [VerilogEmitter.primitiveModels])
        #expect(!ternary.verilogFiles.contains(VerilogEmitter.primitiveModels))
        #expect(binary.helperModules.isEmpty && binary.simulationModels.isEmpty)
        for file in binary.files { #expect(!file.contents.contains("LUT6_2"), "\(file.path)") }
        let bits = { (d: VerilogDesign) in d.costs.reduce(0) { $0 + $1.adderBits } }
        let registers = { (d: VerilogDesign) in d.costs.reduce(0) { $0 + $1.registerBits } }
        #expect(bits(ternary) < bits(timed) && bits(timed) < bits(binary))
        #expect(timed.latency == binary.latency && registers(timed) <= registers(binary))
        print("tagger: adder bits \(bits(binary)) binary, \(bits(timed)) ternary within its latency, \(bits(ternary)) ternary; "
            + "latency \(binary.latency), \(timed.latency), \(ternary.latency)")
    }
}

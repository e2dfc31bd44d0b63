import NetlistIR
import Testing
import ModelZoo
import Simulation
import Toolchain
import VerilogBackend

/// The generated Verilog is lint-clean under `verilator -Wall` and accepted
/// by Yosys synthesis.
@Suite(.serialized) struct LintAndSynthesisTests {
    /// The large designs are linted with behavioural adders (every line but
    /// the adder primitives' bodies), the small ones as synthesis reads them.
    @Test(arguments: [("one_layer", false), ("sigmoid_model", false), ("branchy", false),
                      ("tagger", true), ("tagger_softmax", true), ("autoencoder", true)])
    func verilatorWallIsClean(model name: String, behavioralAdders: Bool) async throws {
        let model = try RTLTest.lower(ModelZoo.all.first { $0.name == name }!.make())
        let design = try VerilogEmitter.emit(model, options: VerilogOptions())
        #expect(design.files.contains { $0.contents.contains("LUT6_2") }, "the design has primitive adders to lint")
        let report = try await RTLChecks.lint(design, behavioralAdders: behavioralAdders)
        #expect(report.clean, "\(report.messages.prefix(2000))")
    }

    @Test func yosysSynthesizesTheOneLayerModel() async throws {
        let model = try RTLTest.lower(ModelZoo.oneLayer())
        let design = try VerilogEmitter.emit(model, options: VerilogOptions())
        let report = try await Yosys.run(sources(design), top: design.topModule, flow: .generic)
        #expect(report.statistics.counts.ff > 0)
        print("one_layer: yosys synth \(report.statistics.design.values.reduce(0, +)) cells, \(report.statistics.counts.ff) flip-flops, \(String(format: "%.1f", report.seconds)) s")
    }

    /// Tables (case ROMs in functions), variable multipliers, softmax: Yosys
    /// elaborates them and finds no problem (`check -assert`); mapping large
    /// designs to gates takes minutes and is left to the bench.
    @Test(arguments: ["sigmoid_model", "branchy", "tagger_softmax", "autoencoder"])
    func yosysElaborates(model name: String) async throws {
        let model = try RTLTest.lower(ModelZoo.all.first { $0.name == name }!.make())
        let design = try VerilogEmitter.emit(model, options: VerilogOptions())
        let report = try await Yosys.run(sources(design), top: design.topModule, flow: .elaborate)
        #expect(!report.statistics.design.isEmpty)
        print("\(name): yosys elaboration \(report.statistics.design.values.reduce(0, +)) cells, \(String(format: "%.1f", report.seconds)) s")
    }

    /// Every adder of the netlist reaches yosys as a two-operand `$alu`
    /// (a carry chain): none is merged into a multi-operand `$macc`, which
    /// `maccmap` would build as a LUT carry-save tree. Without the zero bit
    /// below every adder's operands (VerilogPrinter.sum) the tagger has 83.
    /// (Models with variable products are left out: each `$mul` is a `$macc`.)
    @Test(arguments: ["tagger", "one_layer", "sigmoid_model"])
    func addersStayCarryChainAdders(model name: String) async throws {
        let model = try RTLTest.lower(ModelZoo.all.first { $0.name == name }!.make())
        let design = try VerilogEmitter.emit(model, options: VerilogOptions())
        let report = try await Yosys.run(sources(design), top: design.topModule, flow: .arithmetic)
        let cells = report.statistics.design
        #expect(cells["$macc", default: 0] == 0, "\(cells)")
        #expect(cells["$alu", default: 0] > 0, "\(cells)")
    }

    func sources(_ design: VerilogDesign) -> [(path: String, contents: String)] {
        design.files.filter { design.verilogFiles.contains($0.path) }.map { ($0.path, $0.contents) }
    }

    @Test func emissionIsDeterministic() throws {
        let model = try RTLTest.lower(ModelZoo.branchy())
        let a = try VerilogEmitter.emit(model, options: VerilogOptions())
        let b = try VerilogEmitter.emit(model, options: VerilogOptions())
        #expect(a.files == b.files)
    }

    @Test func fasterClocksGiveLongerPipelines() throws {
        let model = try RTLTest.lower(ModelZoo.tagger())
        let slow = try VerilogEmitter.emit(model, options: VerilogOptions(clockNs: 10))
        let fast = try VerilogEmitter.emit(model, options: VerilogOptions(clockNs: 2.5))
        #expect(fast.stageBudget == DelayModel.xcup.stageBudget(clockNs: 2.5))
        #expect(fast.latency > slow.latency)
        // The same clock on the slower family needs more cycles.
        let sevenSeries = try VerilogEmitter.emit(model, options: VerilogOptions(clockNs: 2.5, family: .xc7))
        #expect(sevenSeries.latency > fast.latency)
    }
}

/// What the emitter reports about a design agrees with its structure.
@Suite struct DesignReportTests {
    @Test(arguments: ["one_layer", "tagger", "tagger_softmax", "autoencoder", "sigmoid_model", "branchy"])
    func latencyIsTheCriticalPathOfTheOpModules(model name: String) throws {
        let model = try RTLTest.lower(ModelZoo.all.first { $0.name == name }!.make())
        let design = try VerilogEmitter.emit(model, options: VerilogOptions())
        var ready: [Int: Int] = [:]
        for id in model.inputs { ready[id.index] = 0 }
        for (op, m) in zip(model.ops, design.modules) {
            // An op starts when its last input is ready.
            #expect(m.startCycle == op.inputs.map { ready[$0.index]! }.max())
            ready[op.output.index] = m.startCycle + m.cycles
            if case .concatenate = op.kind { #expect(m.cycles == 0) }
        }
        #expect(design.latency == model.outputs.map { ready[$0.index]! }.max())
        print("\(name): latency \(design.latency) cycles; " + design.modules.map { "\($0.op) \($0.cycles)" }.joined(separator: ", "))
    }
}

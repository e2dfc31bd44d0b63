import ModelIR
import ModelZoo
import NetlistIR
import Passes
import Reference
import Simulation
import Testing
import VerilogBackend

/// Convolutions time-multiplexed at reuse R (docs/verilog-backend.md,
/// "Reuse: time-multiplexed convolutions"): ceil(P/R) kernel instances,
/// an event accepted every R cycles, the same raw codes as the reference.
@Suite(.serialized) struct ConvolutionReuseTests {
    /// The zoo's calorimeter model with both convolutions (20 and 12 output
    /// positions, `same` padding at the borders) at reuse `r`.
    static func calorimeter(reuse r: Int) -> Graph { ModelZoo.calorimeterConv(reuse: (r, r)) }

    /// The logic of the two convolutions' modules.
    static func convolutionCost(_ design: VerilogDesign) -> NetlistCost {
        zip(design.modules, design.costs).filter { ["conv", "dw"].contains($0.0.op) }.reduce(NetlistCost()) { $0 + $1.1 }
    }

    @Test(arguments: [2, 3])
    func reusedConvolutionsMatchTheReferenceAtIntervalR(reuse r: Int) async throws {
        let model = try RTLTest.lower(Self.calorimeter(reuse: r))
        let unrolled = try VerilogEmitter.emit(try RTLTest.lower(ModelZoo.calorimeterConv()), options: VerilogOptions())
        // The netlists, phase by phase, before any Verilog.
        let netlists = try NetlistModel(model, options: VerilogOptions())
        let reference = FixedPointEvaluator(model)
        for event in RTLTest.inputs(model, count: 200, seed: 7) {
            #expect(netlists.evaluate(event) == reference.runRaw(event))
        }
        // Offered every cycle: the design accepts one event every r cycles.
        let (design, result) = try await RTLTest.simulate(model, count: 2_000, seed: 3)
        // Offered one idle cycle after each acceptance: refused until r cycles have passed (the same build).
        let (_, spaced) = try await RTLTest.simulate(model, count: 200, seed: 4, validGap: 1)
        #expect(spaced.compared.mismatchCount == 0 && spaced.missingEvents == 0)
        #expect(spaced.measuredInterval == max(r, 2))
        #expect(design.initiationInterval == r)
        #expect(result.compared.mismatchCount == 0)
        #expect(result.missingEvents == 0)
        #expect(result.measuredLatency == design.latency)
        #expect(result.measuredInterval == r)
        let reused = Self.convolutionCost(design), full = Self.convolutionCost(unrolled)
        print("reuse \(r): II \(result.measuredInterval ?? -1), latency \(design.latency) (unrolled \(unrolled.latency)); convolutions: \(reused.adders) adders, \(reused.adderBits) adder bits, \(reused.muxBits) mux bits, \(reused.registerBits) register bits (unrolled: \(full.adders), \(full.adderBits), \(full.muxBits), \(full.registerBits))")
        #expect(reused.adders < full.adders)
        #expect(reused.adderBits < full.adderBits)
        // The kernels' netlists (muxes included) in rtl/netlist.txt parse back, print alike and verify.
        let file = try #require(design.files.first { $0.path == VerilogEmitter.netlistFile })
        for section in VerilogEmitter.netlistSections(file.contents) {
            let parsed = try NetlistParser.parse(section.text)
            #expect(NetlistPrinter.print(parsed) == section.text)
            try NetlistVerifier.verify(parsed)
        }
        // lowered.txt keeps the kernel layout.
        #expect(try LoweredParser.parse(LoweredPrinter.print(model)) == model)
    }

    /// Conv1D layers (dilated `same`, strided `valid`) at reuse 2 and 3,
    /// through the netlists phase by phase: the reference's codes.
    @Test func sequenceConvolutionsAtReuseMatchInTheNetlists() throws {
        for r in [2, 3] {
            var g = ModelZoo.sequenceConv()
            for i in g.nodes.indices {
                if case .conv(var c) = g.nodes[i].op { c.reuse = r; g.nodes[i].op = .conv(c) }
            }
            let model = try RTLTest.lower(g)
            #expect(model.ops.contains { if case .dense(let d) = $0.kind { return d.multiplex != nil } else { return false } })
            let netlists = try NetlistModel(model, options: VerilogOptions())
            #expect(netlists.initiationInterval == r)
            let reference = FixedPointEvaluator(model)
            for event in RTLTest.inputs(model, count: 300, seed: 9) {
                #expect(netlists.evaluate(event) == reference.runRaw(event))
            }
        }
    }

    /// A reuse factor above the layer's output positions is refused naming
    /// the layer and the field; so is a layout that no longer states its rows.
    @Test func reuseAboveThePositionsIsRefused() throws {
        let error = #expect(throws: LoweringError.self) { try Pipeline.lower(ModelZoo.calorimeterConv(reuse: (21, 1))) }
        #expect(error?.layer == "conv")
        #expect(error?.field == "reuse")
        #expect(error?.message.contains("20 output positions") == true)
        var model = try RTLTest.lower(Self.calorimeter(reuse: 2))
        let i = try #require(model.ops.firstIndex { $0.name == "conv" })
        guard case .dense(var d) = model.ops[i].kind else { Issue.record("conv is not a dense op"); return }
        d.multiplex!.windows[3][0] = d.multiplex!.windows[4][0]
        model.ops[i].kind = .dense(d)
        #expect(throws: LoweringError.self) { try Verify.run(model, after: "a test") }
    }
}

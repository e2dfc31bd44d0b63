import Testing
import FixedPoint
import ModelIR
import ModelZoo
import NetlistIR
import NetlistLowering
import Simulation
import VerilogBackend

/// Threshold ops as comparator banks and adder trees, simulated with
/// Verilator against the Swift reference (one build), and their size estimate.
@Suite(.serialized) struct ThresholdRTLTests {
    @Test func thresholdModelMatchesTheReferenceInVerilator() async throws {
        let model = try RTLTest.lower(ModelZoo.thresholdMLP())
        let (design, result) = try await RTLTest.simulate(model, count: 3_000, seed: 26)
        #expect(result.compared.mismatchCount == 0, "first mismatches: \(result.compared.mismatches.prefix(5))")
        #expect(result.missingEvents == 0)
        #expect(result.compared.outputs.count == 3_000)
        #expect(result.measuredLatency == design.latency)
    }

    /// Thresholds below every input code fold into the bias and those above
    /// it vanish: only the others get a comparator.
    @Test func outOfRangeThresholdsNeedNoComparator() throws {
        let model = try RTLTest.lower(ModelZoo.thresholdMLP())
        let op = model.ops.first { $0.name == "mt0" }!
        guard case .threshold(let t) = op.kind else { Issue.record("mt0 is not a threshold op"); return }
        let inputType = model[op.inputs[0]].type
        let built = try OpNetlists.build(op, in: model)
        let live = (0..<model[op.output].size).reduce(0) { n, i in
            n + t.list(for: i).filter { $0 > inputType.minRaw && $0 <= inputType.maxRaw }.count
        }
        let selects = built.netlist.nodes.filter { if case .select = $0.operation { return true } else { return false } }.count
        #expect(selects == live)
        #expect(live < model[op.output].size * t.steps)   // list 0 has one threshold below and one above the input range
    }
}

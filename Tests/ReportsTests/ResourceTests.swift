import Foundation
import ModelIR
import ModelZoo
import Passes
import Toolchain
import Testing
@testable import Reports

@Suite struct ResourceTests {
    @Test func csdDigitsCountShiftAndAddTerms() {
        #expect(AnalyticResourceEstimate.csdDigits(0) == 0)
        #expect(AnalyticResourceEstimate.csdDigits(1) == 1)
        #expect(AnalyticResourceEstimate.csdDigits(8) == 1)
        #expect(AnalyticResourceEstimate.csdDigits(7) == 2)    // 8 - 1
        #expect(AnalyticResourceEstimate.csdDigits(5) == 2)    // 4 + 1
        #expect(AnalyticResourceEstimate.csdDigits(-3) == 2)   // -(4 - 1)
        #expect(AnalyticResourceEstimate.csdDigits(0b1011011) == 4)  // 91 = 128 - 32 - 4 - 1
        #expect(AnalyticResourceEstimate.csdDigits(Int64.min) == 1)
    }

    /// As in the emitter: no clock period traps in the conversion to Int.
    @Test func addersPerStageIsClampedForAnyClock() {
        #expect(AnalyticResourceEstimate.addersPerStage(clockNs: 1e20) == 65536)
        #expect(AnalyticResourceEstimate.addersPerStage(clockNs: .nan) == 1)
        #expect(AnalyticResourceEstimate.addersPerStage(clockNs: -5) == 1)
        #expect(AnalyticResourceEstimate.addersPerStage(clockNs: 10) == 7)
    }

    @Test func partsByNameAndFractions() throws {
        let p = try #require(FPGAPart.named("xcvu13p-flga2577-2-e"))
        #expect(p.luts == 1_728_000 && p.ffs == 3_456_000 && p.dsps == 12_288)
        #expect(FPGAPart.named("XCVU9P")?.luts == 1_182_240)
        #expect(FPGAPart.named("xcvu9") == nil)
        let u = PartUsage(ResourceCounts(lut: 17_280, ff: 3_456, dsp: 123), of: p)
        #expect(u.lutFraction == 0.01)
        #expect(u.ffFraction == 0.001)
        #expect(abs(u.dspFraction - 123.0 / 12_288) < 1e-15)
    }

    @Test func analyticEstimateIsLabelledAndUsesTheScheduleWhenGiven() throws {
        let m = try Pipeline.lower(ModelZoo.oneLayer())
        let bare = AnalyticResourceEstimate.estimate(m, clockNs: 5, part: FPGAPart.named("xcvu13p"))
        #expect(bare.isEstimate)
        #expect(bare.method == "analytic estimate")
        #expect(bare.total.lut > 0 && bare.total.ff > 0)
        #expect(bare.notes.contains { $0.contains("not synthesized") })
        let stage = StageInfo(module: "one_layer_fc1", op: m.ops[0].name, kind: "dense", sourceLayers: [], startCycle: 0,
                              cycles: 2, registerBits: 1234)
        let scheduled = AnalyticResourceEstimate.estimate(m, clockNs: 5, stages: [stage], delayRegisterBits: 10, part: nil)
        #expect(scheduled.total.ff == 1234 + 10)
        #expect(scheduled.modules[0].module == "one_layer_fc1")
        #expect(scheduled.total.lut == bare.total.lut)
    }

    /// With the emitted netlist's adders, a dense op costs one LUT per adder
    /// bit plus one per output bit, and the estimate says where it came from.
    @Test func denseAddersComeFromTheNetlistWhenKnown() throws {
        let m = try Pipeline.lower(ModelZoo.oneLayer())
        let out = m[m.ops[0].output]
        let stage = StageInfo(module: "one_layer_fc1", op: m.ops[0].name, kind: "dense", sourceLayers: [], startCycle: 0,
                              cycles: 2, adders: 40, adderBits: 800, registerBits: 100)
        let r = AnalyticResourceEstimate.estimate(m, clockNs: 5, stages: [stage], part: nil)
        #expect(r.modules[0].counts.lut == 800 + out.size * out.type.width)
        #expect(r.modules[0].counts.carry == (800 + 4 * 40) / 8)
        #expect(r.notes.contains { $0.contains("emitted Verilog netlist") })
        #expect(r.notes.first?.hasPrefix("analytic estimate from the emitted Verilog netlist and the lowered IR, not synthesized") == true)
        #expect(AnalyticResourceEstimate.estimate(m, clockNs: 5, part: nil).notes.first?.hasPrefix("analytic estimate from the lowered IR, not synthesized") == true)
    }
}

/// Collects progress lines from any thread.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ s: String) { lock.lock(); lines.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}

import Foundation
import ModelIR
import ModelZoo
import NetlistIR
import Passes
import Testing
import Toolchain
import VerilogBackend
@testable import Reports

@Suite struct ResourceTests {
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

    /// The estimate of an emitted design: one row per op module priced from
    /// the netlist cost the design carries, a row for the top's delay lines,
    /// labelled as an estimate everywhere.
    @Test func theEstimateIsTheDesignsNetlistCostsPriced() throws {
        let m = try Pipeline.lower(ModelZoo.sigmoid())
        // Binary adders: the last op's only registers then hold its ROM address.
        let design = try VerilogEmitter.emit(m, options: VerilogOptions(ternaryAdders: .off))
        let r = NetlistEstimate.estimate(stages: design.modules, costs: design.costs, delayRegisterBits: 10,
                                         part: FPGAPart.named("xcvu13p"))
        #expect(r.isEstimate && r.method == "analytic estimate")
        #expect(r.notes.first?.hasPrefix("analytic estimate from the emitted Verilog netlist, not synthesized") == true)
        #expect(r.modules.map(\.module) == design.modules.map(\.module) + ["top (delay lines)"])
        #expect(r.modules.allSatisfy { $0.source == .estimate })
        #expect(r.modules.last?.counts == ResourceCounts(ff: 10))
        #expect(r.total == r.modules.reduce(ResourceCounts()) { $0 + $1.counts })
        for (row, cost) in zip(r.modules, design.costs) {
            #expect(row.counts == NetlistEstimate.counts(cost, family: "xcup"))
        }
        // The sigmoid's ROMs read a registered address that nothing else
        // reads: its flip-flops are priced as the words' bits, as yosys maps them.
        let out = try #require(design.costs.last)
        let wordBits = out.romReads.reduce(0) { $0 + $1.bits }
        #expect(out.registerBits == out.addressRegisterBits && out.registerBits > 0)
        #expect(wordBits > 0 && out.romReads.allSatisfy(\.registeredAddress))
        #expect(r.modules[design.costs.count - 1].counts.ff
                == Int((NetlistEstimate.Calibration.romWordRegisterBit * Double(wordBits)).rounded()))
        #expect(r.total.lut > 0 && r.total.ff > 10)
        #expect(r.part?.part.name == "xcvu13p")
    }

    /// Node kinds that change primitive: a ROM of 1024 words or more is
    /// block RAM, a product with an operand wider than 10 bits a DSP.
    @Test func largeROMsAreBlockRAMAndWideProductsDSPs() {
        var c = NetlistCost()
        c.romReads = [ROMRead(words: 2048, bits: 20)]
        c.dspProducts = 2
        let big = NetlistEstimate.counts(c, family: "xcup")
        #expect(big.bram == 0.5 * 2 * 2)   // 2 x 1024 words, 2 x 18 bits: four RAMB18
        #expect(big.lut == 0 && big.dsp == 2)
        c.romReads = [ROMRead(words: 128, bits: 8)]
        let small = NetlistEstimate.counts(c, family: "xcup")
        #expect(small.bram == 0 && small.lut == 8 * 2)   // two 64-word chunks per bit
    }
}

/// Collects progress lines from any thread.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ s: String) { lock.lock(); lines.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}

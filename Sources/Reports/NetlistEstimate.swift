import Foundation
import ModelIR
import NetlistIR

/// The report's one resource estimate, from the emitted netlists: each
/// ``NetlistCost`` field priced with the formulas fitted to yosys
/// `synth_xilinx` per module (docs/reports.md, "Calibration"). The Verilog
/// design carries each module's cost (`VerilogDesign.costs`), so nothing is
/// rebuilt to estimate it; the top module's delay lines count as flip-flops.
public enum NetlistEstimate {
    /// `costs[i]` is the netlist of the module `stages[i]` names.
    public static func estimate(stages: [StageInfo], costs: [NetlistCost], delayRegisterBits: Int, part: FPGAPart?) -> ResourceReport {
        precondition(stages.count == costs.count, "one netlist cost per module")
        let family = part?.yosysFamily ?? "xcup"
        var rows = zip(stages, costs).map {
            ModuleResources(module: $0.module, op: $0.op, counts: counts($1, family: family), source: .estimate)
        }
        if delayRegisterBits > 0 {
            rows.append(ModuleResources(module: "top (delay lines)", op: nil, counts: ResourceCounts(ff: delayRegisterBits), source: .estimate))
        }
        let total = rows.reduce(ResourceCounts()) { $0 + $1.counts }
        return ResourceReport(method: "analytic estimate", isEstimate: true, total: total, modules: rows, part: part, notes: [
            "analytic estimate from the emitted Verilog netlist, not synthesized (run with --synthesize for yosys counts)",
            "calibrated per node kind against yosys synth_xilinx per module: FF within 5%, LUT within 13% on the zoo and shipped models (docs/reports.md)",
        ])
    }

    /// The calibrated price of a netlist. Carries are CARRY4 whatever the
    /// family: yosys 0.23 maps UltraScale+ adders to CARRY4 too.
    public static func counts(_ c: NetlistCost, family: String) -> ResourceCounts {
        typealias K = Calibration
        var lut = K.adderBit * Double(c.adderBits) + K.roundingBit * Double(c.roundingBits)
            + K.saturatedBit * Double(c.saturatedBits) + K.overflowTestBit * Double(c.overflowTestBits)
            + K.muxBit * Double(c.muxBits) + K.maximumBit * Double(c.maximumBits) + K.productBit * Double(c.productBits)
        var bram = 0.0
        // Address registers move into their ROM (below).
        var ff = K.registerBit * Double(c.registerBits - c.addressRegisterBits)
        for read in c.romReads {
            if read.words >= K.blockROMWords {
                // One RAMB18 (1024 x 18) per read and slice of it; a registered address is its own.
                bram += 0.5 * Double(((read.words + 1023) / 1024) * ((read.bits + 17) / 18))
            } else {
                let chunks = Double((read.words + 63) / 64)
                lut += Double(read.bits) * max(chunks, K.romChunkSquared * chunks * chunks)
                // A registered address becomes a registered word (yosys memory_dff).
                if read.registeredAddress { ff += K.romWordRegisterBit * Double(read.bits) }
            }
        }
        return ResourceCounts(lut: Int(lut.rounded()), ff: Int(ff.rounded()), dsp: c.dspProducts,
                              carry: Int((K.carry4 * Double(c.carry4)).rounded()), bram: bram)
    }

    /// The price of each ``NetlistCost`` field, fitted to yosys 0.23
    /// `synth_xilinx -family xcup` run per module on the zoo and shipped
    /// models (docs/reports.md, "Calibration"): every model's FF total
    /// within 5% of yosys, LUT within 13% (the LUT prices predate the
    /// delay-model pipeline).
    public enum Calibration {
        /// An adder bit: 1 LUT, less what yosys folds into neighbouring LUTs.
        public static let adderBit = 0.84
        /// A bit of a rounding increment (with its condition logic).
        public static let roundingBit = 1.25
        /// An output bit of a saturating assignment: its mux.
        public static let saturatedBit = 1.0
        /// A dropped high bit that the overflow test examines.
        public static let overflowTestBit = 4.0
        /// relu / select bits: mostly merged into the saturation mux.
        public static let muxBit = 0.25
        /// `max(a, b)`: a comparator and a mux per bit.
        public static let maximumBit = 2.0
        /// LUTs of a product bit pair on LUTs.
        public static let productBit = 0.5
        /// A ROM of `c` 64-word chunks costs max(c, 0.42 c^2) LUTs per bit
        /// (yosys: 6.7 per bit at 256 words, 30 at 512) ...
        public static let romChunkSquared = 0.42
        /// ... until it has this many words: then yosys infers block RAM.
        public static let blockROMWords = 1024
        /// A register bit that holds a read, possibly nonzero bit: yosys
        /// keeps exactly these in most modules; in the autoencoders' it
        /// merges a few percent more (fitted on the delay-model pipeline).
        public static let registerBit = 0.97
        /// A word bit of a LUT ROM whose address is registered: the word's
        /// flip-flops (sigmoid_model: 128 of 128).
        public static let romWordRegisterBit = 1.0
        /// CARRY4 per started 4 bits of an adder: yosys maps about 80%.
        public static let carry4 = 0.8
    }
}

import Foundation

/// One op module for the estimate: its name, op and netlist cost.
public struct ModuleCost: Sendable, Equatable {
    public var module: String
    public var op: String
    public var cost: NetlistCost

    public init(module: String, op: String, cost: NetlistCost) {
        self.module = module
        self.op = op
        self.cost = cost
    }
}

extension AnalyticResourceEstimate {
    /// The estimate from the emitted netlists, the report's default: each
    /// kind of node priced with the formulas fitted to yosys `synth_xilinx`
    /// per module (docs/reports.md, "Calibration"). The top module's delay
    /// lines are counted as flip-flops.
    public static func estimate(_ modules: [ModuleCost], delayRegisterBits: Int, part: FPGAPart?) -> ResourceReport {
        let family = part?.yosysFamily ?? "xcup"
        var rows = modules.map {
            ModuleResources(module: $0.module, op: $0.op, counts: counts($0.cost, family: family), source: .estimate)
        }
        if delayRegisterBits > 0 {
            rows.append(ModuleResources(module: "top (delay lines)", op: nil, counts: ResourceCounts(ff: delayRegisterBits), source: .estimate))
        }
        let total = rows.reduce(ResourceCounts()) { $0 + $1.counts }
        return ResourceReport(method: "analytic estimate", isEstimate: true, total: total, modules: rows, part: part, notes: [
            "analytic estimate from the emitted Verilog netlist, not synthesized (run with --synthesize for yosys counts)",
            "calibrated per node kind against yosys synth_xilinx per module: within 10% on LUT and FF for the zoo and shipped models",
        ])
    }

    /// The calibrated price of a netlist, in primitives of `family`
    /// (CARRY4 on `xc7`, CARRY8 on the UltraScale families).
    public static func counts(_ c: NetlistCost, family: String) -> ResourceCounts {
        let lut = Calibration.adderBit * Double(c.adderBits)
            + Calibration.roundingBit * Double(c.roundingBits)
            + Calibration.saturatedBit * Double(c.saturatedBits)
            + Calibration.overflowTestBit * Double(c.overflowTestBits)
            + Calibration.muxBit * Double(c.muxBits)
            + Calibration.maximumBit * Double(c.maximumBits)
            + Calibration.romLUT6 * Double(c.romLUT6)
            + Calibration.productBit * Double(c.productBits)
        let ff = Calibration.registerBit * Double(c.registerBits)
        return ResourceCounts(lut: Int(lut.rounded()), ff: Int(ff.rounded()), dsp: c.dspProducts,
                              carry: family == "xc7" ? c.carry4 : c.carry8)
    }

    /// LUTs (or FFs) per unit of each ``NetlistCost`` field, fitted to yosys
    /// 0.23 `synth_xilinx` per module on the zoo and shipped models.
    public enum Calibration {
        public static let adderBit = 1.0
        public static let roundingBit = 1.0
        public static let saturatedBit = 1.0
        public static let overflowTestBit = 0.25
        public static let muxBit = 1.0
        public static let maximumBit = 2.0
        public static let romLUT6 = 1.0
        public static let productBit = 0.5
        public static let registerBit = 1.0
    }
}

import Foundation
import FixedPoint
import ModelIR

/// FPGA primitives counted by the report.
public struct ResourceCounts: Codable, Sendable, Equatable {
    /// Look-up tables (logic, ROM, LUTRAM and shift registers).
    public var lut: Int
    public var ff: Int
    public var dsp: Int
    /// Carry-chain primitives (CARRY4 on 7-series, CARRY8 on UltraScale+).
    public var carry: Int
    /// Block RAM tiles (18 Kb counts one half).
    public var bram: Double

    public init(lut: Int = 0, ff: Int = 0, dsp: Int = 0, carry: Int = 0, bram: Double = 0) {
        self.lut = lut
        self.ff = ff
        self.dsp = dsp
        self.carry = carry
        self.bram = bram
    }

    public static func + (a: ResourceCounts, b: ResourceCounts) -> ResourceCounts {
        ResourceCounts(lut: a.lut + b.lut, ff: a.ff + b.ff, dsp: a.dsp + b.dsp, carry: a.carry + b.carry, bram: a.bram + b.bram)
    }
}

/// Where a module's counts come from.
public enum ResourceSource: String, Codable, Sendable, Equatable {
    /// yosys synthesis of the module.
    case yosys
    /// ``NetlistEstimate``.
    case estimate
}

/// Counts for one module (one lowered op, or the top's own logic).
public struct ModuleResources: Codable, Sendable, Equatable {
    public var module: String
    /// The lowered op the module implements (nil: top-level glue).
    public var op: String?
    public var counts: ResourceCounts
    /// Nil in reports written before it existed.
    public var source: ResourceSource? = nil
}

/// An FPGA device's capacity.
public struct FPGAPart: Codable, Sendable, Equatable {
    public var name: String
    public var luts: Int
    public var ffs: Int
    public var dsps: Int
    /// Yosys `synth_xilinx -family` value for this device.
    public var yosysFamily: String

    /// Devices used in L1 trigger boards. Figures: AMD UltraScale+ and
    /// 7-series product selection guides (CLB LUTs, CLB flip-flops, DSP slices).
    public static let known: [FPGAPart] = [
        FPGAPart(name: "xcvu13p", luts: 1_728_000, ffs: 3_456_000, dsps: 12_288, yosysFamily: "xcup"),
        FPGAPart(name: "xcvu9p", luts: 1_182_240, ffs: 2_364_480, dsps: 6_840, yosysFamily: "xcup"),
        FPGAPart(name: "xcku115", luts: 663_360, ffs: 1_326_720, dsps: 5_520, yosysFamily: "xcu"),
        FPGAPart(name: "xc7vx690t", luts: 433_200, ffs: 866_400, dsps: 3_600, yosysFamily: "xc7"),
    ]

    /// The known device a part number starts with (`xcvu13p-flga2577-2-e` → xcvu13p).
    public static func named(_ name: String) -> FPGAPart? {
        let n = name.lowercased()
        return known.first { n == $0.name || n.hasPrefix($0.name + "-") }
    }
}

/// Use of a device as fractions of its capacity.
public struct PartUsage: Codable, Sendable, Equatable {
    public var part: FPGAPart
    public var lutFraction: Double
    public var ffFraction: Double
    public var dspFraction: Double

    public init(_ counts: ResourceCounts, of part: FPGAPart) {
        self.part = part
        lutFraction = Double(counts.lut) / Double(part.luts)
        ffFraction = Double(counts.ff) / Double(part.ffs)
        dspFraction = Double(counts.dsp) / Double(part.dsps)
    }
}

/// The resources section.
public struct ResourceReport: Codable, Sendable, Equatable {
    /// How the counts were obtained, e.g. `yosys synth_xilinx -family xcup`.
    public var method: String
    /// True for the analytic estimate (no synthesis ran).
    public var isEstimate: Bool
    public var total: ResourceCounts
    public var modules: [ModuleResources]
    public var part: PartUsage?
    public var notes: [String]

    public init(method: String, isEstimate: Bool, total: ResourceCounts, modules: [ModuleResources],
                part: FPGAPart?, notes: [String] = []) {
        self.method = method
        self.isEstimate = isEstimate
        self.total = total
        self.modules = modules
        self.part = part.map { PartUsage(total, of: $0) }
        self.notes = notes
    }
}

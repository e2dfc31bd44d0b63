import VerilogBackend

/// What a command lets the user choose about the Verilog: the FPGA family
/// whose delays pipeline it (docs/verilog-backend.md, "The delay model"),
/// whether the softmax's products go to DSP blocks and whether adders may
/// be ternary (Xilinx primitives).
public struct RTLChoice: Sendable, Equatable {
    /// `xc7` or `xcup` (``CompilerDriver/familyNames``).
    public var family: String
    public var softmaxDSP: Bool
    /// `all`, `latency` or `off` (``TernaryAdderUse``).
    public var ternaryAdders: String

    public init(family: String = CompilerDriver.defaultFamily, softmaxDSP: Bool = false,
                ternaryAdders: String = CompilerDriver.defaultTernaryAdders) {
        self.family = family
        self.softmaxDSP = softmaxDSP
        self.ternaryAdders = ternaryAdders
    }

    /// The family, or an option error naming the accepted ones.
    func parsedFamily() throws(DriverError) -> FPGAFamily {
        guard let f = FPGAFamily(rawValue: family) else {
            throw .option("--family must be one of: " + CompilerDriver.familyNames.joined(separator: ", ") + ", not '\(family)'")
        }
        return f
    }

    /// Where adders are ternary, or an option error naming the accepted choices.
    func parsedTernaryAdders() throws(DriverError) -> TernaryAdderUse {
        guard let use = TernaryAdderUse(rawValue: ternaryAdders) else {
            throw .option("--ternary-adders must be one of: " + TernaryAdderUse.allCases.map(\.rawValue).joined(separator: ", ")
                + ", not '\(ternaryAdders)'")
        }
        return use
    }

    /// The Verilog backend's options for a `clockNs` clock.
    func verilogOptions(clockNs: Double) throws(DriverError) -> VerilogOptions {
        VerilogOptions(clockNs: clockNs, family: try parsedFamily(), dspMultipliers: softmaxDSP, ternaryAdders: try parsedTernaryAdders())
    }
}

extension CompilerDriver {
    /// The families the pipeliner has delays for.
    public static var familyNames: [String] { FPGAFamily.allCases.map(\.rawValue) }
    /// UltraScale+, the family of the current L1 trigger boards.
    public static var defaultFamily: String { FPGAFamily.standard.rawValue }
    /// Ternary adders wherever they save LUTs.
    public static var defaultTernaryAdders: String { TernaryAdderUse.all.rawValue }
}

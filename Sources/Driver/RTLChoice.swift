import VerilogBackend

/// What a command lets the user choose about the Verilog: the FPGA family
/// whose delays pipeline it (docs/verilog-backend.md, "The delay model") and
/// whether the softmax's products go to DSP blocks.
public struct RTLChoice: Sendable, Equatable {
    /// `xc7` or `xcup` (``CompilerDriver/familyNames``).
    public var family: String
    public var softmaxDSP: Bool

    public init(family: String = CompilerDriver.defaultFamily, softmaxDSP: Bool = false) {
        self.family = family
        self.softmaxDSP = softmaxDSP
    }

    /// The family, or an option error naming the accepted ones.
    func parsedFamily() throws(DriverError) -> FPGAFamily {
        guard let f = FPGAFamily(rawValue: family) else {
            throw .option("--family must be one of: " + CompilerDriver.familyNames.joined(separator: ", ") + ", not '\(family)'")
        }
        return f
    }

    /// The Verilog backend's options for a `clockNs` clock.
    func verilogOptions(clockNs: Double) throws(DriverError) -> VerilogOptions {
        VerilogOptions(clockNs: clockNs, family: try parsedFamily(), dspMultipliers: softmaxDSP)
    }
}

extension CompilerDriver {
    /// The families the pipeliner has delays for.
    public static var familyNames: [String] { FPGAFamily.allCases.map(\.rawValue) }
    /// UltraScale+, the family of the current L1 trigger boards.
    public static var defaultFamily: String { FPGAFamily.standard.rawValue }
}

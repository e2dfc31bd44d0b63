import VerilogBackend

/// What a command lets the user choose about the Verilog: the FPGA family
/// whose delays pipeline it (docs/verilog-backend.md, "The delay model"),
/// whether the softmax's products go to DSP blocks and whether adders may
/// be ternary (Xilinx primitives). A nil field was not given: the default
/// applies when a design is emitted, and `simulate DIR` knows it was not set.
public struct RTLChoice: Sendable, Equatable {
    public var family: FPGAFamily?
    public var softmaxDSP: Bool
    public var ternaryAdders: TernaryAdderUse?

    public init(family: FPGAFamily? = nil, softmaxDSP: Bool = false, ternaryAdders: TernaryAdderUse? = nil) {
        self.family = family
        self.softmaxDSP = softmaxDSP
        self.ternaryAdders = ternaryAdders
    }

    /// The family the Verilog is pipelined for.
    public var resolvedFamily: FPGAFamily { family ?? .standard }
    /// Where adders are ternary.
    public var resolvedTernaryAdders: TernaryAdderUse { ternaryAdders ?? CompilerDriver.defaultTernaryAdders }

    /// The options that were given, as the command line names them.
    public var given: [String] {
        (family != nil ? ["--family"] : []) + (softmaxDSP ? ["--softmax-dsp"] : []) + (ternaryAdders != nil ? ["--ternary-adders"] : [])
    }

    /// The Verilog backend's options for a `clockNs` clock.
    func verilogOptions(clockNs: Double) -> VerilogOptions {
        VerilogOptions(clockNs: clockNs, family: resolvedFamily, dspMultipliers: softmaxDSP, ternaryAdders: resolvedTernaryAdders)
    }
}

extension CompilerDriver {
    /// The families the pipeliner has delays for.
    public static var familyNames: [String] { FPGAFamily.allCases.map(\.rawValue) }
    /// UltraScale+, the family of the current L1 trigger boards.
    public static var defaultFamily: FPGAFamily { .standard }
    /// Ternary adders wherever they save LUTs.
    public static var defaultTernaryAdders: TernaryAdderUse { .all }
}

import NetlistIR

/// What the Verilog backend made, in the words `design.json` stores as they
/// are: the top module, the measured schedule, every option the design was
/// emitted with, and the files a simulator or a synthesis tool reads (paths
/// relative to the `rtl/` folder). The emitter returns it inside
/// ``VerilogDesign``; `simulate` of a fresh model and `simulate DIR` both
/// build their Verilator run from it, so nothing is copied field by field.
public struct RTLRecord: Codable, Sendable, Equatable {
    /// The top module's name (the model's name, made a legal identifier).
    public var topModule: String
    /// Clock cycles from `in_valid` to the matching `out_valid`.
    public var latencyCycles: Int
    /// Cycles between accepted events: 1, or the largest reuse factor of a
    /// time-multiplexed convolution.
    public var initiationInterval: Int
    /// The clock period the stages were cut for (the one implied by a
    /// stage budget when `--latency-cycles` set it).
    public var clockNs: Double
    /// The family whose delays set the pipeline (`--family`).
    public var family: FPGAFamily
    /// Picoseconds of logic per pipeline stage.
    public var stageBudgetPs: Int
    /// The softmax's products on DSP blocks (`--softmax-dsp`).
    public var dspMultipliers: Bool
    /// Where ternary adders were built (`--ternary-adders`).
    public var ternaryAdders: TernaryAdderUse
    /// Whether signed-digit pairs several outputs share were computed once.
    public var shareSubexpressions: Bool
    /// The Verilog files in a valid compile order (helper modules, ops,
    /// then the top): what synthesis reads.
    public var verilogFiles: [String]
    /// The modules op modules instantiate (the ternary adder), among
    /// ``verilogFiles``; empty when no op needs one.
    public var helperModules: [String]
    /// Simulation models of the vendor primitives the helper modules
    /// instantiate, for Verilator only (synthesis tools bring their own).
    public var simulationModels: [String]
    /// The Verilator C++ testbench.
    public var testbench: String

    public init(topModule: String, latencyCycles: Int, initiationInterval: Int, options: VerilogOptions,
                verilogFiles: [String], helperModules: [String], simulationModels: [String], testbench: String) {
        self.topModule = topModule
        self.latencyCycles = latencyCycles
        self.initiationInterval = initiationInterval
        clockNs = options.impliedClockNs
        family = options.family
        stageBudgetPs = options.effectiveStageBudget
        dspMultipliers = options.dspMultipliers
        ternaryAdders = options.ternaryAdders
        shareSubexpressions = options.shareSubexpressions
        self.verilogFiles = verilogFiles
        self.helperModules = helperModules
        self.simulationModels = simulationModels
        self.testbench = testbench
    }

    /// The options that emit this design again from the same model.
    public var options: VerilogOptions {
        VerilogOptions(clockNs: clockNs, family: family, stageBudget: stageBudgetPs, shareSubexpressions: shareSubexpressions,
                       dspMultipliers: dspMultipliers, ternaryAdders: ternaryAdders)
    }

    enum CodingKeys: String, CodingKey {
        case topModule, latencyCycles, initiationInterval, clockNs, family, stageBudgetPs, dspMultipliers, ternaryAdders,
             shareSubexpressions, verilogFiles, helperModules, simulationModels, testbench
    }

    /// Reads a record; the fields that folders written before they were
    /// recorded lack take the values those compilers used.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        topModule = try c.decode(String.self, forKey: .topModule)
        latencyCycles = try c.decode(Int.self, forKey: .latencyCycles)
        initiationInterval = try c.decodeIfPresent(Int.self, forKey: .initiationInterval) ?? 1
        clockNs = try c.decode(Double.self, forKey: .clockNs)
        family = try c.decode(FPGAFamily.self, forKey: .family)
        stageBudgetPs = try c.decode(Int.self, forKey: .stageBudgetPs)
        dspMultipliers = try c.decode(Bool.self, forKey: .dspMultipliers)
        ternaryAdders = try c.decodeIfPresent(TernaryAdderUse.self, forKey: .ternaryAdders) ?? .all
        shareSubexpressions = try c.decodeIfPresent(Bool.self, forKey: .shareSubexpressions) ?? true
        verilogFiles = try c.decode([String].self, forKey: .verilogFiles)
        helperModules = try c.decodeIfPresent([String].self, forKey: .helperModules) ?? []
        simulationModels = try c.decodeIfPresent([String].self, forKey: .simulationModels) ?? []
        testbench = try c.decode(String.self, forKey: .testbench)
    }
}

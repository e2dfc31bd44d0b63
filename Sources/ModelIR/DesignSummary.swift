/// What a hardware backend tells the rest of the flow about a design it
/// generated: the schedule and per-op logic counts. Backend-neutral, so that
/// the Verilog emitter produces it directly and Reports reads it without
/// depending on any backend.
public struct DesignSummary: Sendable, Equatable {
    /// Clock cycles from input valid to output valid, as scheduled.
    public var latencyCycles: Int
    /// Cycles between accepted inputs (1: fully pipelined).
    public var initiationInterval: Int
    /// Delay-line register bits in the top module (aligning branches and outputs).
    public var delayRegisterBits: Int
    /// One entry per op module, in op order.
    public var stages: [StageInfo]

    public init(latencyCycles: Int, initiationInterval: Int, delayRegisterBits: Int, stages: [StageInfo]) {
        self.latencyCycles = latencyCycles
        self.initiationInterval = initiationInterval
        self.delayRegisterBits = delayRegisterBits
        self.stages = stages
    }
}

/// One op's module in a pipelined design: where it sits in the schedule and
/// the logic it holds. Encoded as is in report.json.
public struct StageInfo: Codable, Sendable, Equatable {
    /// The module name in the generated RTL.
    public var module: String
    /// The lowered op's name.
    public var op: String
    public var kind: String
    public var sourceLayers: [String]
    /// Cycle (after the top's input valid) at which the op reads its inputs.
    public var startCycle: Int
    /// Register stages inside the module (0: pure wiring).
    public var cycles: Int
    /// Adders and subtractors (constant multiplications included).
    public var adders: Int
    /// The adders' summed widths in bits (nil in reports written before it existed).
    public var adderBits: Int?
    public var multipliers: Int
    public var romWords: Int
    /// Pipeline register bits inside the module that hold a read, possibly nonzero bit (NetlistCost).
    public var registerBits: Int

    public init(module: String, op: String, kind: String, sourceLayers: [String], startCycle: Int, cycles: Int,
                adders: Int = 0, adderBits: Int? = nil, multipliers: Int = 0, romWords: Int = 0, registerBits: Int = 0) {
        self.module = module
        self.op = op
        self.kind = kind
        self.sourceLayers = sourceLayers
        self.startCycle = startCycle
        self.cycles = cycles
        self.adders = adders
        self.adderBits = adderBits
        self.multipliers = multipliers
        self.romWords = romWords
        self.registerBits = registerBits
    }
}

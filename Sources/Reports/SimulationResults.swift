import ModelIR

/// What the driver learned from running the generated designs, handed to the
/// report. Every field is optional: a field is nil when that step did not
/// run, and the report says so instead of guessing. The Simulation module
/// (C simulation of the HLS project, Verilator RTL simulation) and the
/// Verilog emitter fill it; Reports never runs them itself.
public struct SimulationResults: Codable, Sendable, Equatable {
    /// Events compared between the HLS C simulation and the reference.
    public var csimEvents: Int?
    /// Output elements whose raw code differed (must be 0).
    public var csimMismatches: Int?
    /// Events compared between the Verilator RTL simulation and the reference.
    public var rtlEvents: Int?
    /// Output elements whose raw code differed (must be 0).
    public var rtlMismatches: Int?
    /// A description of the first mismatch, if any (e.g. "event 3, output 1: ...").
    public var firstMismatch: String?
    /// Clock cycles from input valid to output valid, measured in RTL simulation.
    public var latencyCycles: Int?
    /// Cycles between accepted inputs (1: fully pipelined).
    public var initiationInterval: Int?
    /// Latency planned by the backend (``DesignSummary/latencyCycles``),
    /// used when no measurement is given.
    public var scheduledLatencyCycles: Int?
    /// Per-op pipeline stages and logic counts of the generated design
    /// (``DesignSummary/stages``); empty when no design was generated.
    public var stages: [StageInfo]
    /// Extra delay-line register bits in the top module.
    public var delayRegisterBits: Int?

    public init(csimEvents: Int? = nil, csimMismatches: Int? = nil, rtlEvents: Int? = nil, rtlMismatches: Int? = nil,
                firstMismatch: String? = nil, latencyCycles: Int? = nil, initiationInterval: Int? = nil,
                scheduledLatencyCycles: Int? = nil, stages: [StageInfo] = [], delayRegisterBits: Int? = nil) {
        self.csimEvents = csimEvents
        self.csimMismatches = csimMismatches
        self.rtlEvents = rtlEvents
        self.rtlMismatches = rtlMismatches
        self.firstMismatch = firstMismatch
        self.latencyCycles = latencyCycles
        self.initiationInterval = initiationInterval
        self.scheduledLatencyCycles = scheduledLatencyCycles
        self.stages = stages
        self.delayRegisterBits = delayRegisterBits
    }

    /// Takes the schedule, stages and register counts of a generated design.
    public mutating func record(_ design: DesignSummary) {
        scheduledLatencyCycles = design.latencyCycles
        initiationInterval = design.initiationInterval
        delayRegisterBits = design.delayRegisterBits
        stages = design.stages
    }
}

/// Agreement of the three fixed-point implementations on the same events.
public struct ImplementationAgreement: Codable, Sendable, Equatable {
    /// One comparison with the reference.
    public struct Comparison: Codable, Sendable, Equatable {
        /// `HLS C simulation` or `Verilator RTL`.
        public var implementation: String
        /// nil: not run.
        public var events: Int?
        public var mismatches: Int?
        public var ran: Bool { mismatches != nil }
    }

    public var referenceEvents: Int
    public var comparisons: [Comparison]
    public var firstMismatch: String?

    public init(referenceEvents: Int, simulation: SimulationResults) {
        self.referenceEvents = referenceEvents
        comparisons = [
            Comparison(implementation: "HLS C simulation", events: simulation.csimEvents, mismatches: simulation.csimMismatches),
            Comparison(implementation: "Verilator RTL", events: simulation.rtlEvents, mismatches: simulation.rtlMismatches),
        ]
        firstMismatch = simulation.firstMismatch
    }

    /// Total mismatches over the comparisons that ran (nil: none ran).
    public var totalMismatches: Int? {
        let ran = comparisons.compactMap(\.mismatches)
        return ran.isEmpty ? nil : ran.reduce(0, +)
    }
}

/// One op's share of the pipeline.
public struct StageLatency: Codable, Sendable, Equatable {
    public var op: String
    public var kind: String
    public var sourceLayers: [String]
    public var startCycle: Int
    public var cycles: Int
    public var ns: Double
}

/// Latency at the chosen clock.
public struct LatencyReport: Codable, Sendable, Equatable {
    public var clockNs: Double
    /// nil when neither a measurement nor a schedule was given.
    public var cycles: Int?
    public var ns: Double?
    /// `measured in Verilator RTL simulation`, `scheduled by the Verilog emitter`, or `not available`.
    public var source: String
    public var initiationInterval: Int?
    public var stages: [StageLatency]

    public init(clockNs: Double, simulation: SimulationResults) {
        self.clockNs = clockNs
        if let measured = simulation.latencyCycles {
            cycles = measured
            source = "measured in Verilator RTL simulation"
        } else if let scheduled = simulation.scheduledLatencyCycles {
            cycles = scheduled
            source = "scheduled by the Verilog emitter"
        } else {
            cycles = nil
            source = "not available (no Verilog design or simulation given)"
        }
        ns = cycles.map { Double($0) * clockNs }
        initiationInterval = simulation.initiationInterval
        stages = simulation.stages.map {
            StageLatency(op: $0.op, kind: $0.kind, sourceLayers: $0.sourceLayers, startCycle: $0.startCycle,
                         cycles: $0.cycles, ns: Double($0.cycles) * clockNs)
        }
    }
}

import FileSafety
import Foundation
import Simulation
import TensorIO

/// `hepml-compile simulate`: the generated Verilog in Verilator, compared with the reference.
public struct SimulateOptions: Sendable {
    public var model: ModelSource
    /// Events, CSV or `.npy` by extension.
    public var input: String
    /// Where the RTL outputs go (real values).
    public var output: String
    public var clockNs = 5.0
    public var maxRTLSize = CompilerDriver.defaultMaxRTLSize
    /// The Verilator build cache; nil: the per-user cache.
    public var work: String?
    /// Parallel C++ compile jobs.
    public var jobs = 2
    /// Compile the Verilated C++ with -O0.
    public var quickBuild = false
    /// Verilator `--threads`.
    public var verilatorThreads = 1
    /// The FPGA family of the Verilog's delays, and DSPs for the softmax.
    public var rtl = RTLChoice()

    public init(model: ModelSource, input: String, output: String) {
        self.model = model
        self.input = input
        self.output = output
    }
}

/// What a simulation against the reference found: the lines to print, and
/// the verification failure (exit 5) to report after them, if any.
public struct SimulationOutcome: Sendable {
    public var lines: [String]
    public var mismatch: DriverError?
}

extension CompilerDriver {
    /// Emits the pipelined RTL, builds and runs it on the events, writes the
    /// outputs and compares every output code and the latency with the reference.
    public static func simulate(_ options: SimulateOptions, console: Console = .standard) async throws(DriverError) -> SimulationOutcome {
        try BackendOptions.checkClock(options.clockNs)
        let family = try options.rtl.parsedFamily()
        try OutputWriter.refuseOverwriting(options.output, inputs: [options.model.path, options.input])
        let loaded = try options.model.load(console: console)
        try checkRTLSize(loaded, limit: options.maxRTLSize)
        let events = try readEvents(path: options.input, for: loaded.model)
        let simulation: VerilatorSimulation
        let result: VerilatorSimulation.Result
        do {
            simulation = try VerilatorSimulation(model: loaded.model, clockNs: options.clockNs, family: family,
                                                 dspMultipliers: options.rtl.softmaxDSP, cacheDirectory: options.work, jobs: options.jobs,
                                                 profile: options.quickBuild ? .quickBuild : .fastSimulation, threads: options.verilatorThreads)
            result = try await simulation.run(events)
        } catch {
            throw DriverError(error)
        }
        do { try EventFile.write(result.realOutputs(loaded.model), to: options.output) } catch { throw .refused(error) }

        let build = result.build.rebuilt ? String(format: "built in %.1f s", result.build.seconds) : "cached build"
        let measured = result.measuredLatency.map { "\($0)" }
            ?? result.latencyRange.map { "\($0.lowerBound)...\($0.upperBound) (varies!)" } ?? "none (no output)"
        var lines = [
            "rtl: \(result.build.directory) (\(build))",
            "simulated \(result.events) events: latency \(measured) cycles (emitter: \(simulation.reportedLatency)), "
                + String(format: "%.0f events/s (the Swift reference: %.0f events/s)", result.eventsPerSecond, result.referenceEventsPerSecond),
            "bit mismatches vs the Swift reference: \(result.mismatchCount)",
            "outputs written to \(options.output)",
        ]
        lines += result.mismatches.prefix(10).map { "  \($0)" }
        var mismatch: DriverError?
        if result.mismatchCount > 0 || result.missingEvents > 0 {
            mismatch = .mismatch("\(result.mismatchCount) output codes differ from the reference"
                + (result.missingEvents > 0 ? " (\(result.missingEvents) events never came out)" : ""))
        } else if result.measuredLatency != simulation.reportedLatency {
            mismatch = .mismatch("measured latency \(measured) differs from the emitter's \(simulation.reportedLatency) cycles")
        }
        return SimulationOutcome(lines: lines, mismatch: mismatch)
    }
}

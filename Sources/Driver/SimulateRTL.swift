import FileSafety
import Foundation
import Simulation
import TensorIO

/// `hepml-compile simulate`: the generated Verilog in Verilator, compared with the reference.
public struct SimulateOptions: Sendable {
    /// A model file, or a compiled design folder (one holding
    /// `hepml-manifest.json`) whose `rtl/` is simulated as it is.
    public var model: ModelSource
    /// Events, CSV or `.npy` by extension.
    public var input: String
    /// Where the RTL outputs go (real values).
    public var output: String
    /// The clock the Verilog is emitted for; nil: 5 ns. Only for a model file.
    public var clockNs: Double?
    /// Only for a model file; nil: ``CompilerDriver/defaultMaxRTLSize``.
    public var maxRTLSize: Int?
    /// The Verilator build cache; nil: the per-user cache.
    public var work: String?
    /// Parallel C++ compile jobs.
    public var jobs = 2
    /// Compile the Verilated C++ with -O0.
    public var quickBuild = false
    /// Simulate ternary adders as their Xilinx primitives (``VerilatorSimulation/primitiveAdders``).
    public var primitiveAdders = false
    /// Verilator `--threads`.
    public var verilatorThreads = 1
    /// The FPGA family of the Verilog's delays, DSPs for the softmax and
    /// ternary adders, as given (only for a model file: `simulate DIR`
    /// refuses any of them).
    public var rtl = RTLChoice()

    /// The events of inputs with a float-scale or bipolar Quant are its codes already.
    public var inputCodes = false

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
    /// The clock `simulate model.json` emits the Verilog for unless told otherwise.
    public static let defaultSimulationClockNs = 5.0

    /// Emits the pipelined RTL (or, given a compiled folder, reads its
    /// `rtl/`), builds and runs it on the events, writes the outputs and
    /// compares every output code and the latency with the reference.
    public static func simulate(_ options: SimulateOptions, console: Console = .standard) async throws(DriverError) -> SimulationOutcome {
        if try DesignFolder.holdsDesign(options.model.path, command: "simulate") { return try await simulateFolder(options, console: console) }
        let clockNs = options.clockNs ?? defaultSimulationClockNs
        try BackendOptions.checkClock(clockNs)
        let rtl = options.rtl
        if let limit = options.maxRTLSize { try checkMaxRTLSize(limit) }
        try OutputWriter.refuseOverwriting(options.output, inputs: [options.model.path, options.input])
        let loaded = try options.model.load(console: console)
        try checkRTLSize(loaded, limit: options.maxRTLSize ?? defaultMaxRTLSize)
        var events = try readEvents(path: options.input, for: loaded.model)
        if !options.inputCodes, let floatInputs = FloatInputs(loaded.graph) { events = floatInputs.apply(events) }
        var simulation: VerilatorSimulation
        do {
            simulation = try VerilatorSimulation(model: loaded.model, clockNs: clockNs, family: rtl.resolvedFamily,
                                                 dspMultipliers: rtl.softmaxDSP, ternaryAdders: rtl.resolvedTernaryAdders,
                                                 cacheDirectory: options.work, jobs: options.jobs,
                                                 profile: options.quickBuild ? .quickBuild : .fastSimulation, threads: options.verilatorThreads)
        } catch {
            throw DriverError(error)
        }
        simulation.primitiveAdders = options.primitiveAdders
        return try await run(simulation, on: events, output: options.output, latencyFrom: "emitter", floatOutputs: FloatOutputs(loaded.graph))
    }

    /// Runs a prepared simulation, writes its outputs and compares them and
    /// the latency with the reference; `latencyFrom` names who reported the
    /// expected latency (the emitter, or a folder's design.json).
    static func run(_ simulation: VerilatorSimulation, on events: EventTable, output: String,
                    latencyFrom source: String, floatOutputs: FloatOutputs? = nil) async throws(DriverError) -> SimulationOutcome {
        let result: VerilatorSimulation.Result
        do { result = try await simulation.run(events) } catch { throw DriverError(error) }
        var real = result.compared.realOutputs(simulation.model)
        if let floatOutputs { real = floatOutputs.apply(real) }
        do { try EventFile.write(real, to: output) } catch { throw .refused(error) }

        let build = result.build.cached ? "cached build" : String(format: "built in %.1f s", result.build.seconds)
        let measured = result.measuredLatency.map { "\($0)" }
            ?? result.latencyRange.map { "\($0.lowerBound)...\($0.upperBound) (varies!)" } ?? "none (no output)"
        var lines = [
            "rtl: \(result.build.folder) (\(build))",
            "simulated \(result.compared.events) events: latency \(measured) cycles (\(source): \(simulation.reportedLatency)), "
                + (simulation.sources.initiationInterval > 1
                    ? "II \(result.measuredInterval.map(String.init) ?? "-") cycles (\(source): \(simulation.sources.initiationInterval)), " : "")
                + String(format: "%.0f events/s (the Swift reference: %.0f events/s)", result.eventsPerSecond, result.referenceEventsPerSecond),
            "bit mismatches vs the Swift reference: \(result.compared.mismatchCount)",
            "outputs written to \(output)",
        ]
        lines += result.compared.mismatches.prefix(10).map { "  \($0)" }
        var mismatch: DriverError?
        if result.compared.mismatchCount > 0 || result.missingEvents > 0 {
            mismatch = .mismatch("\(result.compared.mismatchCount) output codes differ from the reference"
                + (result.missingEvents > 0 ? " (\(result.missingEvents) events never came out)" : ""))
        } else if result.measuredLatency != simulation.reportedLatency {
            mismatch = .mismatch("measured latency \(measured) differs from \(source == "emitter" ? "the emitter" : source)'s \(simulation.reportedLatency) cycles")
        } else if let ii = result.measuredInterval, ii != simulation.sources.initiationInterval {
            mismatch = .mismatch("measured II \(ii) differs from \(source == "emitter" ? "the emitter" : source)'s \(simulation.sources.initiationInterval) cycles")
        }
        return SimulationOutcome(lines: lines, mismatch: mismatch)
    }
}

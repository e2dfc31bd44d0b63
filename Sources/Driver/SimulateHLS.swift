import Foundation
import HLSBackend
import Simulation
import TensorIO

/// `hepml-compile csim`: the generated HLS C++ compiled with g++, compared with the reference.
public struct CSimOptions: Sendable {
    /// A model file, or a compiled design folder (one holding
    /// `hepml-manifest.json`) whose `hls/firmware/` is compiled as it is.
    public var model: ModelSource
    /// Events, one per row.
    public var input: String
    /// Where the C simulation's outputs go (real values).
    public var output: String
    /// The folder holding ap_fixed.h; nil: $HEPML_AP_TYPES, else the hls4ml package's.
    public var apTypes: String?
    /// HLS reuse factor; nil: 1. Only for a model file (a folder's is in its design.json).
    public var reuse: Int?
    /// The build cache; nil: the per-user cache.
    public var work: String?

    /// The events of inputs with a float-scale or bipolar Quant are its codes already.
    public var inputCodes = false

    public init(model: ModelSource, input: String, output: String) {
        self.model = model
        self.input = input
        self.output = output
    }
}

extension CompilerDriver {
    /// Emits the HLS project (or, given a compiled folder, reads its
    /// `hls/firmware/`), compiles it with its harness, runs it on the events,
    /// writes the outputs and compares every output code with the reference.
    public static func cSimulate(_ options: CSimOptions, console: Console = .standard) async throws(DriverError) -> SimulationOutcome {
        if try DesignFolder.holdsDesign(options.model.path, command: "csim") { return try await cSimulateFolder(options, console: console) }
        try OutputWriter.refuseOverwriting(options.output, inputs: [options.model.path, options.input])
        let loaded = try options.model.load(console: console)
        var events = try readEvents(path: options.input, for: loaded.model)
        if !options.inputCodes, let floatInputs = FloatInputs(loaded.graph) { events = floatInputs.apply(events) }
        let simulation: CSimulation
        do {
            simulation = try CSimulation(model: loaded.model, options: HLSOptions(reuseFactor: options.reuse ?? 1),
                                         apTypes: options.apTypes, cacheDirectory: options.work)
        } catch {
            throw DriverError(error)
        }
        return try await run(simulation, on: events, output: options.output, floatOutputs: FloatOutputs(loaded.graph))
    }

    /// Runs a prepared C simulation, writes its outputs and compares them with the reference.
    static func run(_ simulation: CSimulation, on events: EventTable, output: String,
                    floatOutputs: FloatOutputs? = nil) async throws(DriverError) -> SimulationOutcome {
        let report: CSimulation.Report
        do { report = try await simulation.run(events) } catch { throw DriverError(error) }
        var real = report.compared.realOutputs(simulation.model)
        if let floatOutputs { real = floatOutputs.apply(real) }
        do { try EventFile.write(real, to: output) } catch { throw .refused(error) }

        let build = report.build.cached ? "cached build" : String(format: "built in %.1f s", report.build.seconds)
        var lines = [
            "csim: \(report.build.executable) (\(build))",
            "simulated \(report.compared.events) events: " + String(format: "%.0f events/s", report.eventsPerSecond),
            "bit mismatches vs the Swift reference: \(report.compared.mismatchCount)",
            "outputs written to \(output)",
        ]
        lines += report.compared.mismatches.prefix(10).map { "  \($0)" }
        let mismatch: DriverError? = report.compared.mismatchCount > 0
            ? .mismatch("\(report.compared.mismatchCount) output codes of the C simulation differ from the reference") : nil
        return SimulationOutcome(lines: lines, mismatch: mismatch)
    }
}

import Foundation
import HLSBackend
import Simulation
import TensorIO

/// `hepml-compile csim`: the generated HLS C++ compiled with g++, compared with the reference.
public struct CSimOptions: Sendable {
    public var model: ModelSource
    /// Events, one per row.
    public var input: String
    /// Where the C simulation's outputs go (real values).
    public var output: String
    /// The folder holding ap_fixed.h; nil: $HEPML_AP_TYPES, else the hls4ml package's.
    public var apTypes: String?
    /// HLS reuse factor.
    public var reuse = 1
    /// The build cache; nil: the per-user cache.
    public var work: String?

    public init(model: ModelSource, input: String, output: String) {
        self.model = model
        self.input = input
        self.output = output
    }
}

extension CompilerDriver {
    /// Emits the HLS project, compiles it with its harness, runs it on the
    /// events, writes the outputs and compares every output code with the reference.
    public static func cSimulate(_ options: CSimOptions, console: Console = .standard) async throws(DriverError) -> SimulationOutcome {
        try OutputWriter.refuseOverwriting(options.output, inputs: [options.model.path, options.input])
        let loaded = try options.model.load(console: console)
        let events = try readEvents(path: options.input, for: loaded.model)
        let report: CSimulation.Report
        do {
            let simulation = try CSimulation(model: loaded.model, options: HLSOptions(reuseFactor: options.reuse),
                                             apTypes: options.apTypes, cacheDirectory: options.work)
            report = try await simulation.run(events)
        } catch {
            throw DriverError(error)
        }
        do { try EventFile.write(report.realOutputs(loaded.model), to: options.output) } catch { throw .refused(error) }

        let build = report.build.cached ? "cached build" : String(format: "built in %.1f s", report.build.seconds)
        var lines = [
            "csim: \(report.build.binary) (\(build))",
            "simulated \(report.events) events: " + String(format: "%.0f events/s", report.eventsPerSecond),
            "bit mismatches vs the Swift reference: \(report.mismatchCount)",
            "outputs written to \(options.output)",
        ]
        lines += report.mismatches.prefix(10).map { "  \($0)" }
        let mismatch: DriverError? = report.mismatchCount > 0
            ? .mismatch("\(report.mismatchCount) output codes of the C simulation differ from the reference") : nil
        return SimulationOutcome(lines: lines, mismatch: mismatch)
    }
}

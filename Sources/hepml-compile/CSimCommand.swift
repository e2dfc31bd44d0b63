import ArgumentParser
import Driver
import FileSafety
import Foundation
import HLSBackend
import Simulation
import TensorIO
import Toolchain

/// `hepml-compile csim`: the generated HLS C++, compiled with g++ against the
/// open ap_types headers, run on events from a CSV file and compared bit by
/// bit with the Swift reference (C simulation without Vitis).
struct CSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csim",
        abstract: "C-simulate the generated HLS project with g++ and compare every output bit with the reference.",
        discussion: """
        Emits the HLS firmware, compiles it with a small harness (g++ -std=c++17 -O1; cached: the same \
        sources are not rebuilt), runs it on the events, writes the outputs (real values) and prints the \
        number of output codes that differ from the bit-exact Swift reference and the events per second. \
        The ap_types headers come from --ap-types, else $HEPML_AP_TYPES, else the hls4ml Python package \
        (scripts/setup.sh installs it). Exits with 5 when any output differs, 3 when g++ or the headers are missing.
        """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Input events, one per row (CSV).")
    var input: String

    @Option(help: "Where to write the C simulation's outputs (CSV, or .npy by extension; real values, one row per event).")
    var output: String

    @Option(name: .customLong("ap-types"), help: ArgumentHelp("Folder holding ap_fixed.h (default: $HEPML_AP_TYPES, else the hls4ml package's templates/vivado/ap_types).", valueName: "dir"))
    var apTypes: String?

    @Option(help: "HLS reuse factor: 1 is the latency strategy, larger the resource strategy.")
    var reuse: Int = 1

    @Option(help: ArgumentHelp("Folder for the compiled simulations (cached by source hash); default: the per-user cache, $XDG_CACHE_HOME/hepml-compile or ~/.cache/hepml-compile; it must be yours and not writable by others.", valueName: "dir"))
    var work: String?

    func validate() throws {
        guard reuse >= 1 else { throw ValidationError("--reuse must be at least 1") }
    }

    func run() async throws {
        do {
            try OutputWriter.refuseOverwriting(output, inputs: [modelOptions.model, input])
            let loaded = try modelOptions.load()
            let events = try CompilerDriver.readEvents(path: input, for: loaded.model)
            let report: CSimulation.Report
            do {
                let simulation = try CSimulation(model: loaded.model, options: HLSOptions(reuseFactor: reuse),
                                                 apTypes: apTypes, cacheDirectory: work)
                report = try await simulation.run(events)
            } catch {
                throw Self.driverError(error)
            }
            do { try EventFile.write(report.realOutputs(loaded.model), to: output) } catch { throw DriverError.refused(error) }

            let build = report.build.cached ? "cached build" : String(format: "built in %.1f s", report.build.seconds)
            print("csim: \(report.build.binary) (\(build))")
            print("simulated \(report.events) events: " + String(format: "%.0f events/s", report.eventsPerSecond))
            print("bit mismatches vs the Swift reference: \(report.mismatchCount)")
            print("outputs written to \(output)")
            for m in report.mismatches.prefix(10) { print("  \(m)") }
            if report.mismatchCount > 0 {
                throw DriverError.mismatch("\(report.mismatchCount) output codes of the C simulation differ from the reference")
            }
        } catch let error as DriverError {
            throw fail(error)
        }
    }

    static func driverError(_ error: CSimError) -> DriverError {
        switch error {
        case .apTypesNotFound: return .tool(.notInstalled(tool: "ap_types (ap_fixed.h)", hint: error.description))
        case .tool(let e): return .tool(e)
        case .emit(let s), .input(let s): return .option(s)
        case .output(let s), .io(let s): return .io(s)
        case .refused(let e): return .refused(e)
        case .installation(let s): return .installation(s)
        }
    }
}

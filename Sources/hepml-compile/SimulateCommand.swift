import ArgumentParser
import Driver
import FileSafety
import Foundation
import Simulation
import TensorIO

/// `hepml-compile simulate`: the generated Verilog, simulated with Verilator
/// on events from a CSV file and compared bit by bit with the Swift reference.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate the generated Verilog with Verilator and compare every output bit with the reference.",
        discussion: """
        Emits the pipelined RTL, builds it with its C++ testbench (optimized with -O2 unless --quick-build; \
        cached: the same design is not rebuilt), streams the events one per clock through a binary file, writes the outputs (real values) and prints the measured latency, \
        the simulation speed and the number of output codes that differ from the bit-exact Swift reference. \
        Exits with 5 when any differs, 3 when Verilator is not installed.
        """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Input events, one per row (CSV, or .npy by extension).")
    var input: String

    @Option(help: "Where to write the RTL outputs (CSV, or .npy by extension; real values, one row per event).")
    var output: String

    @Option(name: .customLong("clock-ns"), help: "Target clock period in ns (0.1 to 1000); sets the logic depth per pipeline stage.")
    var clockNs: Double = 5.0

    @OptionGroup var rtlSize: RTLSizeOptions

    @OptionGroup var familyOptions: FamilyOptions

    @Option(help: ArgumentHelp("Folder for the Verilator builds (cached by design); default: the per-user cache, $XDG_CACHE_HOME/hepml-compile or ~/.cache/hepml-compile; it must be yours and not writable by others.", valueName: "dir"))
    var work: String?

    @Option(help: "Parallel C++ compile jobs for the Verilator build.")
    var jobs: Int = 2

    @Flag(help: "Compile the Verilated C++ without optimization (-O0): builds several times faster, simulates several times slower.")
    var quickBuild = false

    @Option(name: .customLong("verilator-threads"), help: "Threads of the Verilated model (Verilator --threads); 1 is fastest for small designs.")
    var verilatorThreads: Int = 1

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard verilatorThreads >= 1 else { throw ValidationError("--verilator-threads must be at least 1") }
    }

    func run() async throws {
        do {
            try CompileOptions.checkClock(clockNs)
            try OutputWriter.refuseOverwriting(output, inputs: [modelOptions.model, input])
            let family = try familyOptions.parsed()
            let loaded = try modelOptions.load()
            try rtlSize.check(loaded)
            let events = try CompilerDriver.readEvents(path: input, for: loaded.model)
            let simulation: VerilatorSimulation
            let result: VerilatorSimulation.Result
            do {
                simulation = try VerilatorSimulation(model: loaded.model, clockNs: clockNs, family: family, dspMultipliers: familyOptions.dsp, cacheDirectory: work, jobs: jobs,
                                                     profile: quickBuild ? .quickBuild : .fastSimulation, threads: verilatorThreads)
                result = try await simulation.run(events)
            } catch {
                throw Self.driverError(error)
            }
            do { try EventFile.write(result.realOutputs(loaded.model), to: output) } catch { throw DriverError.refused(error) }

            let build = result.build.rebuilt ? String(format: "built in %.1f s", result.build.seconds) : "cached build"
            let measured = result.measuredLatency.map { "\($0)" }
                ?? result.latencyRange.map { "\($0.lowerBound)...\($0.upperBound) (varies!)" } ?? "none (no output)"
            print("rtl: \(result.build.directory) (\(build))")
            print("simulated \(result.events) events: latency \(measured) cycles (emitter: \(simulation.reportedLatency)), "
                  + String(format: "%.0f events/s (the Swift reference: %.0f events/s)", result.eventsPerSecond, result.referenceEventsPerSecond))
            print("bit mismatches vs the Swift reference: \(result.mismatchCount)")
            print("outputs written to \(output)")
            for m in result.mismatches.prefix(10) { print("  \(m)") }
            if result.mismatchCount > 0 || result.missingEvents > 0 {
                throw DriverError.mismatch("\(result.mismatchCount) output codes differ from the reference"
                    + (result.missingEvents > 0 ? " (\(result.missingEvents) events never came out)" : ""))
            }
            if result.measuredLatency != simulation.reportedLatency {
                throw DriverError.mismatch("measured latency \(measured) differs from the emitter's \(simulation.reportedLatency) cycles")
            }
        } catch let error as DriverError {
            throw fail(error)
        }
    }

    static func driverError(_ error: RTLSimulationError) -> DriverError {
        switch error {
        case .tool(let e): return .tool(e)
        case .emit(let s), .input(let s): return .option(s)
        case .output(let s), .io(let s): return .io(s)
        case .refused(let e): return .refused(e)
        case .installation(let s): return .installation(s)
        }
    }
}

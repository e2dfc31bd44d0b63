import Foundation
import FileSafety
import FixedPoint
import ModelIR
import Reference
import TensorIO
import Toolchain
import VerilogBackend

/// RTL simulation of a generated Verilog design with Verilator: the RTL and
/// its generated C++ testbench are built into one executable, raw input
/// codes are streamed one event per clock, and every raw output code is
/// compared with the Swift reference (``FixedPointEvaluator``). The cycle
/// stamps give the measured latency.
///
/// Builds are cached under ``cacheDirectory`` by a hash of the design's
/// files and the Verilator flags: simulating the same design again does not
/// rebuild.
public struct VerilatorSimulation: Sendable {
    /// Verilator flags. `--x-assign fast --x-initial fast`: the design has
    /// no X-dependent behaviour to explore.
    public static let verilatorFlags = ["--cc", "--exe", "--x-assign", "fast", "--x-initial", "fast", "-Wno-fatal"]
    public static let installHint = "install Verilator (Debian/Ubuntu: apt-get install verilator) or run scripts/setup.sh"

    /// How the generated C++ is compiled.
    public enum Profile: String, Sendable {
        /// `-O0`: the generated code is large and flat; unoptimized it
        /// compiles several times faster and still simulates tens of
        /// thousands of events per second. For tests and quick checks.
        case quickBuild
        /// `-O2` on the per-cycle code: slower to build, several times
        /// faster to simulate. For long runs (`simulate`'s default).
        case fastSimulation

        var makeVariables: [String] {
            switch self {
            case .quickBuild: return ["OPT_FAST=-O0", "OPT_SLOW=-O0", "OPT_GLOBAL=-O1"]
            case .fastSimulation: return ["OPT_FAST=-O2", "OPT_SLOW=-O0", "OPT_GLOBAL=-O2"]
            }
        }
    }

    /// The Verilog and testbench to build.
    public let sources: RTLSources
    public let model: LoweredModel
    /// Where builds are kept; nil is the per-user cache
    /// (``PrivateFolder/userCache(_:environment:)``).
    public let cacheDirectory: String?
    /// Parallel C++ compile jobs.
    public let jobs: Int
    public let profile: Profile
    /// Threads of the Verilated model (`--threads`); 1 is single-threaded,
    /// the fastest for designs of this size (a clock cycle is a few
    /// microseconds of work, less than the threads' synchronization).
    public let threads: Int

    /// Simulate the ternary adders as the Xilinx primitives they are built
    /// of (the design's primitive models), not as the sums the primitives are
    /// proved to compute (`HEPML_BEHAVIORAL_ADDERS`): what synthesis builds,
    /// about ten times slower to build and to run.
    public var primitiveAdders = false

    /// The Verilator flags of this build.
    var flags: [String] {
        Self.verilatorFlags + (threads > 1 ? ["--threads", "\(threads)"] : [])
            + (primitiveAdders ? [] : ["-D\(VerilogEmitter.behavioralAddersMacro)"])
    }

    /// - Parameter cacheDirectory: where builds are kept (`--work`); nil is
    ///   `$XDG_CACHE_HOME/hepml-compile/verilator` (or `~/.cache/...`).
    public init(sources: RTLSources, model: LoweredModel, cacheDirectory: String? = nil, jobs: Int = 2,
                profile: Profile = .quickBuild, threads: Int = 1) {
        self.sources = sources
        self.profile = profile
        self.threads = max(1, threads)
        self.model = model
        self.cacheDirectory = cacheDirectory
        self.jobs = jobs
    }

    /// Emits the Verilog for `model` (with a `clockNs` clock) and prepares
    /// its simulation: the one-call form for the CLI.
    public init(model: LoweredModel, clockNs: Double, family: FPGAFamily = .standard, dspMultipliers: Bool = false, ternaryAdders: TernaryAdderUse = .all,
                cacheDirectory: String? = nil, jobs: Int = 2, profile: Profile = .quickBuild, threads: Int = 1) throws(RTLSimulationError) {
        let design: VerilogDesign
        let options = VerilogOptions(clockNs: clockNs, family: family, dspMultipliers: dspMultipliers, ternaryAdders: ternaryAdders)
        do { design = try VerilogEmitter.emit(model, options: options) } catch {
            if case .template = error { throw .installation(error.description) }
            throw .emit(error.description)
        }
        self.init(design: design, model: model, cacheDirectory: cacheDirectory, jobs: jobs, profile: profile, threads: threads)
    }

    /// The latency the generator reported, in clock cycles.
    public var reportedLatency: Int { sources.latency }

    /// The outcome of an RTL simulation.
    public struct Result: Sendable {
        /// The raw output codes per received event, compared with the reference.
        public var compared: ComparedOutputs
        /// Events whose output never appeared (0 when the pipeline works).
        public var missingEvents: Int
        /// Cycle of each event's input and of its output.
        public var inputCycles: [Int]
        public var outputCycles: [Int]
        /// The latency if every event took the same number of cycles, else nil.
        public var measuredLatency: Int?
        /// Smallest and largest per-event latency.
        public var latencyRange: ClosedRange<Int>?
        /// The fewest cycles between two accepted events: the initiation
        /// interval when events are offered back to back (`validGap` 0); nil
        /// for fewer than two events.
        public var measuredInterval: Int?
        /// Clock cycles simulated after reset.
        public var cycles: Int
        /// Events per second in the testbench's simulation loop (wall time).
        public var eventsPerSecond: Double
        /// Events per second of the Swift reference on the same events (wall
        /// time, every core), measured while comparing.
        public var referenceEventsPerSecond: Double
        public var build: SimulationBuild
    }

    /// Builds the executable (or finds it in the cache).
    ///
    /// Two steps: Verilator translates the RTL to C++, then make compiles
    /// it. Verilator's runtime objects (`verilated.o`, ...) do not depend on
    /// the design; they are compiled once per cache folder and copied into
    /// later builds, which roughly halves the build of a small design.
    public func build() async throws(RTLSimulationError) -> SimulationBuild {
        let makeVariables = profile.makeVariables
        let executableName = "V\(sources.topModule)_sim"
        let staged: StagedBuild, runtime: StagedBuild
        do {
            let cache = try BuildCache(component: "verilator", chosen: cacheDirectory)
            staged = try StagedBuild(name: sources.topModule, files: sources.files.map { ($0.path, $0.contents) },
                                     tool: flags + makeVariables, product: "obj_dir/\(executableName)", cache: cache)
            if try staged.isCached() {
                return SimulationBuild(executable: staged.product!, folder: staged.folder, seconds: 0, cached: true)
            }
            runtime = try StagedBuild(name: "verilator-runtime", files: [], tool: makeVariables, product: nil, cache: cache)
        } catch { throw .refused(error) }
        if ToolRunner.locate("verilator") == nil {
            // Missing or untrusted: the error says which (the run below warns about skipped ones).
            do { _ = try ToolRunner.require("verilator", installHint: Self.installHint) } catch { throw .tool(error) }
        }
        let staging: StagedBuild.Staging
        do { staging = try staged.stage() } catch {
            guard case .io(let path, let reason) = error else { throw .refused(error) }
            throw .io("cannot write the design to \(path): \(reason)")
        }
        let verilate = flags + ["--top-module", sources.topModule, "--Mdir", "obj_dir", "-o", executableName]
            + sources.verilogFiles + [sources.testbenchFile]
        var seconds = 0.0
        do {
            seconds += try await ToolRunner.run("verilator", verilate, in: staging.path, log: "\(staging.path)/verilate.log",
                                                installHint: Self.installHint).seconds
            // The compiler, linker and archiver Verilator's makefile runs, by
            // absolute trusted path: make would otherwise look them up on PATH.
            let compiler = try ToolRunner.require("g++", installHint: "install g++ (Debian/Ubuntu: apt-get install g++)")
            let toolVariables = ["CXX=\(compiler)", "LINK=\(compiler)"] + (ToolRunner.locate("ar").map { ["AR=\($0)"] } ?? [])
            // Copied after verilation: make then sees them newer than the generated makefile.
            let reused = (try? runtime.isCached()) == true
                && Self.copyRuntime(from: runtime.folder, to: "\(staging.path)/obj_dir")
            seconds += try await ToolRunner.run("make", ["-C", "obj_dir", "-f", "V\(sources.topModule).mk", "-j", "\(jobs)"]
                                                    + makeVariables + toolVariables,
                                                in: staging.path, log: "\(staging.path)/build.log",
                                                installHint: "install make (Debian/Ubuntu: apt-get install make)").seconds
            if !reused { Self.saveRuntime(from: "\(staging.path)/obj_dir", to: runtime) }
        } catch {
            // A failed build stays on disk: its log is named in the error message.
            if case .failed = error { staging.keep() } else { staging.discard() }
            throw .tool(error)
        }
        do { try staging.commit() } catch {
            guard case .io(let path, let reason) = error else { throw .refused(error) }
            throw .io("cannot move the Verilator build to \(path): \(reason)")
        }
        return SimulationBuild(executable: staged.product!, folder: staged.folder, seconds: seconds, cached: false)
    }

    /// Verilator's design-independent runtime objects.
    static func isRuntimeObject(_ name: String) -> Bool {
        name.hasPrefix("verilated") && (name.hasSuffix(".o") || name.hasSuffix(".d"))
    }

    /// Copies cached runtime objects into `objDir`; false when there are none.
    static func copyRuntime(from runtime: String, to objDir: String) -> Bool {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: runtime).filter(isRuntimeObject), !names.isEmpty else { return false }
        for name in names {
            guard (try? fm.copyItem(atPath: "\(runtime)/\(name)", toPath: "\(objDir)/\(name)")) != nil else { return false }
            // A copy may keep the old modification time; make compares times.
            try? fm.setAttributes([.modificationDate: Date()], ofItemAtPath: "\(objDir)/\(name)")
        }
        return true
    }

    /// Keeps a fresh build's runtime objects for later builds (best effort).
    static func saveRuntime(from objDir: String, to runtime: StagedBuild) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: objDir).filter(isRuntimeObject), !names.isEmpty,
              let staging = try? runtime.stage() else { return }
        for name in names { try? fm.copyItem(atPath: "\(objDir)/\(name)", toPath: "\(staging.path)/\(name)") }
        // A failed commit removes the staging folder; another run may have saved the same objects.
        try? staging.commit()
    }

    /// Simulates real-valued events: each is converted to raw input codes
    /// with the input types' Q and O modes, as the reference does.
    public func run(_ events: EventTable, validGap: Int = 0) async throws(RTLSimulationError) -> Result {
        if let problem = events.inputProblem(width: model.inputWidth) { throw .input(problem) }
        let evaluator = FixedPointEvaluator(model)
        var codes: [Int64] = []
        codes.reserveCapacity(events.values.count)
        for r in 0..<events.rows { codes += evaluator.quantizeInputs(events[row: r]) }
        return try await run(codes: codes, events: events.rows, validGap: validGap)
    }

    /// Simulates raw input codes (one array per event, concatenated inputs).
    /// `validGap` idle cycles separate the events (0: back to back, II=1).
    public func run(raw inputs: [[Int64]], validGap: Int = 0) async throws(RTLSimulationError) -> Result {
        for (i, row) in inputs.enumerated() where row.count != model.inputWidth {
            throw .input("event \(i) has \(row.count) codes, the model takes \(model.inputWidth)")
        }
        return try await run(codes: inputs.flatMap { $0 }, events: inputs.count, validGap: validGap)
    }

    /// Simulates raw input codes held event after event in one array: no
    /// array per event, and no second copy of them for the comparison.
    func run(codes inputs: [Int64], events: Int, validGap: Int) async throws(RTLSimulationError) -> Result {
        let build = try await build()
        let fm = FileManager.default
        let work: ScratchFolder
        do { work = try ScratchFolder("rtl-run") } catch { throw .refused(error) }
        defer { work.remove() }
        let inputPath = "\(work.path)/inputs.bin", outputPath = "\(work.path)/outputs.bin"
        do {
            try Self.inputBytes(inputs).write(to: URL(fileURLWithPath: inputPath))
        } catch {
            throw .io("cannot write the RTL simulation input to \(work.path): \(error.localizedDescription)")
        }
        do {
            _ = try await ToolRunner.run(build.executable, [inputPath, outputPath, "\(validGap)"],
                                         installHint: "the simulation executable is missing; run again to rebuild it")
        } catch {
            throw .tool(error)
        }
        guard let data = fm.contents(atPath: outputPath) else { throw .output("the RTL testbench wrote no output file") }
        let parsed = try Self.parseOutput(data, outputs: model.outputWidth)

        let comparison = ReferenceComparison.compare(model, codes: inputs, events: events, actual: parsed.outputs, implementation: "RTL")
        let latencies = zip(parsed.inputCycles, parsed.outputCycles).map { $1 - $0 }
        let range = latencies.isEmpty ? nil : latencies.min()!...latencies.max()!
        return Result(compared: comparison.compared, missingEvents: max(events - parsed.outputs.count, 0),
                      inputCycles: parsed.inputCycles, outputCycles: parsed.outputCycles,
                      measuredLatency: range.flatMap { $0.lowerBound == $0.upperBound ? $0.lowerBound : nil },
                      latencyRange: range,
                      measuredInterval: zip(parsed.inputCycles.dropFirst(), parsed.inputCycles).map { $0 - $1 }.min(),
                      cycles: parsed.cycles,
                      eventsPerSecond: parsed.seconds > 0 ? Double(events) / parsed.seconds : 0,
                      referenceEventsPerSecond: comparison.referenceEventsPerSecond, build: build)
    }
}

/// Why an RTL simulation could not run.
public enum RTLSimulationError: Error, Sendable, CustomStringConvertible {
    /// Verilator (or yosys) is missing or failed, or the simulation executable failed.
    case tool(ToolError)
    /// The model cannot be emitted as Verilog.
    case emit(String)
    /// The events cannot be simulated.
    case input(String)
    /// The testbench's output is malformed.
    case output(String)
    case io(String)
    /// A cache or scratch folder that may not be used.
    case refused(FileSafetyError)
    /// A template is missing or untrusted.
    case installation(String)

    public var description: String {
        switch self {
        case .tool(let e): return e.description
        case .refused(let e): return e.description
        case .installation(let s): return s
        case .emit(let s): return s
        case .input(let s): return "RTL simulation input: \(s)"
        case .output(let s): return s
        case .io(let s): return s
        }
    }
}

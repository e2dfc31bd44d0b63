import Foundation
import FileSafety
import FixedPoint
import HLSBackend
import ModelIR
import Reference
import TensorIO
import Toolchain

/// C simulation of the generated HLS project without Vitis: the firmware and
/// a small harness are compiled with g++ against the open ap_types headers,
/// run on events, and every raw output code is compared with the Swift
/// reference (``FixedPointEvaluator``).
///
/// The binary is cached under ``cacheDirectory`` by a hash of its sources,
/// the compiler flags and the header folder, so running the same model twice
/// compiles once.
public struct CSimulation: Sendable {
    /// The g++ flags: C++17 and light optimisation (-O1 keeps compile times
    /// down). The three -Wno- flags switch off the warnings that gate GCC 12's
    /// "access analysis" pass, which is superlinear in the size of a function:
    /// the static initialiser of a few thousand `ap_fixed` weights took it
    /// 50 of 60 seconds. The headers are included as system headers (-isystem)
    /// so that their own warnings do not drown ours.
    public static let compilerFlags = ["-std=c++17", "-O1",
                                       "-Wno-free-nonheap-object", "-Wno-mismatched-dealloc", "-Wno-mismatched-new-delete"]

    public let model: LoweredModel
    public let options: HLSOptions
    /// The `firmware/` files of a compiled project to compile as they are;
    /// nil emits them from ``model``. The harness is always emitted.
    public let firmware: [GeneratedFile]?
    /// The folder holding `ap_fixed.h`.
    public let apTypesDirectory: String
    /// Where binaries are kept; nil is the per-user cache.
    public let cacheDirectory: String?

    /// - Parameters:
    ///   - apTypes: the ap_types folder (`--ap-types`); nil looks it up with
    ///     ``APTypes/locate(environment:)`` (`$HEPML_AP_TYPES`, then the hls4ml package).
    ///   - firmware: a compiled project's `firmware/` files (`csim DIR`); nil
    ///     emits them from `model` with `options`.
    ///   - cacheDirectory: where compiled binaries are kept (`--work`); nil is
    ///     `$XDG_CACHE_HOME/hepml-compile/csim` (or `~/.cache/...`).
    public init(model: LoweredModel, options: HLSOptions = HLSOptions(), firmware: [GeneratedFile]? = nil, apTypes: String? = nil,
                cacheDirectory: String? = nil) throws(CSimError) {
        if let apTypes {
            guard APTypes.hasHeaders(apTypes) else { throw .apTypesNotFound("--ap-types \(apTypes) does not contain ap_fixed.h") }
            if let problem = APTypes.trustProblem(apTypes) { throw .input("--ap-types: \(problem)") }
            apTypesDirectory = apTypes
        } else if let found = APTypes.locate() {
            apTypesDirectory = found
        } else {
            throw .apTypesNotFound("the open ap_types headers (ap_fixed.h) were not found")
        }
        self.model = model
        self.options = options
        self.firmware = firmware
        self.cacheDirectory = cacheDirectory
    }

    /// The outcome of a C simulation run.
    public struct Report: Sendable {
        /// The raw output codes from the C++, compared with the reference.
        public var compared: ComparedOutputs
        /// Events per second in the C++ event loop (input conversion, network, output codes).
        public var eventsPerSecond: Double
        public var build: SimulationBuild
    }

    /// Compiles the simulation (or finds it in the cache).
    public func build() async throws(CSimError) -> SimulationBuild {
        let sources: [GeneratedFile]
        do {
            if let firmware {
                sources = try HLSEmitter.csimSources(model, options: options, firmware: firmware)
            } else {
                sources = try HLSEmitter.csimSources(model, options: options)
            }
        } catch {
            if let e = error as? HLSError, case .template = e { throw .installation("\(error)") }
            throw .emit("\(error)")
        }
        let staged: StagedBuild
        do {
            staged = try StagedBuild(name: HLSEmitter.topFunction(model), files: sources.map { ($0.path, $0.contents) },
                                     tool: Self.compilerFlags + [apTypesDirectory], product: "csim",
                                     cache: BuildCache(component: "csim", chosen: cacheDirectory))
            if try staged.isCached() { return SimulationBuild(executable: staged.product!, folder: staged.folder, seconds: 0, cached: true) }
        } catch { throw .refused(error) }

        let staging: StagedBuild.Staging
        do { staging = try staged.stage() } catch {
            guard case .io(let path, let reason) = error else { throw .refused(error) }
            throw .io("cannot write the C simulation sources to \(path): \(reason)")
        }
        let arguments = Self.compilerFlags + ["-isystem", apTypesDirectory, "-I", staging.path,
                                              "-o", staging.path + "/csim", staging.path + "/csim_harness.cpp"]
        let result: ToolResult
        do {
            result = try await ToolRunner.run("g++", arguments, log: staging.path + "/build.log",
                                              installHint: "install g++ (Debian: apt-get install g++) to run the HLS C simulation")
        } catch {
            // A failed build stays on disk: its log is named in the error message.
            if case .failed = error { staging.keep() } else { staging.discard() }
            throw .tool(error)
        }
        do { try staging.commit() } catch {
            guard case .io(let path, let reason) = error else { throw .refused(error) }
            throw .io("cannot move the C simulation build to \(path): \(reason)")
        }
        return SimulationBuild(executable: staged.product!, folder: staged.folder, seconds: result.seconds, cached: false)
    }

    /// Builds (or reuses) the simulation, runs it on `events` and compares
    /// every raw output code with the Swift reference.
    public func run(_ events: EventTable) async throws(CSimError) -> Report {
        if let problem = events.inputProblem(width: model.inputWidth) { throw .input(problem) }
        let build = try await build()
        let fm = FileManager.default
        let scratch: ScratchFolder
        do { scratch = try ScratchFolder("csim-run") } catch { throw .refused(error) }
        defer { scratch.remove() }
        let work = scratch.path
        let eventsPath = (work as NSString).appendingPathComponent("events.txt")
        let codesPath = (work as NSString).appendingPathComponent("codes.txt")
        do {
            try Data(Self.eventText(events).utf8).write(to: URL(fileURLWithPath: eventsPath))
        } catch {
            throw .io("cannot write the C simulation input to \(work): \(error.localizedDescription)")
        }
        let result: ToolResult
        do {
            result = try await ToolRunner.run(build.executable, [eventsPath, codesPath], installHint: "the C simulation binary is missing; run again to rebuild it")
        } catch {
            throw .tool(error)
        }
        guard let data = fm.contents(atPath: codesPath) else { throw .output("the C simulation wrote no output file") }
        let outputs = try Self.parseCodes(data, width: model.outputWidth)
        guard outputs.count == events.rows else {
            throw .output("the C simulation returned \(outputs.count) events for \(events.rows) inputs")
        }
        let seconds = Self.loopSeconds(result.standardError) ?? result.seconds

        let evaluator = FixedPointEvaluator(model)
        let inputs = (0..<events.rows).map { evaluator.quantizeInputs(events[row: $0]) }
        let comparison = ReferenceComparison.compare(model, inputs: inputs, actual: outputs, implementation: "C simulation")
        return Report(compared: comparison.compared, eventsPerSecond: seconds > 0 ? Double(events.rows) / seconds : 0, build: build)
    }

    // MARK: - Helpers

    /// Events as text that `fscanf("%lf")` reads back exactly (shortest round-trip decimals).
    static func eventText(_ events: EventTable) -> String {
        var text = ""
        text.reserveCapacity(events.values.count * 12)
        for r in 0..<events.rows {
            var first = true
            for v in events[row: r] {
                if !first { text += " " }
                text += "\(v)"
                first = false
            }
            text += "\n"
        }
        return text
    }

    /// Parses whitespace-separated integers, `width` per line. Hand-written:
    /// the output is large and its format fixed (written by our harness).
    static func parseCodes(_ data: Data, width: Int) throws(CSimError) -> [[Int64]] {
        var rows: [[Int64]] = []
        var row: [Int64] = []
        row.reserveCapacity(width)
        var value: Int64 = 0, negative = false, inNumber = false
        var line = 1
        var failure: String?
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            for b in bytes {
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    value = value &* 10 &+ Int64(b - UInt8(ascii: "0"))
                    inNumber = true
                case UInt8(ascii: "-") where !inNumber:
                    negative = true
                    inNumber = true
                case UInt8(ascii: " "), UInt8(ascii: "\n"):
                    if inNumber { row.append(negative ? 0 &- value : value) }
                    value = 0; negative = false; inNumber = false
                    if b == UInt8(ascii: "\n") {
                        if row.count != width, failure == nil { failure = "line \(line) has \(row.count) codes, expected \(width)" }
                        rows.append(row)
                        row.removeAll(keepingCapacity: true)
                        line += 1
                    }
                default:
                    if failure == nil { failure = "line \(line): unexpected character \(b)" }
                }
            }
        }
        if let failure { throw .output("C simulation output: \(failure)") }
        if inNumber || !row.isEmpty { throw .output("C simulation output: the last line is incomplete") }
        return rows
    }

    /// The event-loop seconds the harness prints to stderr.
    static func loopSeconds(_ stderr: String) -> Double? {
        for line in stderr.split(separator: "\n") where line.hasPrefix("events ") {
            let fields = line.split(separator: " ")
            if fields.count == 4, fields[2] == "seconds", let s = Double(fields[3]) { return s }
        }
        return nil
    }
}

/// Why a C simulation could not run.
public enum CSimError: Error, Sendable, CustomStringConvertible {
    /// The ap_types headers are missing.
    case apTypesNotFound(String)
    /// g++ is missing or failed, or the simulation binary failed.
    case tool(ToolError)
    /// The model cannot be emitted as an HLS project.
    case emit(String)
    /// The events cannot be simulated.
    case input(String)
    /// The simulation's output is malformed.
    case output(String)
    case io(String)
    /// A cache or scratch folder that may not be used.
    case refused(FileSafetyError)
    /// A template is missing or untrusted.
    case installation(String)

    public var description: String {
        switch self {
        case .apTypesNotFound(let s):
            return "\(s); pass --ap-types DIR, set \(APTypes.environmentVariable)=DIR, or run scripts/setup.sh "
                + "(it installs the hls4ml package, which ships them in templates/vivado/ap_types)"
        case .tool(let e): return e.description
        case .emit(let s): return s
        case .input(let s): return "C simulation input: \(s)"
        case .output(let s): return s
        case .io(let s): return s
        case .refused(let e): return e.description
        case .installation(let s): return s
        }
    }
}

import Foundation
import NetlistLowering
import VerilogBackend

/// `hepml-compile compile` (the default command): what to compile and where to write it.
public struct CompileOptions: Sendable {
    public var model: ModelSource
    /// Both backends, or one of them.
    public var target = CompileTarget.fpga
    /// The output folder; nil: `hls-out/<model name>`.
    public var out: String?
    /// Replace a folder that holds files hepml-compile did not write.
    public var force = false
    /// The clock period in ns; nil: 5 ns, or the clock ``latencyCycles`` implies.
    public var clockNs: Double?
    /// A latency asked for instead of a clock.
    public var latencyCycles: Int?
    public var reuse = 1
    public var maxRTLSize = CompilerDriver.defaultMaxRTLSize
    /// Events shipped as the HLS testbench's vectors; nil: a seeded sample.
    public var testInput: String?
    /// The FPGA family of the Verilog's delays, and DSPs for the softmax.
    public var rtl = RTLChoice()

    public init(model: ModelSource) { self.model = model }
}

/// What a compilation wrote.
public struct CompileResult: Sendable {
    /// One line per notable fact (passes applied, latency).
    public var summary: [String]
    public var folder: String
    /// The files written, relative to ``folder``.
    public var files: [String]

    /// The lines the command prints.
    public var lines: [String] {
        summary + ["wrote \(files.count) files to \(folder)/"] + files.map { "  \($0)" }
    }
}

extension CompilerDriver {
    /// The largest op, in ``RTLSize`` terms, the Verilog target emits unless told otherwise.
    public static let defaultMaxRTLSize = RTLSize.defaultLimit

    /// Loads, lowers and compiles a model and replaces the output folder
    /// with the design. With ``CompileOptions/latencyCycles`` the chosen
    /// depth and clock are written to the console before compiling.
    public static func compile(_ options: CompileOptions, console: Console = .standard) throws(DriverError) -> CompileResult {
        let target = options.target
        if let clockNs = options.clockNs { try BackendOptions.checkClock(clockNs) }
        if options.clockNs != nil && options.latencyCycles != nil {
            throw .option("give --clock-ns or --latency-cycles, not both: a latency implies the clock")
        }
        try checkMaxRTLSize(options.maxRTLSize)
        try CountLimits.check(options.reuse, "--reuse", limit: CountLimits.reuse)
        // 0 (combinational) is a latency; a negative one is refused by forLatency.
        if let cycles = options.latencyCycles, cycles > CountLimits.latencyCycles {
            throw .option("--latency-cycles must be at most \(CountLimits.latencyCycles), got \(cycles)")
        }
        let loaded = try options.model.load(console: console)
        let family = options.rtl.resolvedFamily
        var backend = BackendOptions(target: target, clockNs: options.clockNs ?? 5.0, reuseFactor: options.reuse)
        backend.family = family
        backend.dspMultipliers = options.rtl.softmaxDSP
        let ternaryAdders = options.rtl.resolvedTernaryAdders
        backend.ternaryAdders = ternaryAdders
        if let cycles = options.latencyCycles {
            let (chosen, found) = try BackendOptions.forLatency(cycles, model: loaded.model, target: target, family: family,
                                                                dspMultipliers: options.rtl.softmaxDSP, ternaryAdders: ternaryAdders,
                                                                reuseFactor: options.reuse)
            backend = chosen
            console.line(String(format: "--latency-cycles %d: %.3f ns of logic per stage gives %d cycles; that implies a clock of %.3f ns (%.0f MHz) "
                                + "with \(family.rawValue) delays (docs/verilog-backend.md)", cycles, Double(found.stageBudget) / 1000,
                                found.latency, found.clockNs, 1000 / found.clockNs))
        }
        backend.maxRTLSize = options.maxRTLSize
        if let testInput = options.testInput { backend.testInputs = try readEvents(path: testInput, for: loaded.model) }
        let design = try Compiler.compile(loaded, options: backend)
        let folder = options.out ?? "hls-out/\(loaded.model.name)"
        try OutputWriter.replaceFolder(folder, with: design.files, force: options.force,
                                       protecting: [options.model.path] + (options.testInput.map { [$0] } ?? []))
        return CompileResult(summary: forestSummary(loaded.graph, loaded.model) + design.summary, folder: folder, files: design.files.map(\.path))
    }
}

import ArgumentParser
import Driver
import FileSafety
import Foundation
import ModelIR
import Reports
import Simulation
import Templates
import TensorIO
import Toolchain
import VerilogBackend

/// `hepml-compile report`: bit-accuracy, physics impact, latency and
/// resources of a model, as report.json, report.html and a text summary.
/// Reports computes from values; this command gathers them (the Verilog
/// design, synthesis, simulation) and writes the files.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write report.json and report.html: float vs fixed-point accuracy per layer, physics impact, latency and resources.",
        discussion: """
        Traces the float model and the bit-exact reference on the events of --input and compares every layer. \
        With --labels, compares ROC curves (tagger: a class index or one-hot columns per event) or the signal \
        efficiency at a fixed background acceptance (single-output anomaly score: 0 = background, k = signal k).

        Latency and per-op stages come from the generated Verilog; --simulate-rtl measures them in Verilator and \
        counts bit mismatches. Resources are an analytic estimate of the emitted netlist, labelled as such; \
        --synthesize runs yosys synth_xilinx on each op module (in parallel, cached, within --synthesis-budget). \
        See docs/reports.md.
        """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Input events, one per row (CSV).")
    var input: String

    @Option(help: "Labels, one row per event (CSV): a class index, one-hot columns, or 0/k for background/signal k.")
    var labels: String?

    @Option(help: "Output folder for report.json, report.html and summary.txt.")
    var out: String = "report"

    @Option(name: .customLong("clock-ns"), help: "Clock period in ns, 0.1 to 1000 (pipeline depth and latency in ns).")
    var clockNs: Double = 5.0

    @OptionGroup var rtlSize: RTLSizeOptions

    @Option(help: "FPGA part for resource fractions: xcvu13p, xcvu9p, xcku115 or xc7vx690t (a full part number works too).")
    var part: String = "xcvu13p"

    @Option(name: .customLong("background-acceptance"), help: "Fraction of background an anomaly trigger keeps.")
    var backgroundAcceptance: Double = 1e-3

    @Option(name: .customLong("rate-hz"), help: "Rate budget in Hz; sets the background acceptance to rate / 40 MHz.")
    var rateHz: Double?

    @Option(name: .customLong("class-names"), help: "Comma-separated class names of a tagger (e.g. g,q,W,Z,t).")
    var classNames: String?

    @Option(name: .customLong("signal-names"), help: "Comma-separated names of signal labels 1, 2, ... of an anomaly score.")
    var signalNames: String?

    @Flag(name: .customLong("synthesize"), help: "Synthesize each op module with yosys (in parallel, cached) instead of estimating.")
    var synthesizeModules = false

    @Option(name: .customLong("synthesis-budget"), help: "Seconds for --synthesize; modules not done by then keep their estimate.")
    var synthesisBudget: Double = 600

    @Flag(name: .customLong("no-synthesis"), help: "Use the analytic estimate (the default; kept for scripts).")
    var noSynthesis = false

    @Flag(name: .customLong("simulate-rtl"), help: "Simulate the Verilog in Verilator: bit mismatches and measured latency.")
    var simulateRTL = false

    @Flag(help: "C-simulate the HLS project with g++ and the ap_types headers: bit mismatches.")
    var csim = false

    @Flag(help: "Run both simulations (--simulate-rtl and --csim): the three-way bit-accuracy check.")
    var verify = false

    func run() async throws {
        do {
            try await report()
        } catch {
            throw fail(error)
        }
    }

    func report() async throws(DriverError) {
        try CompileOptions.checkClock(clockNs)
        try rtlSize.checkOption()
        guard backgroundAcceptance > 0, backgroundAcceptance <= 1 else { throw .option("--background-acceptance must be in (0, 1]") }
        if let rateHz, !(rateHz > 0 && rateHz <= 40e6) { throw .option("--rate-hz must be in (0, 40e6]") }
        guard synthesisBudget > 0 else { throw .option("--synthesis-budget must be positive") }
        guard let fpga = FPGAPart.named(part) else {
            throw .option("--part: unknown part '\(part)'; known: " + FPGAPart.known.map(\.name).joined(separator: ", "))
        }
        let progress = ProgressReporter()
        let loaded = try modelOptions.load()
        let events = try CompilerDriver.readEvents(path: input, for: loaded.model)
        var labelTable: EventTable?
        if let labels {
            do { labelTable = try CSVTable.read(path: labels) } catch { throw .data(error) }
        }

        var simulation = SimulationResults()
        var notes: [String] = []
        let design = verilogDesign(loaded, notes: &notes)
        if let design {
            simulation.scheduledLatencyCycles = design.latency
            simulation.initiationInterval = 1
            simulation.delayRegisterBits = design.delayRegisterBits
            simulation.stages = design.modules.map {
                StageInfo(module: $0.module, op: $0.op, kind: $0.kind, sourceLayers: $0.sourceLayers, startCycle: $0.startCycle,
                          cycles: $0.latency, adders: $0.adders, adderBits: $0.adderBits, multipliers: $0.multipliers, romWords: $0.romWords,
                          registerBits: $0.registerBits)
            }
            if simulateRTL || verify { try await simulate(design, loaded.model, events, into: &simulation, progress: progress) }
        } else if simulateRTL || verify {
            throw .option("--simulate-rtl: no Verilog design (\(notes.joined(separator: "; ")))")
        }

        if csim || verify { try await cSimulate(loaded.model, events, into: &simulation, progress: progress) }

        var resources = design.flatMap { estimate($0, loaded.model, part: fpga) }
        if let design, let estimate = resources, synthesizeModules, !noSynthesis {
            resources = try await synthesize(design, estimate: estimate, part: fpga)
        }

        var physics = PhysicsImpactAnalysis.Options(backgroundAcceptance: backgroundAcceptance, rateBudgetHz: rateHz)
        physics.classNames = classNames.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        physics.signalNames = signalNames.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let input = ReportInput(graph: loaded.graph, model: loaded.model, events: events, labels: labelTable, clockNs: clockNs,
                                simulation: simulation, resources: resources, part: fpga, physics: physics)
        var report: ModelReport
        do {
            report = try progress.step("evaluating the float model and the fixed-point reference on \(events.rows) events") {
                try ModelReport.build(input)
            }
        } catch let error as ReportError {
            throw map(error, labels: labels)
        } catch {
            throw .io("\(error)")
        }
        report.resources?.notes += notes

        let files: [(name: String, contents: String)]
        do {
            files = try ReportFiles.files(report, templates: TemplateLibrary.locate())
        } catch let error as ReportError {
            throw map(error, labels: labels)
        } catch {
            throw .io("\(error)")
        }
        try write(files, to: out)
        print(report.textSummary(), terminator: "")
        print("\nwrote \(files.map { "\(out)/\($0.name)" }.joined(separator: ", "))")
    }

    /// The pipelined RTL, for latency, stages and synthesis; nil (with a
    /// note) when the Verilog backend cannot emit this model.
    /// The Verilog design, or nil with a note when it cannot (or, above
    /// `--max-rtl-size`, should not) be emitted.
    func verilogDesign(_ loaded: LoadedModel, notes: inout [String]) -> VerilogDesign? {
        do {
            try rtlSize.check(loaded)
        } catch {
            notes.append("no Verilog design: \(error)")
            return nil
        }
        do {
            return try VerilogEmitter.emit(loaded.model, options: VerilogOptions(clockNs: clockNs))
        } catch {
            notes.append("no Verilog design: \(error)")
            return nil
        }
    }

    func simulate(_ design: VerilogDesign, _ model: LoweredModel, _ events: EventTable, into simulation: inout SimulationResults,
                  progress: ProgressReporter) async throws(DriverError) {
        let step = progress.start("Verilator RTL simulation of \(events.rows) events (build, then run)")
        do {
            let result = try await VerilatorSimulation(design: design, model: model).run(events)
            step.finish(success: true)
            simulation.rtlEvents = result.events
            simulation.rtlMismatches = result.mismatchCount
            simulation.firstMismatch = result.mismatches.first?.description
            simulation.latencyCycles = result.measuredLatency
        } catch {
            step.finish(success: false)
            switch error {
            case .tool(let e): throw .tool(e)
            default: throw .io("\(error)")
            }
        }
    }

    func cSimulate(_ model: LoweredModel, _ events: EventTable, into simulation: inout SimulationResults,
                   progress: ProgressReporter) async throws(DriverError) {
        let step = progress.start("HLS C simulation of \(events.rows) events (g++ build, then run)")
        do {
            let result = try await CSimulation(model: model).run(events)
            step.finish(success: true)
            simulation.csimEvents = result.events
            simulation.csimMismatches = result.mismatchCount
            if simulation.firstMismatch == nil { simulation.firstMismatch = result.mismatches.first?.description }
        } catch {
            step.finish(success: false)
            throw CSimCommand.driverError(error)
        }
    }

    /// The analytic estimate of each op module's netlist (nil: the report
    /// falls back to the estimate from the lowered IR).
    func estimate(_ design: VerilogDesign, _ model: LoweredModel, part: FPGAPart) -> ResourceReport? {
        guard let netlists = try? NetlistModel(model, options: VerilogOptions(clockNs: clockNs)) else { return nil }
        let costs = zip(design.modules, netlists.ops).map { ModuleCost(module: $0.module, op: $0.op, cost: NetlistCost($1.netlist)) }
        return AnalyticResourceEstimate.estimate(costs, delayRegisterBits: design.delayRegisterBits, part: part)
    }

    /// Yosys counts per op module, the estimate where yosys did not finish.
    func synthesize(_ design: VerilogDesign, estimate: ResourceReport, part: FPGAPart) async throws(DriverError) -> ResourceReport {
        let units = design.modules.compactMap { m in
            design.files.first { $0.path == m.module + ".v" }.map { SynthesisUnit(module: m.module, op: m.op, verilog: $0.contents) }
        }
        let options = ModuleSynthesisOptions(family: part.yosysFamily, budgetSeconds: synthesisBudget,
                                             progress: ProgressReporter.forTerminal())
        do { return try await ModuleSynthesis.run(units, estimate: estimate, options: options).report } catch { throw .tool(error) }
    }

    func map(_ error: ReportError, labels: String?) -> DriverError {
        switch error {
        case .labels(let s): return .data(TensorIOError(file: labels ?? "labels", message: s))
        case .io(let s), .template(let s): return .io(s)
        }
    }

    /// Each file is written whole (``OutputFile``); other files in the folder are left alone.
    func write(_ files: [(name: String, contents: String)], to folder: String) throws(DriverError) {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .io("cannot write the report to \(folder): \(error.localizedDescription)")
        }
        for f in files {
            do { try OutputFile.write(f.contents, to: folder + "/" + f.name) } catch { throw .refused(error) }
        }
    }
}

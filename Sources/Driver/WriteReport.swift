import Foundation
import ModelIR
import Reports
import Templates
import TensorIO
import Toolchain

/// `hepml-compile report`: what to measure and where to write the report.
public struct ReportOptions: Sendable {
    public var model: ModelSource
    /// Events, one per row.
    public var input: String
    /// Labels, one row per event: a class index, one-hot columns, or 0/k for background/signal k.
    public var labels: String?
    /// The folder for report.json, report.html and summary.txt, written
    /// like every output folder (``OutputWriter``).
    public var out = "report"
    /// Replace `out` even when it holds files hepml-compile did not write.
    public var force = false
    public var clockNs = 5.0
    /// The FPGA family of the Verilog's delays, and DSPs for the softmax.
    public var rtl = RTLChoice()
    public var maxRTLSize = CompilerDriver.defaultMaxRTLSize
    /// An FPGA part name (``FPGAPart/named(_:)``).
    public var part = "xcvu13p"
    public var backgroundAcceptance = 1e-3
    /// A rate budget in Hz; sets the background acceptance to rate / 40 MHz.
    public var rateHz: Double?
    /// Comma-separated class names of a tagger.
    public var classNames: String?
    /// Comma-separated names of signal labels 1, 2, ... of an anomaly score.
    public var signalNames: String?
    /// Skip yosys even if it is installed.
    public var noSynthesis = false
    /// Synthesize each op module with yosys instead of estimating.
    public var synthesize = false
    /// Seconds for ``synthesize``; modules not done by then keep their estimate.
    public var synthesisBudget = 600.0
    /// Simulate the Verilog in Verilator.
    public var simulateRTL = false
    /// C-simulate the HLS project.
    public var csim = false
    /// Both simulations.
    public var verify = false

    public init(model: ModelSource, input: String) {
        self.model = model
        self.input = input
    }
}

/// A report written.
public struct ReportResult: Sendable {
    /// The text summary (summary.txt), ending in a newline.
    public var summary: String
    /// The files written, as paths.
    public var files: [String]
}

extension CompilerDriver {
    /// Gathers what the report needs (the Verilog design, simulations,
    /// synthesis), builds the report and writes its files. Reports computes
    /// from values; this runs the tools.
    public static func report(_ options: ReportOptions, console: Console = .standard) async throws(DriverError) -> ReportResult {
        try BackendOptions.checkClock(options.clockNs)
        try checkMaxRTLSize(options.maxRTLSize)
        guard options.backgroundAcceptance > 0, options.backgroundAcceptance <= 1 else { throw .option("--background-acceptance must be in (0, 1]") }
        if let rateHz = options.rateHz, !(rateHz > 0 && rateHz <= 40e6) { throw .option("--rate-hz must be in (0, 40e6]") }
        guard options.synthesisBudget > 0 else { throw .option("--synthesis-budget must be positive") }
        guard let fpga = FPGAPart.named(options.part) else {
            throw .option("--part: unknown part '\(options.part)'; known: " + FPGAPart.known.map(\.name).joined(separator: ", "))
        }
        let steps = ReportSteps(verilog: options.rtl.verilogOptions(clockNs: options.clockNs), maxRTLSize: options.maxRTLSize,
                                console: console)
        // The folder's rules are checked before the work, and again when it is written.
        let inputs = [options.model.path, options.input] + (options.labels.map { [$0] } ?? [])
        try OutputWriter.checkFolder(options.out, force: options.force, protecting: inputs)
        let loaded = try options.model.load(console: console)
        // The simulations and plots take the head; the rest is streamed through the reference.
        var (events, rest) = try openEvents(path: options.input, for: loaded.model, headEvents: reportHeadEvents)
        // Inputs read as a float-scale or bipolar Quant's codes: quantized as the QONNX executor does.
        if let floatInputs = FloatInputs(loaded.graph) {
            events = floatInputs.apply(events)
            rest = QuantizingReader(rest, floatInputs)
        }
        var labelTable: EventTable?
        if let labels = options.labels {
            do { labelTable = try CSVTable.read(path: labels) } catch { throw .data(error) }
        }

        var simulation = SimulationResults()
        var notes: [String] = []
        let design = try steps.verilogDesign(loaded, notes: &notes)
        let simulateRTL = options.simulateRTL || options.verify
        if let design {
            simulation.record(design.summary)
            if simulateRTL { try await steps.simulate(design, loaded.model, events, into: &simulation) }
        } else if simulateRTL {
            throw .option("--simulate-rtl: no Verilog design (\(notes.joined(separator: "; ")))")
        }

        if options.csim || options.verify { try await steps.cSimulate(loaded.model, events, into: &simulation) }

        var resources = design.map { ReportSteps.estimate($0, part: fpga) }
        if let design, let estimate = resources, options.synthesize, !options.noSynthesis {
            resources = try await steps.synthesize(design, estimate: estimate, part: fpga, budgetSeconds: options.synthesisBudget)
        }

        var physics = PhysicsImpactAnalysis.Options(backgroundAcceptance: options.backgroundAcceptance, rateBudgetHz: options.rateHz)
        physics.classNames = options.classNames.map(names)
        physics.signalNames = options.signalNames.map(names)
        let input = ReportInput(graph: loaded.graph, model: loaded.model, events: events, labels: labelTable, clockNs: options.clockNs,
                                simulation: simulation, resources: resources, physics: physics)
        var report: ModelReport
        do {
            let count = rest.totalRows.map { " on \($0) events" } ?? ""
            report = try steps.progress.step("evaluating the float model and the fixed-point reference" + count) {
                try ModelReport.build(input, continuing: rest)
            }
        } catch let error as ReportError {
            throw DriverError(error, labels: options.labels)
        } catch {
            throw .io("\(error)")
        }
        // Only without a design: the estimate has nothing to count.
        for note in notes { console.warn("\(note); the report has no resources section") }

        let files: [(name: String, contents: String)]
        do {
            files = try ReportFiles.files(report, templates: TemplateLibrary.locate())
        } catch let error as ReportError {
            throw DriverError(error, labels: options.labels)
        } catch {
            throw DriverError(emitting: error)
        }
        try OutputWriter.replaceFolder(options.out, with: files.map { GeneratedFile(path: $0.name, contents: $0.contents) },
                                       force: options.force, protecting: inputs)
        return ReportResult(summary: report.textSummary(), files: files.map { "\(options.out)/\($0.name)" })
    }

    /// Events `report` reads before it starts: what `--verify` simulates.
    /// The rest of the file is read block by block through the reference.
    static let reportHeadEvents = 100_000

    /// A comma-separated list, each name trimmed.
    static func names(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

import ArgumentParser
import Driver

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

    @Flag(help: "Replace the --out folder even if it holds files hepml-compile did not write (never /, home, the working folder or the input's folder).")
    var force = false

    @Option(name: .customLong("clock-ns"), help: "Clock period in ns, 0.1 to 1000 (pipeline depth and latency in ns).")
    var clockNs: Double = 5.0

    @OptionGroup var rtlSize: RTLSizeOptions

    @OptionGroup var familyOptions: FamilyOptions

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
        var options = ReportOptions(model: try modelOptions.source, input: input)
        options.labels = labels
        options.out = out
        options.force = force
        options.clockNs = clockNs
        options.maxRTLSize = rtlSize.limit
        options.rtl = try familyOptions.choice()
        options.part = part
        options.backgroundAcceptance = backgroundAcceptance
        options.rateHz = rateHz
        options.classNames = classNames
        options.signalNames = signalNames
        options.noSynthesis = noSynthesis
        options.synthesize = synthesizeModules
        options.synthesisBudget = synthesisBudget
        options.simulateRTL = simulateRTL
        options.csim = csim
        options.verify = verify
        do {
            let report = try await CompilerDriver.report(options)
            print(report.summary, terminator: "")
            print("\nwrote \(report.files.joined(separator: ", "))")
        } catch {
            throw fail(error)
        }
    }
}

import ArgumentParser
import Driver

/// `hepml-compile physics`: float vs fixed-point physics figures of a model
/// on labelled events, side by side.
struct PhysicsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "physics",
        abstract: "Compare float and fixed-point physics performance (accuracy, ROC/AUC, rejection, efficiency at a fixed rate).",
        discussion: """
        A model with one output is treated as an anomaly score: the threshold keeps a fraction of the
        background, --background-acceptance (default 1e-3) or --rate-hz (a trigger rate out of the
        40 MHz bunch crossings: 1000 Hz keeps 2.5e-5), and each signal's efficiency at it is printed
        with its binomial standard error. Events are generated (or read) and scored in chunks on
        every core, so 10^7 events fit in memory (16 bytes an event are kept); the generated events
        do not depend on the number of threads. Otherwise the outputs are class scores: accuracy,
        one-vs-rest AUC and background rejection at --efficiency.

        Data: --generator jet_tagging, jet_constituents, jet_constituents_hlf or calo_mixture
        (taggers), --generator l1 (background mixture and the four signals), --generator calo
        (calorimeter regions: zero bias and three signals) or --generator track_quality (--events fake tracks as the background, as many
        genuine tracks as the signal, or --signal-events), or files: --input/--labels for a tagger,
        --background/--signal for a score.
        """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Built-in data: jet_tagging, jet_constituents, jet_constituents_hlf, calo_mixture, l1, calo or track_quality.")
    var generator: String?

    @Option(help: "Events to generate (per signal for l1: a tenth of this).")
    var events = 20_000

    @Option(help: "Generator seed (use one the model was not trained on).")
    var seed: UInt64 = 99

    @Option(help: "Tagger events (CSV or .npy).")
    var input: String?

    @Option(help: "Tagger labels (one column of class indices).")
    var labels: String?

    @Option(help: "Background events for an anomaly score.")
    var background: String?

    @Option(help: "Signal events for an anomaly score (repeatable).")
    var signal: [String] = []

    @Option(name: [.customLong("background-acceptance"), .customLong("rate")],
            help: "Background fraction kept by the anomaly threshold (default 1e-3).")
    var acceptance: Double?

    @Option(name: .customLong("rate-hz"), help: "The trigger rate the anomaly threshold keeps, in Hz of the 40 MHz crossings.")
    var rateHz: Double?

    @Option(help: "Events per signal for an anomaly score with --generator l1 or calo (default: a tenth of --events, at most 100000: a signal event costs ~8 background ones to generate, and 100000 measure an efficiency of 1% to 3% of itself).")
    var signalEvents: Int?

    @Option(help: "Threads for generating and evaluating events (default: every core).")
    var threads: Int = CompilerDriver.defaultThreads

    @Flag(help: "No progress line on standard error (it only appears on a terminal, after 2 s).")
    var quiet = false

    @Option(help: "Signal efficiency at which tagger background rejection is quoted.")
    var efficiency = 0.5

    func run() throws {
        var options = PhysicsOptions(model: try modelOptions.source)
        options.generator = generator
        options.events = events
        options.seed = seed
        options.input = input
        options.labels = labels
        options.background = background
        options.signal = signal
        options.acceptance = acceptance
        options.rateHz = rateHz
        options.signalEvents = signalEvents
        options.threads = threads
        options.quiet = quiet
        options.efficiency = efficiency
        do {
            printLines(try CompilerDriver.physics(options).lines)
        } catch {
            throw fail(error, command: "physics")
        }
    }
}

import ArgumentParser
import Datasets
import Driver
import Foundation
import Metrics
import ModelFormat
import ModelIR
import Passes
import TensorIO
import Training

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

        Data: --generator jet_tagging (tagger) or --generator l1 (background mixture and the four
        signals), or files: --input/--labels for a tagger, --background/--signal for a score.
        """)

    @Argument(help: "The model file (model.json).")
    var model: String

    @Option(help: "Built-in data: jet_tagging or l1.")
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

    @Option(help: "Events per signal for an anomaly score with --generator l1 (default: a tenth of --events, at most 100000: a signal event costs ~8 background ones to generate, and 100000 measure an efficiency of 1% to 3% of itself).")
    var signalEvents: Int?

    @Option(help: "Threads for generating and evaluating events (default: every core).")
    var threads: Int = Parallel.defaultThreads

    @Flag(help: "No progress line on standard error (it only appears on a terminal, after 2 s).")
    var quiet = false

    @Option(help: "Signal efficiency at which tagger background rejection is quoted.")
    var efficiency = 0.5

    func run() throws {
        do {
            let loaded: Result<_, _> = Result { () throws(ModelFormatError) in try ModelDecoder.load(path: model) }
            guard case .success(let graph) = loaded else {
                if case .failure(let error) = loaded { throw PhysicsFailure("\(error)") }
                return
            }
            let outputs = graph.tensorSizes()[graph.outputs.first ?? ""] ?? 0
            func eval(_ t: EventTable) throws -> (float: EventTable, fixed: EventTable) {
                do { return try PhysicsEvaluation.outputs(graph, events: t) } catch { throw PhysicsFailure("\(error)") }
            }
            if outputs == 1 {
                try anomaly(graph)
            } else {
                let data: LabelledData
                var classNames = (0..<outputs).map { "class \($0)" }
                if generator == "jet_tagging" {
                    data = GeneratedData.make("jet_tagging", count: events, seed: seed)!
                    if outputs == 5 { classNames = JetTaggingGenerator.classNames }
                } else if let input, let labels {
                    do {
                        data = LabelledData(features: try DataLoader.table(path: input), labels: try DataLoader.labels(path: labels))
                    } catch { throw PhysicsFailure("\(error)") }
                } else {
                    throw PhysicsFailure("give --generator jet_tagging or --input and --labels files")
                }
                guard let l = data.labels, l.count == data.features.rows, l.allSatisfy({ $0 < outputs }) else {
                    throw PhysicsFailure("labels must be one class index (< \(outputs)) per event")
                }
                let o = try eval(data.features)
                let float = PhysicsEvaluation.tagger(outputs: o.float, labels: l, signalEfficiency: efficiency)
                let fixed = PhysicsEvaluation.tagger(outputs: o.fixed, labels: l, signalEfficiency: efficiency)
                print("\(graph.name): \(data.features.rows) events")
                print(PhysicsEvaluation.taggerTable(float: float, fixed: fixed, classNames: classNames, signalEfficiency: efficiency))
            }
        } catch let error as PhysicsFailure {
            FileHandle.standardError.write(Data("hepml-compile physics: error: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// The background fraction the threshold keeps, from one of the two options.
    func backgroundAcceptance() throws -> Double {
        if acceptance != nil && rateHz != nil { throw PhysicsFailure("give --rate-hz or --background-acceptance, not both") }
        if let rateHz {
            guard rateHz > 0, rateHz <= PhysicsMetrics.bunchCrossingRate else {
                throw PhysicsFailure("--rate-hz must be in (0, 4e7], got \(rateHz)")
            }
            return PhysicsMetrics.acceptance(rateHz: rateHz)
        }
        let a = acceptance ?? 1e-3
        guard a > 0, a <= 1 else { throw PhysicsFailure("--background-acceptance must be in (0, 1], got \(a)") }
        return a
    }

    /// An anomaly score: scores of the background and of each signal, in
    /// chunks, then the figures at the threshold.
    func anomaly(_ graph: Graph) throws {
        let accept = try backgroundAcceptance()
        guard threads >= 1, events >= 1 else { throw PhysicsFailure("--threads and --events must be at least 1") }
        let lowered: LoweredModel
        do { lowered = try Pipeline.lower(graph) } catch { throw PhysicsFailure("\(error)") }
        guard lowered.inputWidth == L1AnomalyGenerator.featureCount || generator != "l1" else {
            throw PhysicsFailure("the model takes \(lowered.inputWidth) values; the l1 generator makes \(L1AnomalyGenerator.featureCount)")
        }
        let study = AnomalyScores(graph: graph, lowered: lowered, threads: threads)
        let progress = ProgressMeter("physics", quiet: quiet)
        defer { progress.finish() }
        let start = Date()
        var bkg: (float: [Double], fixed: [Double])
        var sigs: [(name: String, float: [Double], fixed: [Double])] = []
        if generator == "l1" {
            let g = L1AnomalyGenerator(seed: seed)
            let perSignal = signalEvents ?? max(1, min(events / 10, 100_000))
            guard perSignal >= 1 else { throw PhysicsFailure("--signal-events must be at least 1") }
            let total = events + perSignal * L1Process.signals.count
            bkg = study.generated(count: events, make: { g.backgroundChunk($0, count: $1) }) {
                progress.update(done: $0, total: total)
            }
            for (k, p) in L1Process.signals.enumerated() {
                let done = events + k * perSignal
                let s = study.generated(count: perSignal, make: { g.signalChunk(p, $0, count: $1) }) {
                    progress.update(done: done + $0, total: total)
                }
                sigs.append((p.rawValue, s.float, s.fixed))
            }
        } else if let background {
            bkg = try scores(background, study, progress)
            for path in signal {
                let s = try scores(path, study, progress)
                sigs.append(((path as NSString).lastPathComponent, s.float, s.fixed))
            }
        } else {
            throw PhysicsFailure("give --generator l1 or --background and --signal files")
        }
        // Sorted in place: the figures need sorted samples, and a sorted copy would double the memory.
        bkg.float.sort()
        bkg.fixed.sort()
        for i in sigs.indices { sigs[i].float.sort(); sigs[i].fixed.sort() }
        let float = PhysicsEvaluation.anomaly(background: bkg.float, signals: sigs.map(\.float), acceptance: accept)
        let fixed = PhysicsEvaluation.anomaly(background: bkg.fixed, signals: sigs.map(\.fixed), acceptance: accept)
        progress.finish()
        let working = rateHz.map { String(format: "%g Hz of 40 MHz (%.3g of the background)", $0, accept) }
            ?? String(format: "%g of the background", accept)
        let counts = sigs.map(\.float.count)
        let signalText = Set(counts).count == 1 ? "\(counts.first ?? 0) per signal" : counts.map(String.init).joined(separator: ", ") + " signal events"
        print("\(graph.name): anomaly score on \(bkg.float.count) background events and \(signalText), threshold at \(working) kept"
              + String(format: " (%.1f s)", Date().timeIntervalSince(start)))
        if Double(bkg.float.count) * accept < 100 {
            print("note: only \(Int(Double(bkg.float.count) * accept)) background events are above the threshold; give more --events for a stable threshold")
        }
        print(PhysicsEvaluation.anomalyTable(float: float, fixed: fixed, signalNames: sigs.map(\.name)))
    }

    func scores(_ path: String, _ study: AnomalyScores, _ progress: ProgressMeter) throws -> (float: [Double], fixed: [Double]) {
        do {
            let reader = try EventFile.reader(path: path, threads: threads)
            guard reader.columns == study.fixed.model.inputWidth else {
                throw TensorIOError(file: path, message: "events have \(reader.columns) values but the model takes \(study.fixed.model.inputWidth)")
            }
            return try study.file(reader) { progress.update(done: $0, total: reader.totalRows) }
        } catch {
            throw PhysicsFailure("\(error)")
        }
    }

    func table(_ path: String) throws -> EventTable {
        do { return try DataLoader.table(path: path) } catch { throw PhysicsFailure("\(error)") }
    }
}

struct PhysicsFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

import ArgumentParser
import Datasets
import Foundation
import ModelFormat
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
        A model with one output is treated as an anomaly score: the threshold keeps --rate of the
        background, and each signal's efficiency at it is printed. Otherwise the outputs are class
        scores: accuracy, one-vs-rest AUC and background rejection at --efficiency.

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

    @Option(help: "Background fraction kept by the anomaly threshold.")
    var rate = 1e-3

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
                var bkg: EventTable
                var sigs: [(String, EventTable)] = []
                if generator == "l1" {
                    let g = L1AnomalyGenerator(seed: seed)
                    bkg = g.backgroundMixture(count: events).events
                    sigs = L1Process.signals.map { ($0.rawValue, g.events($0, count: max(1, events / 10))) }
                } else if let background {
                    bkg = try table(background)
                    sigs = try signal.map { (($0 as NSString).lastPathComponent, try table($0)) }
                } else {
                    throw PhysicsFailure("give --generator l1 or --background and --signal files")
                }
                let b = try eval(bkg)
                let s = try sigs.map { try eval($0.1) }
                let float = PhysicsEvaluation.anomaly(background: b.float.values, signals: s.map(\.float.values), acceptance: rate)
                let fixed = PhysicsEvaluation.anomaly(background: b.fixed.values, signals: s.map(\.fixed.values), acceptance: rate)
                print("\(graph.name): anomaly score on \(bkg.rows) background events, threshold at \(rate) kept")
                print(PhysicsEvaluation.anomalyTable(float: float, fixed: fixed, signalNames: sigs.map(\.0)))
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

    func table(_ path: String) throws -> EventTable {
        do { return try DataLoader.table(path: path) } catch { throw PhysicsFailure("\(error)") }
    }
}

struct PhysicsFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

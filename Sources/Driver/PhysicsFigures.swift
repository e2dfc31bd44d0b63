import Datasets
import Foundation
import ModelFormat
import ModelIR
import TensorIO
import Training

/// `hepml-compile physics`: the data to score and the working point.
public struct PhysicsOptions: Sendable {
    /// The model (model.json or QONNX), read as every command reads it.
    public var model: ModelSource
    /// Built-in data: a labelled set for a tagger (`jet_tagging`,
    /// `jet_constituents`, `jet_constituents_hlf`, `track_quality`,
    /// `calo_mixture`), or `l1`, `calo` or `track_quality` for an anomaly score.
    public var generator: String?
    /// Events to generate.
    public var events = 20_000
    public var seed: UInt64 = 99
    /// Tagger events and labels (one column of class indices).
    public var input: String?
    public var labels: String?
    /// Background and signal events of an anomaly score.
    public var background: String?
    public var signal: [String] = []
    /// Background fraction the anomaly threshold keeps (default 1e-3).
    public var acceptance: Double?
    /// The trigger rate the anomaly threshold keeps, in Hz of the 40 MHz crossings.
    public var rateHz: Double?
    /// Events per signal with the l1 generator; nil: a tenth of ``events``, at most 100000.
    public var signalEvents: Int?
    public var threads = CompilerDriver.defaultThreads
    /// No progress line.
    public var quiet = false
    /// Signal efficiency at which tagger background rejection is quoted.
    public var efficiency = 0.5

    public init(model: ModelSource) { self.model = model }
}

/// The figures, as the lines the command prints.
public struct PhysicsResult: Sendable {
    public var lines: [String]
}

extension CompilerDriver {
    /// Float vs fixed-point physics figures of a model on labelled events:
    /// an anomaly score (one output) at a background acceptance, or class
    /// scores (accuracy, AUC, rejection). Every failure is bad input (exit 2).
    /// The model is loaded by ``ModelSource/load(console:)``, as for every
    /// command: model.json or QONNX, `--precision`, `--input-type`, `--strict`.
    public static func physics(_ options: PhysicsOptions, console: Console = .standard) throws(DriverError) -> PhysicsResult {
        // Checked before the model is read: the tagger path allocates its events at once.
        try CountLimits.check(options.events, "--events", limit: CountLimits.events)
        try CountLimits.check(options.threads, "--threads", limit: CountLimits.threads)
        if let n = options.signalEvents { try CountLimits.check(n, "--signal-events", limit: CountLimits.events) }
        let loaded = try options.model.load(console: console)
        let outputs = loaded.model.outputWidth
        if outputs == 1 { return try AnomalyFigures(options: options, graph: loaded.graph, lowered: loaded.model).run() }
        return try taggerFigures(options, loaded: loaded, outputs: outputs)
    }

    /// Accuracy, one-vs-rest AUC and background rejection of class scores.
    static func taggerFigures(_ options: PhysicsOptions, loaded: LoadedModel, outputs: Int) throws(DriverError) -> PhysicsResult {
        let graph = loaded.graph
        let data: LabelledData
        var classNames = (0..<outputs).map { "class \($0)" }
        if let name = options.generator, name != "l1", let names = GeneratedData.classNames(of: name) {
            guard let made = GeneratedData.make(name, count: options.events, seed: options.seed) else {
                throw .option("--generator: unknown generator '\(name)'")
            }
            data = made
            if outputs == names.count { classNames = names }
        } else if let input = options.input, let labels = options.labels {
            do {
                data = LabelledData(features: try DataLoader.table(path: input), labels: try DataLoader.labels(path: labels))
            } catch { throw .option("\(error)") }
        } else {
            throw .option("give --generator jet_tagging (or jet_constituents, jet_constituents_hlf, track_quality, calo_mixture), or --input and --labels files")
        }
        guard let l = data.labels, l.count == data.features.rows, l.allSatisfy({ $0 < outputs }) else {
            throw .option("labels must be one class index (< \(outputs)) per event")
        }
        let o: (float: EventTable, fixed: EventTable)
        guard data.features.columns == loaded.model.inputWidth else {
            throw .option("the events have \(data.features.columns) values; the model takes \(loaded.model.inputWidth)")
        }
        o = PhysicsEvaluation.outputs(graph, lowered: loaded.model, events: data.features)
        let efficiency = options.efficiency
        let float = PhysicsEvaluation.tagger(outputs: o.float, labels: l, signalEfficiency: efficiency)
        let fixed = PhysicsEvaluation.tagger(outputs: o.fixed, labels: l, signalEfficiency: efficiency)
        return PhysicsResult(lines: [
            "\(graph.name): \(data.features.rows) events",
            PhysicsEvaluation.taggerTable(float: float, fixed: fixed, classNames: classNames, signalEfficiency: efficiency),
        ])
    }
}

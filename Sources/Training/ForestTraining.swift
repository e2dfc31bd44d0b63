import Datasets
import FixedPoint
import Foundation
import ModelFormat
import ModelIR
import TensorIO

/// The accepted range of every `model.forest` setting of train.json
/// (docs/training.md, "Forests").
public enum ForestLimits {
    public static let trees = 1...10_000
    /// A depth-12 tree has up to 4096 leaves: beyond, a trigger forest is not buildable anyway.
    public static let depth = 1...12
    public static let learningRate = Interval(0, 10, openBelow: true)
    public static let regularisation = Interval(0, 1e6)
    public static let bins = 2...HistogramBinning.maxBins
    public static let subsample = Interval(0, 1, openBelow: true)
    public static let validationFraction = Interval(0, 1, openAbove: true)
}

extension TrainConfig {
    /// Checks a `model` section: a forest, its numbers in range, and none of
    /// the network's keys beside it.
    func validateForest(_ model: ModelSection) throws(TrainingError) {
        guard let f = model.forest else { throw .invalidSetting("model: give 'forest' (the only model besides a network's 'layers')") }
        guard layers.isEmpty else { throw .invalidSetting("layers: a forest (model.forest) takes no layers; give one or the other") }
        if training != nil { throw .invalidSetting("training: the network's settings do not apply to a forest; its settings go in model.forest") }
        if quantization != nil { throw .invalidSetting("quantization: a forest's types are input_type and model.forest.leaf_type") }
        guard task == "classification" else {
            throw .invalidSetting("task: a forest is trained for binary classification ('classification'), not '\(task)'")
        }
        try Self.check(f.trees, "model.forest.trees", ForestLimits.trees)
        try Self.check(f.depth, "model.forest.depth", ForestLimits.depth)
        try Self.check(f.learningRate, "model.forest.learning_rate", ForestLimits.learningRate)
        try Self.check(f.lambda, "model.forest.lambda", ForestLimits.regularisation)
        try Self.check(f.minChildWeight, "model.forest.min_child_weight", ForestLimits.regularisation)
        try Self.check(f.minSplitGain, "model.forest.min_split_gain", ForestLimits.regularisation)
        try Self.check(f.bins, "model.forest.bins", ForestLimits.bins)
        try Self.check(f.subsample, "model.forest.subsample", ForestLimits.subsample)
        try Self.check(f.validationFraction, "model.forest.validation_fraction", ForestLimits.validationFraction)
        _ = try Self.type(f.leafType, field: "model.forest.leaf_type")
        _ = try Self.featureTypes(inputType)
    }
}

extension TrainConfig {
    /// A forest's `input_type`: one type, or types per feature
    /// (`ap_fixed<16,8>; 3=ap_uint<3>`, ``ModelFormat/FeatureTypeSpec``).
    static func featureTypes(_ text: String?) throws(TrainingError) -> FeatureTypeSpec? {
        guard let text else { return nil }
        do { return try FeatureTypeSpec(parsing: text) } catch { throw .invalidSetting("input_type: \(error)") }
    }
}

extension TrainConfig.ForestSection {
    /// The boosting settings, defaults filled in.
    public var options: BoostingOptions {
        var o = BoostingOptions()
        if let trees { o.trees = trees }
        if let depth { o.maxDepth = depth }
        if let learningRate { o.learningRate = learningRate }
        if let lambda { o.lambda = lambda }
        if let minChildWeight { o.minChildWeight = minChildWeight }
        if let minSplitGain { o.minSplitGain = minSplitGain }
        if let bins { o.bins = bins }
        if let subsample { o.subsample = subsample }
        if let seed { o.seed = seed }
        return o
    }
}

extension TrainingRun {
    /// What a forest run produced.
    public struct ForestResult: Sendable {
        public var graph: Graph
        public var history: [BoostingRecord]
        public var writtenFiles: [String]
    }

    /// The graph of a trained binary forest: the margin, then its sigmoid.
    public static func forestGraph(name: String, forest: Forest, inputType: FixedType?, leafType: FixedType?) -> Graph {
        let nodes = [
            Node(name: "margin", op: .forest(forest), inputs: ["x"], precision: LayerPrecision(weight: leafType)),
            Node(name: "probability", op: .activation(.sigmoid(TableSettings(size: 1024, range: 8))), inputs: ["margin"]),
        ]
        return Graph(name: name, inputs: [GraphInput(name: "x", shape: [forest.featureCount], type: inputType)],
                     nodes: nodes, outputs: ["probability"])
    }

    /// Trains the config's `model.forest` (binary logistic boosting) and
    /// writes model.json, the loss per tree (losses.csv, phase `forest`,
    /// one row per tree) and the test vectors. `progress` hears each tree.
    public func runForest(progress: Progress = { _, _, _ in }) throws(TrainingError) -> ForestResult {
        try config.validate()
        guard let section = config.model?.forest else { throw .invalidSetting("model.forest: missing") }
        let options = section.options
        let inputTypes = try TrainConfig.featureTypes(config.inputType)
        let leafType = try TrainConfig.type(section.leafType, field: "model.forest.leaf_type")
        let data = try loadData()
        // Splits are float32 thresholds: a value beyond float32's range has no edge above it.
        if let i = data.features.values.firstIndex(where: { abs($0) > Double(Float.greatestFiniteMagnitude) }) {
            let c = data.features.columns
            throw .invalidSetting("data: event \(i / c), feature \(i % c): \(data.features.values[i]) is beyond float32's range, which a forest's splits use")
        }
        // An entry beyond the features is refused before any tree is grown.
        do { _ = try inputTypes?.types(featureCount: data.features.columns) } catch { throw .invalidSetting("input_type: \(error)") }
        guard let labels = data.labels else { throw .invalidSetting("model.forest: a forest needs labels (data.labels or data.label_column)") }
        if let bad = labels.firstIndex(where: { $0 > 1 }) {
            throw .invalidSetting("model.forest: binary classification needs labels 0 and 1; event \(bad) has label \(labels[bad])")
        }
        // The validation events: a seeded shuffle, as the network trainer splits.
        var order = Array(0..<data.features.rows)
        var rng = SeededRandom(seed: options.seed)
        rng.shuffle(&order)
        let held = Int(Double(order.count) * (section.validationFraction ?? 0.2))
        func rows(_ picked: ArraySlice<Int>) -> (events: EventTable, labels: [Int]) {
            let c = data.features.columns
            var values: [Double] = []
            values.reserveCapacity(picked.count * c)
            for r in picked { values += data.features.values[(r * c)..<((r + 1) * c)] }
            return (EventTable(rows: picked.count, columns: c, values: values), picked.map { labels[$0] })
        }
        let train = rows(order[held...]), validation = held > 0 ? rows(order[..<held]) : nil
        guard train.events.rows > 0 else { throw .invalidSetting("data: no training events are left after the validation split") }
        let total = options.trees
        let (forest, history) = GradientBoosting.train(events: train.events, labels: train.labels, validation: validation,
                                                       options: options) { record in
            progress("forest", EpochRecord(epoch: record.trees - 1, trainLoss: record.trainLoss,
                                           validationLoss: record.validationLoss ?? .nan,
                                           learningRate: options.learningRate, seconds: record.seconds), total)
        }
        var graph = Self.forestGraph(name: config.name, forest: forest, inputType: inputTypes?.fallback, leafType: leafType)
        if let inputTypes, inputTypes.isPerFeature {
            do { graph = try FeatureInputs.split(graph, types: inputTypes.types(featureCount: forest.featureCount)) } catch {
                throw .invalidSetting("input_type: \(error)")
            }
        }
        var written: [String] = []
        let modelPath = config.output?.model ?? "model.json"
        try write(ModelEncoder.encode(graph), to: modelPath)
        written.append(modelPath)
        let lossPath = config.output?.losses ?? "losses.csv"
        var csv = "phase,epoch,train_loss,val_loss,learning_rate,seconds\n"
        for r in history {
            let v = r.validationLoss.map { String($0) } ?? ""
            csv += "forest,\(r.trees),\(r.trainLoss),\(v),\(options.learningRate),\(String(format: "%.3f", r.seconds))\n"
        }
        try write(csv, to: lossPath)
        written.append(lossPath)
        written += try writeTestVectors(graph, data: data)
        return ForestResult(graph: graph, history: history, writtenFiles: written)
    }
}

import FileSafety
import Foundation
import FixedPoint
import Datasets
import TensorIO
import ModelIR
import Passes
import Reference

/// Runs a ``TrainConfig`` end to end: data, float training, optional PTQ or
/// QAT, export of model.json, loss curves and test vectors.
public struct TrainingRun {
    public var config: TrainConfig
    /// Directory the config's relative paths are resolved against.
    public var baseDirectory: String

    public init(config: TrainConfig, baseDirectory: String) {
        self.config = config
        self.baseDirectory = baseDirectory
    }

    /// What a run produced.
    public struct Result {
        public var model: TrainedModel
        public var floatHistory: TrainingHistory
        public var qatHistory: TrainingHistory?
        public var writtenFiles: [String]
    }

    /// A progress line: phase (`float`/`qat`), the epoch record, total epochs.
    public typealias Progress = (String, EpochRecord, Int) -> Void

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : (baseDirectory as NSString).appendingPathComponent(path)
    }

    var isAutoencoder: Bool { config.task == "autoencoder" }

    /// Generated events when `data.events` is not given.
    static let defaultEvents = 10_000
    /// `training.learning_rate` when not given.
    static let defaultLearningRate = 1e-3

    /// The training events (and labels for classification).
    public func loadData() throws(TrainingError) -> LabelledData {
        let d = config.data
        if let generator = d.generator {
            guard let data = GeneratedData.make(generator, count: d.events ?? Self.defaultEvents, seed: d.seed ?? 1) else {
                throw .invalidSetting("data.generator: unknown generator '\(generator)'; known: \(GeneratedData.names.joined(separator: ", "))")
            }
            return data
        }
        guard let features = d.features else { throw .invalidSetting("data: give a generator or a features file") }
        do {
            let table = try DataLoader.table(path: resolve(features))
            if let column = d.labelColumn { return try DataLoader.splitLabelColumn(table, labelColumn: column, file: features) }
            if let labels = d.labels {
                let l = try DataLoader.labels(path: resolve(labels))
                guard l.count == table.rows else {
                    throw TensorIOError(file: labels, message: "\(l.count) labels for \(table.rows) events")
                }
                return LabelledData(features: table, labels: l)
            }
            return LabelledData(features: table)
        } catch {
            throw .invalidSetting("\(error)")
        }
    }

    func layerSpecs(inputSize: Int) throws(TrainingError) -> [LayerSpec] {
        var specs: [LayerSpec] = []
        for (i, entry) in config.layers.enumerated() {
            if let units = entry.dense { specs.append(.dense(units: units)) }
            else if entry.batchnorm == true { specs.append(.batchNorm) }
            else if let rate = entry.dropout { specs.append(.dropout(rate: rate)) }
            else if let name = entry.activation {
                guard let kind = ActivationKind(name: name, alpha: entry.alpha ?? 0.3) else {
                    throw .invalidSetting("layers[\(i)].activation: unknown activation '\(name)'")
                }
                specs.append(.activation(kind))
            } else if let scale = entry.scale {
                switch scale {
                case .factors(let f): specs.append(.scale(f))
                case .named("l1_hardware"): specs.append(.scale(L1AnomalyGenerator.networkScales))
                case .named(let other): throw .invalidSetting("layers[\(i)].scale: unknown scaling '\(other)'")
                }
            } else if let spec = try TrainConfig.tensorSpec(entry, at: "layers[\(i)]") {
                specs.append(spec)
            } else {
                throw .invalidSetting("layers[\(i)]: expected one of dense, batchnorm, dropout, activation, scale, conv1d, conv2d, "
                    + "depthwise_conv1d, depthwise_conv2d, maxpool1d, maxpool2d, avgpool1d, avgpool2d, reduce_sum, reduce_mean, "
                    + "reduce_max, flatten, reshape, transpose, concatenate")
            }
        }
        return specs
    }

    func options() throws(TrainingError) -> TrainingOptions {
        let t = config.training
        var o = TrainingOptions()
        o.epochs = t?.epochs ?? 20
        o.batchSize = t?.batchSize ?? 256
        o.learningRate = t?.learningRate ?? Self.defaultLearningRate
        o.validationFraction = t?.validationFraction ?? 0.2
        o.patience = t?.patience
        o.seed = t?.seed ?? 1
        switch t?.optimizer ?? "adam" {
        case "adam": o.optimizer = .adam()
        case "sgd": o.optimizer = .sgd(momentum: Float(t?.momentum ?? 0.9))
        case let other: throw .invalidSetting("training.optimizer: '\(other)' (adam or sgd)")
        }
        let defaultLoss = isAutoencoder ? "mse" : "categorical_crossentropy"
        guard let loss = Loss(rawValue: t?.loss ?? defaultLoss) else {
            throw .invalidSetting("training.loss: '\(t?.loss ?? "")' (mse, binary_crossentropy, categorical_crossentropy)")
        }
        o.loss = loss
        if let s = t?.schedule {
            switch s.type {
            case "constant": o.schedule = .constant
            case "step": o.schedule = .step(every: s.every ?? 10, factor: s.factor ?? 0.5)
            case "exponential": o.schedule = .exponential(factor: s.factor ?? 0.95)
            case "cosine": o.schedule = .cosine(epochs: o.epochs, minimum: s.minimum ?? 0)
            default: throw .invalidSetting("training.schedule.type: '\(s.type)' (constant, step, exponential, cosine)")
            }
        }
        return o
    }

    /// Trains and writes the outputs.
    public func run(progress: Progress = { _, _, _ in }) throws(TrainingError) -> Result {
        try config.validate()
        var options = try options()
        if let shape = config.inputShape {
            // Every layer's shape (and size) is checked before any data is generated or read.
            let probe = try NetworkBuilder.build(inputShape: shape, layers: try layerSpecs(inputSize: shape.reduce(1, *)), seed: 0)
            try Self.checkSize(of: probe, batchSize: options.batchSize)
        }
        let data = try loadData()
        let specs = try layerSpecs(inputSize: data.features.columns)
        try Self.checkSize(of: specs, inputSize: data.features.columns, batchSize: options.batchSize)
        let shape = config.inputShape ?? [data.features.columns]
        guard shape.reduce(1, *) == data.features.columns else {
            throw .invalidSetting("input_shape: \(shape) holds \(shape.reduce(1, *)) values; the events have \(data.features.columns)")
        }
        var network = try NetworkBuilder.build(inputShape: shape, layers: specs, seed: options.seed,
                                               l1: config.training?.l1 ?? 0, l2: config.training?.l2 ?? 0)
        if specs.contains(where: \.isTensorLayer) || shape.count > 1 { try Self.checkSize(of: network, batchSize: options.batchSize) }
        let x = Matrix(rows: data.features.rows, columns: data.features.columns, data: data.features.values.map(Float.init))
        var targets: Matrix? = nil
        var scoreTarget: String? = nil
        if isAutoencoder {
            scoreTarget = Self.reconstructionTarget(of: network)
            options.reconstructionTarget = scoreTarget
            if scoreTarget == nil { targets = x }
        } else {
            guard let labels = data.labels else { throw .invalidSetting("classification needs labels (data.labels or data.label_column)") }
            let classes = network.outputSize
            if let bad = labels.first(where: { $0 >= classes }) {
                throw .invalidSetting("label \(bad) is outside the \(classes) outputs of the network")
            }
            var t = Matrix(rows: labels.count, columns: classes)
            for (r, l) in labels.enumerated() { t[r, l] = 1 }
            targets = t
        }
        let floatOptions = options
        let floatHistory = try Trainer.train(&network, inputs: x, targets: targets, options: floatOptions) {
            progress("float", $0, floatOptions.epochs)
        }

        let q = config.quantization
        let inputType = try TrainConfig.type(config.inputType, field: "input_type")
        var model = TrainedModel(name: config.name, network: network, inputType: inputType)
        var qatHistory: TrainingHistory? = nil
        let mode = q?.mode ?? "none"
        if mode != "none" {
            guard mode == "ptq" || mode == "qat" else { throw .invalidSetting("quantization.mode: '\(mode)' (none, ptq, qat)") }
            guard let inputType else { throw .invalidSetting("input_type is required to quantize") }
            var settings = CalibrationSettings()
            settings.weightWidth = q?.weightWidth ?? 8
            settings.biasWidth = q?.biasWidth ?? 12
            settings.resultWidth = q?.resultWidth ?? 16
            settings.margin = q?.margin ?? 1.5
            for (layer, o) in q?.overrides ?? [:] {
                settings.overrides[layer] = LayerTypes(
                    weight: try TrainConfig.type(o.weight, field: "quantization.overrides.\(layer).weight"),
                    bias: try TrainConfig.type(o.bias, field: "quantization.overrides.\(layer).bias"),
                    result: try TrainConfig.type(o.result, field: "quantization.overrides.\(layer).result"),
                    alpha: try TrainConfig.type(o.alpha, field: "quantization.overrides.\(layer).alpha"))
            }
            let calibration = x.gatherRows(Array(0..<min(x.rows, q?.calibrationEvents ?? 20_000))[...])
            let folded = Quantization.foldBatchNorm(network)
            let plan = Quantization.calibrate(folded, inputType: inputType, calibration: calibration, settings: settings)
            var quantized = Quantization.apply(plan, to: folded)
            if mode == "qat" {
                var qatOptions = options
                qatOptions.epochs = q?.qatEpochs ?? 5
                qatOptions.learningRate = q?.qatLearningRate ?? options.learningRate / 10
                qatOptions.schedule = .constant
                qatHistory = try Trainer.train(&quantized, inputs: x, targets: targets, options: qatOptions) {
                    progress("qat", $0, qatOptions.epochs)
                }
            }
            model = TrainedModel(name: config.name, network: quantized, inputType: inputType, plan: plan)
            model.writesQuantizedWeights = mode == "qat"
            if let target = scoreTarget {
                let width = settings.resultWidth
                model.scoreHead = Quantization.calibrateScoreHead(model, target: target, calibration: calibration,
                                                                  width: width, scoreWidth: q?.scoreWidth ?? width, margin: settings.margin)
            }
        } else if let target = scoreTarget {
            model.scoreHead = ScoreHead(target: target)
        }
        let written = try writeOutputs(model, data: data, floatHistory: floatHistory, qatHistory: qatHistory)
        return Result(model: model, floatHistory: floatHistory, qatHistory: qatHistory, writtenFiles: written)
    }

    /// The layer an autoencoder reconstructs: a leading scale layer (a frozen
    /// dense layer) and the element-wise activations right after it, such as
    /// a `tanh` that compresses the scaled input; nil without a leading scale.
    static func reconstructionTarget(of network: Network) -> String? {
        guard let scale = network.layers.first as? DenseLayer, !scale.trainable else { return nil }
        var target = scale.name
        for layer in network.layers.dropFirst() {
            guard let activation = layer as? ActivationLayer, activation.kind.isElementWise else { break }
            target = activation.name
        }
        return target
    }

    func write(_ text: String, to path: String) throws(TrainingError) {
        let full = resolve(path)
        do {
            // Resolved, then confined: a link in the config's folder cannot lead outside it.
            try OutputFile.write(text, to: full, within: baseDirectory)
        } catch {
            throw .invalidSetting("cannot write \(full): \(error)")
        }
    }

    func writeOutputs(_ model: TrainedModel, data: LabelledData, floatHistory: TrainingHistory,
                      qatHistory: TrainingHistory?) throws(TrainingError) -> [String] {
        let out = config.output
        var written: [String] = []
        let modelPath = out?.model ?? "model.json"
        try write(model.modelJSON(), to: modelPath)
        written.append(modelPath)
        let lossPath = out?.losses ?? "losses.csv"
        var csv = "phase,epoch,train_loss,val_loss,learning_rate,seconds\n"
        for (phase, h) in [("float", floatHistory), ("qat", qatHistory)] {
            guard let h else { continue }
            for line in h.csv.split(separator: "\n").dropFirst() { csv += "\(phase),\(line)\n" }
        }
        try write(csv, to: lossPath)
        written.append(lossPath)
        written += try writeTestVectors(model.graph(), data: data)
        return written
    }
}

extension TrainingRun {
    /// Writes `output.test_inputs` (events the model was not trained on when
    /// a generator is used: the next seed; else the first events) and
    /// `output.test_outputs` (the bit-exact reference's outputs for them).
    func writeTestVectors(_ graph: Graph, data: LabelledData) throws(TrainingError) -> [String] {
        let out = config.output
        var written: [String] = []
        let n = min(out?.testEvents ?? 200, data.features.rows)
        guard n > 0, let inputsPath = out?.testInputs else { return written }
        var source = data.features
        if let g = config.data.generator, let fresh = GeneratedData.make(g, count: n, seed: (config.data.seed ?? 1) &+ 1000) {
            source = fresh.features
        }
        let events = EventTable(rows: n, columns: source.columns, values: Array(source.values[0..<(n * source.columns)]))
        try write(CSVTable.format(events), to: inputsPath)
        written.append(inputsPath)
        if let outputsPath = out?.testOutputs {
            do {
                let lowered = try Pipeline.lower(graph)
                try write(CSVTable.format(FixedPointEvaluator(lowered).run(events)), to: outputsPath)
                written.append(outputsPath)
            } catch {
                throw .invalidSetting("the exported model does not lower: \(error)")
            }
        }
        return written
    }
}

import Datasets
import ModelIR

/// The accepted range of every setting of train.json that the decoder
/// cannot check by type alone (docs/training.md, "Limits"). A value outside
/// is refused before any data is generated or memory allocated, with a
/// message naming the field and the range, instead of a trap, an abort on
/// allocation or a silently useless run.
public enum TrainLimits {
    /// Units of one dense layer (as the model decoder allows).
    public static let maxUnits = 100_000
    /// Generated events times values per event: about 12 bytes a value
    /// (Double table, Float matrix), so 50 M values stay near 600 MB.
    public static let maxDataValues = 50_000_000
    /// Trainable parameters of the whole network: each costs about 20 bytes
    /// (weight, gradient, two Adam moments, the early-stopping copy).
    public static let maxParameters = 10_000_000
    /// Layer outputs of one forward pass: rows (the batch, and at least the
    /// 4096-event chunks of evaluation) times the summed layer widths, at
    /// 4 bytes a value, all held for back-propagation.
    public static let maxActivationValues = 100_000_000
    /// Rows of a forward pass in evaluation, whatever the batch size.
    static let evaluationChunk = 4096

    public static let events = 1...maxDataValues
    public static let epochs = 1...100_000
    public static let batchSize = 1...1_000_000
    public static let learningRate = Interval(0, 10, openBelow: true)
    public static let momentum = Interval(0, 1, openAbove: true)
    public static let validationFraction = Interval(0, 1, openBelow: true, openAbove: true)
    public static let patience = 0...100_000
    public static let penalty = Interval(0, 1)
    public static let dropout = Interval(0, 1, openAbove: true)
    public static let alpha = Interval(0, 1, openAbove: true)
    public static let scheduleEvery = 1...100_000
    public static let scheduleFactor = Interval(0, 1, openBelow: true)
    /// Total bits of the calibrated weight, bias, result and score types.
    public static let width = 2...32
    public static let margin = Interval(0, 1000, openBelow: true)
    public static let calibrationEvents = 1...maxDataValues
    public static let testEvents = 0...1_000_000
}

/// A real interval, open or closed at either end, that prints as `(0, 1]`.
public struct Interval: Sendable, CustomStringConvertible {
    public var lower: Double
    public var upper: Double
    public var openBelow: Bool
    public var openAbove: Bool

    public init(_ lower: Double, _ upper: Double, openBelow: Bool = false, openAbove: Bool = false) {
        self.lower = lower
        self.upper = upper
        self.openBelow = openBelow
        self.openAbove = openAbove
    }

    /// False for NaN and the infinities.
    public func contains(_ x: Double) -> Bool {
        guard x.isFinite else { return false }
        let aboveLower = openBelow ? x > lower : x >= lower
        let belowUpper = openAbove ? x < upper : x <= upper
        return aboveLower && belowUpper
    }

    public var description: String {
        func text(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)" }
        let open = openBelow ? "(" : "[", close = openAbove ? ")" : "]"
        return open + text(lower) + ", " + text(upper) + close
    }
}

extension TrainConfig {
    /// Checks every numeric setting against ``TrainLimits`` and the shape of
    /// the layer list, naming the field (`training.learning_rate`,
    /// `layers[2].dense`) and the accepted range. Needs no data.
    public func validate() throws(TrainingError) {
        try Self.check(data.events, "data.events", TrainLimits.events)
        if let generator = data.generator, let features = GeneratedData.featureCount(of: generator) {
            let events = data.events ?? TrainingRun.defaultEvents
            let most = TrainLimits.maxDataValues / features
            guard events <= most else {
                throw .invalidSetting("data.events: \(events) events of \(features) values (\(generator)) exceed the limit of "
                    + "\(TrainLimits.maxDataValues) values in memory; at most \(most) events")
            }
        }
        if let model {
            try validateForest(model)
            try Self.check(output?.testEvents, "output.test_events", TrainLimits.testEvents)
            try checkOutputPaths()
            return
        }
        guard !layers.isEmpty else { throw .invalidSetting("layers: the list is empty; a network needs at least one layer") }
        for (i, layer) in layers.enumerated() {
            try Self.check(layer, at: "layers[\(i)]")
            _ = try Self.tensorSpec(layer, at: "layers[\(i)]")
        }
        if let shape = inputShape {
            guard !shape.isEmpty, shape.count <= 8, shape.allSatisfy({ (1...TrainLimits.maxDataValues).contains($0) }),
                  let n = Shapes.count(shape), n <= TrainLimits.maxDataValues else {
                throw .invalidSetting("input_shape: \(shape) must be 1 to 8 sizes, each at least 1, of at most \(TrainLimits.maxDataValues) values in all")
            }
            if let generator = data.generator, let features = GeneratedData.featureCount(of: generator), features != n {
                throw .invalidSetting("input_shape: \(Shapes.text(shape)) holds \(n) values; the \(generator) events have \(features)")
            }
        }

        let t = training
        try Self.check(t?.epochs, "training.epochs", TrainLimits.epochs)
        try Self.check(t?.batchSize, "training.batch_size", TrainLimits.batchSize)
        try Self.check(t?.learningRate, "training.learning_rate", TrainLimits.learningRate)
        try Self.check(t?.momentum, "training.momentum", TrainLimits.momentum)
        try Self.check(t?.validationFraction, "training.validation_fraction", TrainLimits.validationFraction)
        try Self.check(t?.patience, "training.patience", TrainLimits.patience)
        try Self.check(t?.l1, "training.l1", TrainLimits.penalty)
        try Self.check(t?.l2, "training.l2", TrainLimits.penalty)
        if let s = t?.schedule {
            try Self.check(s.every, "training.schedule.every", TrainLimits.scheduleEvery)
            try Self.check(s.factor, "training.schedule.factor", TrainLimits.scheduleFactor)
            let rate = t?.learningRate ?? TrainingRun.defaultLearningRate
            try Self.check(s.minimum, "training.schedule.minimum", Interval(0, rate))
        }

        let q = quantization
        try Self.check(q?.weightWidth, "quantization.weight_width", TrainLimits.width)
        try Self.check(q?.biasWidth, "quantization.bias_width", TrainLimits.width)
        try Self.check(q?.resultWidth, "quantization.result_width", TrainLimits.width)
        try Self.check(q?.scoreWidth, "quantization.score_width", TrainLimits.width)
        try Self.check(q?.margin, "quantization.margin", TrainLimits.margin)
        try Self.check(q?.calibrationEvents, "quantization.calibration_events", TrainLimits.calibrationEvents)
        try Self.check(q?.qatEpochs, "quantization.qat_epochs", TrainLimits.epochs)
        try Self.check(q?.qatLearningRate, "quantization.qat_learning_rate", TrainLimits.learningRate)
        try Self.check(output?.testEvents, "output.test_events", TrainLimits.testEvents)
        try checkOutputPaths()
    }

    /// The files train writes stay inside the config's folder and are not
    /// its data: a config from elsewhere cannot make it overwrite
    /// `/etc/passwd`, `../other-project/model.json` or its own features.
    func checkOutputPaths() throws(TrainingError) {
        let inputs = [data.features, data.labels].compactMap { $0 }.map(Self.normalized)
        for (field, path) in [("output.model", output?.model), ("output.losses", output?.losses),
                              ("output.test_inputs", output?.testInputs), ("output.test_outputs", output?.testOutputs)] {
            guard let path else { continue }
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            guard !path.isEmpty, !path.hasPrefix("/"), !parts.contains(".."), !parts.last!.isEmpty else {
                throw .invalidSetting("\(field): '\(path)' must be a file name relative to the config's folder, without '..'")
            }
            if inputs.contains(Self.normalized(path)) {
                throw .invalidSetting("\(field): '\(path)' is the training data; choose another output")
            }
        }
    }

    /// A relative path without `.` components or repeated slashes.
    static func normalized(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }

    /// One entry of `layers`: exactly one kind, and its number in range.
    static func check(_ layer: LayerEntry, at place: String) throws(TrainingError) {
        var kinds: [String] = []
        if layer.dense != nil { kinds.append("dense") }
        if layer.batchnorm != nil { kinds.append("batchnorm") }
        if layer.dropout != nil { kinds.append("dropout") }
        if layer.activation != nil { kinds.append("activation") }
        if layer.scale != nil { kinds.append("scale") }
        kinds += tensorKinds(layer)
        guard kinds.count <= 1 else {
            throw .invalidSetting("\(place): one layer per entry; this one has \(kinds.joined(separator: " and "))")
        }
        if layer.alpha != nil, layer.activation != "leaky_relu" {
            throw .invalidSetting("\(place).alpha: only a leaky_relu activation takes alpha")
        }
        try check(layer.dense, "\(place).dense", 1...TrainLimits.maxUnits)
        try check(layer.dropout, "\(place).dropout", TrainLimits.dropout)
        try check(layer.alpha, "\(place).alpha", TrainLimits.alpha)
        if case .factors(let factors) = layer.scale {
            guard !factors.isEmpty else { throw .invalidSetting("\(place).scale: the list of factors is empty") }
            for (k, f) in factors.enumerated() where !f.isFinite || f == 0 {
                throw .invalidSetting("\(place).scale[\(k)]: \(f) is not a finite, non-zero factor")
            }
        }
    }

    static func check(_ value: Int?, _ field: String, _ range: ClosedRange<Int>) throws(TrainingError) {
        guard let value, !range.contains(value) else { return }
        throw .invalidSetting("\(field): \(value) is outside the accepted range \(range.lowerBound)...\(range.upperBound)")
    }

    static func check(_ value: Double?, _ field: String, _ range: Interval) throws(TrainingError) {
        guard let value, !range.contains(value) else { return }
        let shown = value.isNaN ? "NaN" : "\(value)"
        throw .invalidSetting("\(field): \(shown) is outside the accepted range \(range)")
    }
}

extension TrainingRun {
    /// Refuses a network whose parameters or layer outputs would not fit
    /// ``TrainLimits``, before any of it is allocated. `specs[i]` is
    /// `layers[i]` of the config, already checked by ``TrainConfig/validate()``.
    static func checkSize(of specs: [LayerSpec], inputSize: Int, batchSize: Int) throws(TrainingError) {
        var width = inputSize
        var parameters = 0
        var activations = inputSize
        var widest = (field: "the input", width: inputSize)
        for (i, spec) in specs.enumerated() {
            var count = 0
            let inputs = width
            let field: String
            switch spec {
            case .dense(let units):
                field = "layers[\(i)].dense"
                count = inputs * units + units
                width = units
            case .scale(let factors):
                field = "layers[\(i)].scale"
                count = factors.count * factors.count
                width = factors.count
            case .batchNorm:
                field = "layers[\(i)].batchnorm"
                count = 4 * width
            case .dropout:
                field = "layers[\(i)].dropout"
            case .activation:
                field = "layers[\(i)].activation"
            case .conv, .pool, .reduce, .flatten, .reshape, .transpose, .concatenate:
                // Tensor networks: the builder counts as it goes (``checkSize(of:batchSize:)``).
                return
            }
            parameters += count
            activations += width
            if width > widest.width { widest = (field, width) }
            guard parameters <= TrainLimits.maxParameters else {
                throw .invalidSetting("\(field): \(count) parameters on \(inputs) inputs bring the network to \(parameters); "
                    + "the limit is \(TrainLimits.maxParameters) parameters")
            }
        }
        let rows = max(batchSize, TrainLimits.evaluationChunk)
        let values = rows.multipliedReportingOverflow(by: activations)
        guard values.overflow || values.partialValue > TrainLimits.maxActivationValues else { return }
        // Name the batch size only when a smaller batch would do.
        let batchAlone = batchSize > TrainLimits.evaluationChunk
            && TrainLimits.evaluationChunk * activations <= TrainLimits.maxActivationValues
        let field = batchAlone ? "training.batch_size" : widest.field
        throw .invalidSetting("\(field): \(rows) events a pass (the batch size, and at least \(TrainLimits.evaluationChunk) "
            + "in evaluation) through layer outputs \(activations) values wide in all (the widest: \(widest.field), "
            + "\(widest.width)) exceed the limit of \(TrainLimits.maxActivationValues) values in memory")
    }
}

extension TrainingRun {
    /// The memory check of ``checkSize(of:inputSize:batchSize:)`` for a
    /// built tensor network (whose parameters the builder has counted):
    /// every layer output and every convolution's patch matrix, per event,
    /// times the rows of a pass.
    static func checkSize(of network: Network, batchSize: Int) throws(TrainingError) {
        var activations = network.inputSize, width = network.inputSize
        for layer in network.layers {
            width = layer.outputSize(inputSize: width)
            activations += width
            if let conv = layer as? ConvolutionLayer { activations += conv.patchValuesPerEvent }
        }
        let rows = max(batchSize, TrainLimits.evaluationChunk)
        let values = rows.multipliedReportingOverflow(by: activations)
        guard values.overflow || values.partialValue > TrainLimits.maxActivationValues else { return }
        throw .invalidSetting("training.batch_size: \(rows) events a pass (the batch size, and at least \(TrainLimits.evaluationChunk) "
            + "in evaluation) through layer outputs and convolution patches of \(activations) values an event exceed the limit of "
            + "\(TrainLimits.maxActivationValues) values in memory; use a smaller batch or smaller layers")
    }
}

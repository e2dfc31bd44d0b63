import Foundation
import Testing
@testable import Training

/// Every numeric setting of train.json outside its accepted range is refused
/// before any data or weights exist, with the field and the range named.
struct TrainConfigLimitsTests {
    static let base = #""name": "m", "task": "classification", "data": {"generator": "jet_tagging", "events": 200}"#

    /// Decodes a config (no file, no unknown-key pass) and validates it; the message, or nil.
    static func validationError(_ json: String) throws -> String? {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let config = try decoder.decode(TrainConfig.self, from: Data(json.utf8))
        do {
            try config.validate()
            return nil
        } catch {
            guard case .invalidSetting(let message) = error else { return "unexpected: \(error)" }
            return message
        }
    }

    static func layers(_ layers: String) -> String { #"{\#(base), "layers": \#(layers)}"# }
    static func training(_ training: String) -> String { #"{\#(base), "layers": [{"dense": 5}], "training": {\#(training)}}"# }
    static func quantization(_ q: String) -> String { #"{\#(base), "layers": [{"dense": 5}], "quantization": {\#(q)}}"# }

    @Test func shippedConfigsAreWithinTheLimits() throws {
        for model in ["jet_tagger", "l1_autoencoder", "track_quality"] {
            let config = try TrainConfig.load(path: TrainConfigTests.examples.appendingPathComponent("\(model)/train.json").path)
            try config.validate()
        }
    }

    static let refused: [(json: String, message: String)] = [
        (#"{"name": "m", "task": "classification", "data": {"generator": "jet_tagging", "events": -10}, "layers": [{"dense": 5}]}"#,
         "data.events: -10 is outside the accepted range 1...50000000"),
        (#"{"name": "m", "task": "classification", "data": {"generator": "jet_tagging", "events": 1000000000000}, "layers": [{"dense": 5}]}"#,
         "data.events: 1000000000000 is outside the accepted range 1...50000000"),
        (#"{"name": "m", "task": "autoencoder", "data": {"generator": "l1_background", "events": 1000000}, "layers": [{"dense": 5}]}"#,
         "data.events: 1000000 events of 57 values (l1_background) exceed the limit of 50000000 values in memory; at most 877192 events"),
        (layers("[]"), "layers: the list is empty; a network needs at least one layer"),
        (layers(#"[{"dense": 0}]"#), "layers[0].dense: 0 is outside the accepted range 1...100000"),
        (layers(#"[{"dense": 8}, {"dense": 1000000000}]"#), "layers[1].dense: 1000000000 is outside the accepted range 1...100000"),
        (layers(#"[{"dense": 8}, {"dropout": 1.0}]"#), "layers[1].dropout: 1.0 is outside the accepted range [0, 1)"),
        (layers(#"[{"dense": 8}, {"dropout": -0.1}]"#), "layers[1].dropout: -0.1 is outside the accepted range [0, 1)"),
        (layers(#"[{"dense": 8}, {"activation": "leaky_relu", "alpha": 2}]"#), "layers[1].alpha: 2.0 is outside the accepted range [0, 1)"),
        (layers(#"[{"dense": 8}, {"activation": "relu", "alpha": 0.1}]"#), "layers[1].alpha: only a leaky_relu activation takes alpha"),
        (layers(#"[{"dense": 8, "activation": "relu"}]"#), "layers[0]: one layer per entry; this one has dense and activation"),
        (layers(#"[{"scale": [1, 0]}]"#), "layers[0].scale[1]: 0.0 is not a finite, non-zero factor"),
        (layers(#"[{"scale": []}]"#), "layers[0].scale: the list of factors is empty"),
        (training(#""learning_rate": 0"#), "training.learning_rate: 0.0 is outside the accepted range (0, 10]"),
        (training(#""learning_rate": -0.01"#), "training.learning_rate: -0.01 is outside the accepted range (0, 10]"),
        (training(#""epochs": -1"#), "training.epochs: -1 is outside the accepted range 1...100000"),
        (training(#""epochs": 0"#), "training.epochs: 0 is outside the accepted range 1...100000"),
        (training(#""batch_size": 0"#), "training.batch_size: 0 is outside the accepted range 1...1000000"),
        (training(#""momentum": 1"#), "training.momentum: 1.0 is outside the accepted range [0, 1)"),
        (training(#""validation_fraction": 1"#), "training.validation_fraction: 1.0 is outside the accepted range (0, 1)"),
        (training(#""validation_fraction": -0.2"#), "training.validation_fraction: -0.2 is outside the accepted range (0, 1)"),
        (training(#""patience": -1"#), "training.patience: -1 is outside the accepted range 0...100000"),
        (training(#""l2": -0.001"#), "training.l2: -0.001 is outside the accepted range [0, 1]"),
        (training(#""l1": 5"#), "training.l1: 5.0 is outside the accepted range [0, 1]"),
        (training(#""schedule": {"type": "step", "every": 0}"#), "training.schedule.every: 0 is outside the accepted range 1...100000"),
        (training(#""schedule": {"type": "exponential", "factor": 0}"#), "training.schedule.factor: 0.0 is outside the accepted range (0, 1]"),
        (training(#""learning_rate": 0.01, "schedule": {"type": "cosine", "minimum": 0.1}"#),
         "training.schedule.minimum: 0.1 is outside the accepted range [0, 0.01]"),
        (quantization(#""weight_width": 0"#), "quantization.weight_width: 0 is outside the accepted range 2...32"),
        (quantization(#""bias_width": 65"#), "quantization.bias_width: 65 is outside the accepted range 2...32"),
        (quantization(#""result_width": 1"#), "quantization.result_width: 1 is outside the accepted range 2...32"),
        (quantization(#""score_width": 100"#), "quantization.score_width: 100 is outside the accepted range 2...32"),
        (quantization(#""margin": 0"#), "quantization.margin: 0.0 is outside the accepted range (0, 1000]"),
        (quantization(#""calibration_events": 0"#), "quantization.calibration_events: 0 is outside the accepted range 1...50000000"),
        (quantization(#""qat_epochs": -5"#), "quantization.qat_epochs: -5 is outside the accepted range 1...100000"),
        (quantization(#""qat_learning_rate": 0"#), "quantization.qat_learning_rate: 0.0 is outside the accepted range (0, 10]"),
        (#"{\#(base), "layers": [{"dense": 5}], "output": {"test_events": -1}}"#,
         "output.test_events: -1 is outside the accepted range 0...1000000"),
    ]

    @Test(arguments: refused.indices)
    func aSettingOutsideItsRangeIsRefusedNamingTheFieldAndTheRange(index: Int) throws {
        let (json, message) = Self.refused[index]
        #expect(try Self.validationError(json) == message)
    }

    /// JSON cannot spell NaN, but a program (or the CLI's overrides) can set it.
    @Test func aNaNLearningRateIsRefused() throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        var config = try decoder.decode(TrainConfig.self, from: Data(Self.training(#""learning_rate": 0.1"#).utf8))
        config.training?.learningRate = .nan
        config.quantization = try decoder.decode(TrainConfig.QuantizationSection.self, from: Data(#"{"qat_learning_rate": 0.1}"#.utf8))
        #expect(throws: TrainingError.invalidSetting("training.learning_rate: NaN is outside the accepted range (0, 10]")) {
            try config.validate()
        }
        config.training?.learningRate = 0.1
        config.quantization?.qatLearningRate = .infinity
        #expect(throws: TrainingError.invalidSetting("quantization.qat_learning_rate: inf is outside the accepted range (0, 10]")) {
            try config.validate()
        }
    }

    @Test func theBoundsThemselvesAreAccepted() throws {
        #expect(try Self.validationError(Self.training(#""learning_rate": 10, "momentum": 0, "patience": 0, "l1": 0, "l2": 1, "epochs": 1, "batch_size": 1"#)) == nil)
        #expect(try Self.validationError(Self.layers(#"[{"dense": 100000}, {"dropout": 0}, {"activation": "leaky_relu", "alpha": 0}]"#)) == nil)
        #expect(try Self.validationError(Self.quantization(#""weight_width": 2, "result_width": 32, "margin": 1000, "calibration_events": 1"#)) == nil)
    }

    /// The network's size is checked from the layer list before any weight exists.
    @Test func tooManyParametersAreRefusedNamingTheLayer() throws {
        #expect(throws: TrainingError.invalidSetting("layers[2].dense: 10000100000 parameters on 100000 inputs bring the network to 10001800000; the limit is 10000000 parameters")) {
            try TrainingRun.checkSize(of: [.dense(units: 100_000), .activation(.relu), .dense(units: 100_000)], inputSize: 16, batchSize: 1)
        }
        #expect(throws: TrainingError.invalidSetting("layers[0].scale: 10240000 parameters on 3200 inputs bring the network to 10240000; the limit is 10000000 parameters")) {
            try TrainingRun.checkSize(of: [.scale(Array(repeating: 1, count: 3200))], inputSize: 3200, batchSize: 1)
        }
        try TrainingRun.checkSize(of: [.dense(units: 64), .activation(.relu), .dense(units: 5)], inputSize: 16, batchSize: 256)
    }

    @Test func layerOutputsTooLargeForMemoryAreRefused() throws {
        // 4096 evaluation rows through 16 + 30000 + 30000 values.
        #expect(throws: TrainingError.invalidSetting("layers[0].dense: 4096 events a pass (the batch size, and at least 4096 in evaluation) through layer outputs 60016 values wide in all (the widest: layers[0].dense, 30000) exceed the limit of 100000000 values in memory")) {
            try TrainingRun.checkSize(of: [.dense(units: 30_000), .activation(.relu)], inputSize: 16, batchSize: 256)
        }
        // A batch of 100000 events through a small network: the batch size is the culprit.
        #expect(throws: TrainingError.invalidSetting("training.batch_size: 1000000 events a pass (the batch size, and at least 4096 in evaluation) through layer outputs 144 values wide in all (the widest: layers[0].dense, 64) exceed the limit of 100000000 values in memory")) {
            try TrainingRun.checkSize(of: [.dense(units: 64), .activation(.relu)], inputSize: 16, batchSize: 1_000_000)
        }
    }

    @Test func trainerRefusesANaNValidationFractionInsteadOfTrapping() throws {
        var net = try NetworkBuilder.build(inputSize: 2, layers: [.dense(units: 1)], seed: 1)
        var o = TrainingOptions()
        o.validationFraction = .nan
        let x = Matrix(rows: 10, columns: 2, data: [Float](repeating: 0.5, count: 20))
        #expect(throws: TrainingError.invalidSetting("validation fraction nan is outside (0, 1)")) {
            try Trainer.train(&net, inputs: x, targets: Matrix(rows: 10, columns: 1), options: o)
        }
    }
}

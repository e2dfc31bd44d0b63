import Testing
import Foundation
import FixedPoint
import ModelIR
import TensorIO
import Datasets
@testable import Training

/// A convolutional autoencoder on the calorimeter region grid, as
/// examples/cicada_autoencoder: a per-channel input scaling that keeps the
/// grid's shape, a Conv2D encoder, a dense decoder reshaped back to the grid,
/// and the reconstruction score computed inside the design.
struct ConvAutoencoderTests {
    static let specs: [LayerSpec] = [
        .scale([0.0625]),
        .conv(filters: 2, window: WindowSpec(kernel: [2, 2], strides: [2, 2]), depthwise: false),
        .activation(.relu), .flatten, .dense(units: 6), .activation(.relu), .dense(units: 3),
        .dense(units: 252), .reshape([18, 14, 1]),
    ]

    @Test func oneFactorAChannelScalesEveryPositionAndKeepsTheShape() throws {
        let net = try NetworkBuilder.build(inputShape: [18, 14, 1], layers: Self.specs, seed: 1)
        #expect(net.layers.map(\.name) == ["scale", "conv1", "relu1", "flatten1", "fc1", "relu2", "fc2", "fc3", "reshape1"])
        var scale = net.layers[0]
        var rng = SeededRandom(seed: 1)
        var x = Matrix(rows: 1, columns: 252)
        x[0, 17] = 40
        let scaled = scale.forward(x, training: false, rng: &rng)
        #expect(scaled.columns == 252)
        #expect(scaled[0, 17] == 2.5)
        #expect(scaled.data.filter { $0 != 0 }.count == 1)
        // One factor a value still flattens; any other count names both choices.
        let flat = try NetworkBuilder.build(inputShape: [2, 3, 2], layers: [.scale(Array(repeating: 0.5, count: 12)), .dense(units: 1)], seed: 1)
        #expect((flat.layers[1] as? DenseLayer)?.inputs == 12)
        #expect {
            try NetworkBuilder.build(inputShape: [2, 3, 2], layers: [.scale([1, 2, 3])], seed: 1)
        } throws: { error in
            "\(error)".contains("one a channel (2) or one a value (12)")
        }
    }

    @Test func theQATScoreOnCalorimeterGridsMatchesTheFixedPointReference() throws {
        let generator = CaloRegionGenerator(seed: 21)
        let background = generator.events(.zeroBias, count: 300)
        let x = QATTests.matrix(background)
        var net = try NetworkBuilder.build(inputShape: CaloRegionGenerator.shape, layers: Self.specs, seed: 2)
        var options = TrainingOptions()
        options.epochs = 2
        options.batchSize = 32
        options.learningRate = 3e-3
        options.reconstructionTarget = "scale"
        _ = try Trainer.train(&net, inputs: x, targets: nil, options: options)
        var settings = CalibrationSettings()
        settings.weightWidth = 7
        settings.resultWidth = 14
        settings.overrides["scale"] = LayerTypes(weight: .fixed(8, 1, .rnd, .sat), result: .ufixed(10, 6))
        let inputType = try FixedType(parsing: CaloRegionGenerator.inputType)
        let plan = Quantization.calibrate(net, inputType: inputType, calibration: x, settings: settings)
        var qat = Quantization.apply(plan, to: net)
        _ = try Trainer.train(&qat, inputs: x, targets: nil, options: options)
        var model = TrainedModel(name: "conv_ae", network: qat, inputType: inputType, plan: plan)
        model.writesQuantizedWeights = true
        model.scoreHead = Quantization.calibrateScoreHead(model, target: "scale", calibration: x, width: 14, scoreWidth: 18, margin: 1.5)
        let graph = model.graph()
        #expect(graph.inputs[0].shape == [18, 14, 1])
        #expect(graph.outputs == ["score"])
        let signal = generator.events(.dijet, count: 100)
        #expect(try QATTests.mismatches(model, events: background) == 0)
        #expect(try QATTests.mismatches(model, events: signal) == 0)
        // Real scores: many distinct values on zero bias (the score type is sized on it, so
        // hot dijets may saturate), and the dijets score higher on average.
        let mean = { (t: EventTable) in (0..<t.rows).map { model.inferDouble(Array(t[row: $0]))[0] }.reduce(0, +) / Double(t.rows) }
        let scores = Set((0..<100).map { model.inferDouble(Array(background[row: $0]))[0] })
        #expect(scores.count > 50)
        #expect(mean(signal) > mean(background))
    }

    /// The target an autoencoder reconstructs is its leading scale and the
    /// element-wise activations right after it (a tanh that compresses the
    /// scaled grid), never a trainable layer or a softmax.
    @Test func theReconstructionTargetIsTheScaleAndTheActivationsRightAfterIt() throws {
        func target(_ specs: [LayerSpec]) throws -> String? {
            TrainingRun.reconstructionTarget(of: try NetworkBuilder.build(inputShape: [18, 14, 1], layers: specs, seed: 1))
        }
        #expect(try target(Self.specs) == "scale")
        #expect(try target([.scale([0.0625]), .activation(.tanh)] + Self.specs.dropFirst()) == "tanh1")
        #expect(try target([.scale([0.0625]), .activation(.tanh), .activation(.relu), .flatten, .dense(units: 4)]) == "relu1")
        #expect(try target([.scale([0.0625]), .flatten, .activation(.tanh), .dense(units: 4)]) == "scale")
        #expect(try target([.flatten, .activation(.tanh), .dense(units: 4)]) == nil)
        let vector = try NetworkBuilder.build(inputShape: [4], layers: [.scale([0.5, 0.5, 1, 1]), .activation(.softmax)], seed: 1)
        #expect(TrainingRun.reconstructionTarget(of: vector) == "scale")
        #expect(try target([.scale([0.5]), .flatten, .dense(units: 3)]) == "scale")
    }

    /// examples/cicada_autoencoder/train.json, cut to 400 events and one epoch: the same
    /// seed writes the same model.json (weights, types, score head), another seed another one.
    @Test func theShippedConfigTrainsReproduciblyFromItsSeed() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/cicada_autoencoder")
        var config = try TrainConfig.load(path: examples.appendingPathComponent("train.json").path)
        #expect(config.name == "cicada_autoencoder" && config.inputShape == [18, 14, 1])
        config.data.events = 400
        config.training?.epochs = 1
        config.quantization?.calibrationEvents = 400
        config.output?.testEvents = 0
        func run(_ config: TrainConfig) throws -> String {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cicada-run-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let result = try TrainingRun(config: config, baseDirectory: dir.path).run()
            let graph = result.model.graph()
            #expect(graph.outputs == ["score"])
            // The score compares the tanh-compressed grid with its reconstruction.
            #expect(graph.nodes.first { $0.name == "difference" }?.inputs == ["tanh1", "reshape1"])
            return try String(contentsOf: dir.appendingPathComponent("model.json"), encoding: .utf8)
        }
        let first = try run(config)
        #expect(try run(config) == first)
        config.training?.seed = 2
        #expect(try run(config) != first)
    }
}

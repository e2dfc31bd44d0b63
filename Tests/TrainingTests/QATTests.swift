import Testing
import Foundation
import FixedPoint
import ModelFormat
import Passes
import Reference
import TensorIO
import Datasets
@testable import Training

/// A QAT model's fixed-point outputs (lowered by the compiler and run by
/// the bit-exact reference) equal its training-time fake-quant outputs.
struct QATTests {
    static func matrix(_ t: EventTable) -> Matrix {
        Matrix(rows: t.rows, columns: t.columns, data: t.values.map(Float.init))
    }

    static func oneHot(_ labels: [Int], classes: Int) -> Matrix {
        var m = Matrix(rows: labels.count, columns: classes)
        for (r, l) in labels.enumerated() { m[r, l] = 1 }
        return m
    }

    /// Float training, BN folding, calibration, QAT fine-tuning.
    static func qatModel(name: String, specs: [LayerSpec], data: EventTable, targets: Matrix?, loss: Loss,
                         inputType: FixedType, settings: CalibrationSettings, reconstruct: String? = nil) throws -> TrainedModel {
        let x = matrix(data)
        var net = try NetworkBuilder.build(inputSize: data.columns, layers: specs, seed: 3)
        var options = TrainingOptions()
        options.epochs = 2
        options.batchSize = 64
        options.loss = loss
        options.learningRate = 3e-3
        options.reconstructionTarget = reconstruct
        _ = try Trainer.train(&net, inputs: x, targets: targets, options: options)
        let folded = Quantization.foldBatchNorm(net)
        let plan = Quantization.calibrate(folded, inputType: inputType, calibration: x, settings: settings)
        var qat = Quantization.apply(plan, to: folded)
        options.epochs = 2
        _ = try Trainer.train(&qat, inputs: x, targets: targets, options: options)
        return TrainedModel(name: name, network: qat, plan: plan)
    }

    /// Lowers the model.json text (decoded again, as a user's file would be)
    /// and compares every output of every event with the Double fake-quant pass.
    static func mismatches(_ model: TrainedModel, events: EventTable) throws -> Int {
        let graph = try ModelDecoder.decode(Data(model.modelJSON().utf8))
        let lowered = try Pipeline.lower(graph)
        let fixed = FixedPointEvaluator(lowered).run(events)
        var bad = 0
        for r in 0..<events.rows {
            let expected = model.inferDouble(Array(events[row: r]))
            if Array(fixed[row: r]) != expected { bad += 1 }
        }
        return bad
    }

    @Test func taggerLikeModelMatchesTheFixedPointReference() throws {
        let (features, labels) = JetTaggingGenerator(seed: 11).jets(count: 500)
        var settings = CalibrationSettings()
        settings.weightWidth = 6
        settings.resultWidth = 12
        let model = try Self.qatModel(
            name: "qat_tagger",
            specs: [.dense(units: 12), .batchNorm, .activation(.relu), .dense(units: 8), .activation(.leakyReLU(alpha: 0.3)), .dense(units: 5)],
            data: features, targets: Self.oneHot(labels, classes: 5), loss: .meanSquaredError,
            inputType: .fixed(16, 6, .rnd, .sat), settings: settings)
        // The check is not vacuous: the quantized outputs differ from float ones.
        var float = model.network
        for i in float.layers.indices {
            if var d = float.layers[i] as? DenseLayer { d.weightQuantizer = nil; d.resultQuantizer = nil; float.layers[i] = d }
        }
        float.inputQuantizer = nil
        let event = Array(features[row: 0])
        #expect(float.inferDouble(event) != model.inferDouble(event))
        #expect(try Self.mismatches(model, events: features) == 0)
    }

    @Test func autoencoderScoreMatchesTheFixedPointReference() throws {
        let events = L1AnomalyGenerator(seed: 5).backgroundMixture(count: 400).events
        var settings = CalibrationSettings()
        settings.resultWidth = 14
        var model = try Self.qatModel(
            name: "qat_ae",
            specs: [.scale(L1AnomalyGenerator.networkScales), .dense(units: 8), .batchNorm, .activation(.leakyReLU(alpha: 0.3)),
                    .dense(units: 3), .dense(units: 8), .activation(.leakyReLU(alpha: 0.3)), .dense(units: 57)],
            data: events, targets: nil, loss: .meanSquaredError,
            inputType: try FixedType(parsing: L1AnomalyGenerator.inputTypeName), settings: settings, reconstruct: "scale")
        model.scoreHead = ScoreHead(target: "scale", difference: .fixed(16, 7, .rnd, .sat),
                                    square: .ufixed(16, 10, .rnd, .sat), score: .ufixed(18, 14, .rnd, .sat))
        let signal = L1AnomalyGenerator(seed: 5).events(.aTo4L, count: 100)
        #expect(try Self.mismatches(model, events: events) == 0)
        #expect(try Self.mismatches(model, events: signal) == 0)
        // Scores are real figures, not all saturated or zero.
        let scores = (0..<100).map { model.inferDouble(Array(signal[row: $0]))[0] }
        #expect(Set(scores).count > 50)
    }

    @Test func floatTrainingForwardAgreesWithTheExactPass() throws {
        // Training runs the fake quantization on Float BLAS sums; a rounding
        // difference can flip an LSB only when a sum sits on a rounding edge.
        let (features, labels) = JetTaggingGenerator(seed: 12).jets(count: 300)
        let model = try Self.qatModel(
            name: "m", specs: [.dense(units: 16), .activation(.relu), .dense(units: 5)],
            data: features, targets: Self.oneHot(labels, classes: 5), loss: .meanSquaredError,
            inputType: .fixed(16, 6, .rnd, .sat), settings: CalibrationSettings())
        var net = model.network
        let y = Trainer.predict(&net, Self.matrix(features))
        var equal = 0
        for r in 0..<features.rows {
            let exact = model.inferDouble(Array(features[row: r]))
            if (0..<5).allSatisfy({ Double(y[r, $0]) == exact[$0] }) { equal += 1 }
        }
        #expect(Double(equal) / Double(features.rows) > 0.99)
    }
}

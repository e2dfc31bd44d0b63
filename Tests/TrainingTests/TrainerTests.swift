import Testing
import FixedPoint
import Datasets
@testable import Training

struct TrainerTests {
    static func jetData(_ n: Int, seed: UInt64) -> (Matrix, Matrix) {
        let (f, l) = JetTaggingGenerator(seed: seed).jets(count: n)
        var t = Matrix(rows: n, columns: 5)
        for (r, c) in l.enumerated() { t[r, c] = 1 }
        return (Matrix(rows: n, columns: 16, data: f.values.map(Float.init)), t)
    }

    @Test func trainingOnATinyJetSetCutsTheLossByMoreThanAFactorTwo() throws {
        let (x, t) = Self.jetData(1000, seed: 21)
        var net = try NetworkBuilder.build(inputSize: 16, layers: [.dense(units: 16), .activation(.relu), .dense(units: 5), .activation(.softmax)], seed: 2)
        let before = Trainer.evaluate(&net, inputs: x, targets: t, targetLayer: nil, loss: .categoricalCrossEntropy)
        var o = TrainingOptions()
        o.epochs = 15
        o.batchSize = 32
        o.loss = .categoricalCrossEntropy
        o.learningRate = 5e-3
        let history = try Trainer.train(&net, inputs: x, targets: t, options: o)
        let after = history.records.last!.validationLoss
        #expect(before > 1.5)  // about ln 5 for an untrained 5-class softmax
        #expect(after < before / 2)
    }

    @Test func earlyStoppingStopsAfterPatienceAndRestoresTheBestWeights() throws {
        let (x, t) = Self.jetData(200, seed: 22)
        var net = try NetworkBuilder.build(inputSize: 16, layers: [.dense(units: 5), .activation(.softmax)], seed: 2)
        var o = TrainingOptions()
        o.epochs = 50
        o.learningRate = 0 // nothing improves after the first epoch
        o.loss = .categoricalCrossEntropy
        o.patience = 3
        let history = try Trainer.train(&net, inputs: x, targets: t, options: o)
        #expect(history.stoppedEarly)
        #expect(history.records.count == 4)
        #expect(history.bestEpoch == 0)
    }

    @Test func shuffledSplitIsDeterministicGivenTheSeed() throws {
        let (x, t) = Self.jetData(300, seed: 23)
        func run() throws -> [Double] {
            var net = try NetworkBuilder.build(inputSize: 16, layers: [.dense(units: 8), .batchNorm, .activation(.relu), .dropout(rate: 0.2), .dense(units: 5), .activation(.softmax)], seed: 4)
            var o = TrainingOptions()
            o.epochs = 2
            o.loss = .categoricalCrossEntropy
            return try Trainer.train(&net, inputs: x, targets: t, options: o).records.map(\.validationLoss)
        }
        #expect(try run() == run())
    }

    @Test func badShapesAreTypedErrors() throws {
        var net = try NetworkBuilder.build(inputSize: 4, layers: [.dense(units: 2)], seed: 1)
        let x = Matrix(rows: 3, columns: 5)
        #expect(throws: TrainingError.self) { try Trainer.train(&net, inputs: x, targets: Matrix(rows: 3, columns: 2), options: TrainingOptions()) }
        #expect(throws: TrainingError.self) { try NetworkBuilder.build(inputSize: 4, layers: [.scale([1, 2])], seed: 1) }
    }
}

struct OptimizerTests {
    @Test func adamAndSGDMinimiseAQuadratic() {
        for kind in [OptimizerKind.adam(), .sgd(momentum: 0.9)] {
            var opt = Optimizer(kind, learningRate: 0.05)
            var p: [Float] = [3, -2]
            for _ in 0..<500 { opt.step(slot: 0, parameters: &p, gradient: p.map { 2 * $0 }) }
            #expect(abs(p[0]) < 0.05 && abs(p[1]) < 0.05, "\(kind)")
        }
    }

    @Test func firstAdamStepMovesEachParameterByTheLearningRate() {
        var opt = Optimizer(.adam(), learningRate: 0.1)
        var p: [Float] = [1, 1]
        opt.step(slot: 0, parameters: &p, gradient: [0.5, -3])
        #expect(abs(p[0] - 0.9) < 1e-5 && abs(p[1] - 1.1) < 1e-5)
    }

    @Test func schedules() {
        #expect(LearningRateSchedule.step(every: 10, factor: 0.5).rate(initial: 1, epoch: 25) == 0.25)
        #expect(abs(LearningRateSchedule.cosine(epochs: 10, minimum: 0.1).rate(initial: 1, epoch: 5) - 0.55) < 1e-12)
        #expect(abs(LearningRateSchedule.exponential(factor: 0.9).rate(initial: 1, epoch: 2) - 0.81) < 1e-12)
    }
}

struct QuantizationTests {
    @Test func fakeQuantizerIsTheNumericsModulesQuantization() {
        var rng = SeededRandom(seed: 1)
        let type = FixedType.fixed(8, 3, .rnd, .sat)
        for _ in 0..<1000 {
            let v = rng.uniform(-6, 6)
            #expect(FakeQuantizer(type).apply(v) == type.value(ofRaw: type.quantize(v)))
        }
        #expect(FakeQuantizer(type).apply(100.0) == type.maxValue)
    }

    @Test func calibrationPicksTheFewestIntegerBitsThatHoldTheRange() {
        #expect(Quantization.fitting(5.0, width: 16).integerBits == 4)   // max 7.99
        #expect(Quantization.fitting(8.5, width: 16).integerBits == 5)
        #expect(Quantization.fitting(0.3, width: 8).integerBits == 0)    // max 0.49
        #expect(Quantization.fittingUnsigned(3.5, width: 10).integerBits == 2)
    }

    @Test func foldingBatchNormKeepsTheInferenceFunction() throws {
        var net = try NetworkBuilder.build(inputSize: 6, layers: [.dense(units: 4), .batchNorm, .activation(.relu), .dense(units: 2)], seed: 3)
        var rng = SeededRandom(seed: 5)
        let x = Matrix(rows: 64, columns: 6, data: (0..<384).map { _ in Float(rng.normal()) })
        for _ in 0..<5 { _ = net.forward(x, training: true, rng: &rng) } // move the running statistics
        let folded = Quantization.foldBatchNorm(net)
        #expect(folded.layers.count == 3)
        let e = (0..<6).map { Double(x[0, $0]) }
        for (a, b) in zip(net.inferDouble(e), folded.inferDouble(e)) { #expect(abs(a - b) < 1e-5) }
    }
}

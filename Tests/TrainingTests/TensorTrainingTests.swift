import Testing
import Foundation
import FixedPoint
import ModelIR
import ModelFormat
import Passes
import Reference
import TensorIO
import Datasets
@testable import Training

/// Tensor networks train (the loss falls by a real margin, and the same
/// seed gives the same weights), and a QAT tensor model exported to
/// model.json, compiled and run by the bit-exact reference gives exactly
/// the training side's fake-quantized outputs.
struct TensorTrainingTests {
    /// Synthetic jets of 8 particles x 3 features in 3 classes: the class
    /// sets the particles' momentum scale, angular spread and a hard particle.
    static func particles(_ count: Int, seed: UInt64) -> (EventTable, [Int]) {
        var rng = SeededRandom(seed: seed)
        var values: [Double] = [], labels: [Int] = []
        for _ in 0..<count {
            let k = rng.index(3)
            labels.append(k)
            for p in 0..<8 {
                let hard = k == 2 && p == 0 ? 4.0 : 0
                values += [abs(rng.normal()) * (1 + Double(k)) * 0.5 + hard, rng.normal() * (0.3 + 0.4 * Double(k)), rng.uniform(-1, 1)]
            }
        }
        return (EventTable(rows: count, columns: 24, values: values), labels)
    }

    /// Synthetic 6 x 6 calorimeter grids: class 1 holds a bright 2 x 2
    /// cluster at a random place on a noisy floor, class 0 the floor and
    /// the same energy spread over the grid.
    static func grids(_ count: Int, seed: UInt64) -> (EventTable, [Int]) {
        var rng = SeededRandom(seed: seed)
        var values: [Double] = [], labels: [Int] = []
        for _ in 0..<count {
            let k = rng.index(2)
            labels.append(k)
            var grid = (0..<36).map { _ in abs(rng.normal()) * 0.3 }
            if k == 1 {
                let r = rng.index(5), c = rng.index(5)
                for (dr, dc) in [(0, 0), (0, 1), (1, 0), (1, 1)] { grid[(r + dr) * 6 + c + dc] += 1.5 + rng.uniform(0, 1) }
            } else {
                for i in grid.indices { grid[i] += rng.uniform(0, 0.35) }
            }
            values += grid
        }
        return (EventTable(rows: count, columns: 36, values: values), labels)
    }

    static let deepSets: [LayerSpec] = [
        .dense(units: 8), .batchNorm, .activation(.relu), .dense(units: 6), .activation(.relu),
        .concatenate([.reduce(.sum, axes: [0]), .reduce(.max, axes: [0])]), .dense(units: 3),
    ]

    static let convolutional: [LayerSpec] = [
        .conv(filters: 3, window: WindowSpec(kernel: [2, 2], padding: .same), depthwise: false), .batchNorm, .activation(.relu),
        .pool(.max, WindowSpec(kernel: [2, 2])),
        .conv(filters: 0, window: WindowSpec(kernel: [2, 1], dilations: [2, 1], padding: .same), depthwise: true),
        .pool(.average, WindowSpec(kernel: [1, 2], strides: [1, 1], padding: .same)),
        .transpose([1, 0, 2]), .flatten, .dense(units: 4), .activation(.relu), .dense(units: 2),
    ]

    static func train(shape: [Int], specs: [LayerSpec], data: EventTable, labels: [Int], classes: Int,
                      epochs: Int, seed: UInt64 = 3) throws -> (Network, TrainingHistory) {
        var net = try NetworkBuilder.build(inputShape: shape, layers: specs, seed: seed)
        var options = TrainingOptions()
        options.epochs = epochs
        options.batchSize = 32
        options.learningRate = 1e-2
        options.loss = .meanSquaredError
        options.seed = seed
        let history = try Trainer.train(&net, inputs: QATTests.matrix(data), targets: QATTests.oneHot(labels, classes: classes),
                                        options: options)
        return (net, history)
    }

    static func parameters(_ net: Network) -> [[Float]] {
        var n = net, out: [[Float]] = []
        for i in n.layers.indices { n.layers[i].updateParameters { _, p, _ in out.append(p) } }
        return out
    }

    @Test func aDeepSetsNetworkTrainsAndTheSeedFixesItsWeights() throws {
        let (data, labels) = Self.particles(600, seed: 1)
        let (net, history) = try Self.train(shape: [8, 3], specs: Self.deepSets, data: data, labels: labels, classes: 3, epochs: 8)
        let first = history.records.first!.trainLoss, last = history.records.last!.trainLoss
        #expect(last < 0.6 * first, "train loss \(first) -> \(last)")
        let (again, _) = try Self.train(shape: [8, 3], specs: Self.deepSets, data: data, labels: labels, classes: 3, epochs: 8)
        #expect(Self.parameters(net) == Self.parameters(again))
        let (other, _) = try Self.train(shape: [8, 3], specs: Self.deepSets, data: data, labels: labels, classes: 3, epochs: 8, seed: 4)
        #expect(Self.parameters(net) != Self.parameters(other))
    }

    @Test func aConvolutionalNetworkTrainsAndTheSeedFixesItsWeights() throws {
        let (data, labels) = Self.grids(600, seed: 2)
        let (net, history) = try Self.train(shape: [6, 6, 1], specs: Self.convolutional, data: data, labels: labels, classes: 2, epochs: 8)
        let first = history.records.first!.trainLoss, last = history.records.last!.trainLoss
        #expect(last < 0.6 * first, "train loss \(first) -> \(last)")
        let (again, _) = try Self.train(shape: [6, 6, 1], specs: Self.convolutional, data: data, labels: labels, classes: 2, epochs: 8)
        #expect(Self.parameters(net) == Self.parameters(again))
    }

    /// The batched training pass (im2col, GEMMs, groups) and the per-event
    /// Double pass that the export is checked against compute one function:
    /// in float to Float rounding, after QAT exactly on nearly every event
    /// (a Float sum on a rounding edge may flip an LSB).
    @Test func theBatchedPassIsThePerEventPass() throws {
        let (grids, gridLabels) = Self.grids(200, seed: 11)
        let (sets, setLabels) = Self.particles(200, seed: 12)
        for (shape, specs, data, labels, classes) in [([6, 6, 1], Self.convolutional, grids, gridLabels, 2),
                                                      ([8, 3], Self.deepSets, sets, setLabels, 3)] {
            var (net, _) = try Self.train(shape: shape, specs: specs, data: data, labels: labels, classes: classes, epochs: 1)
            let y = Trainer.predict(&net, QATTests.matrix(data))
            var worst = 0.0
            for r in 0..<data.rows {
                let exact = net.inferDouble(Array(data[row: r]))
                for c in 0..<classes { worst = max(worst, abs(Double(y[r, c]) - exact[c]) / (1e-3 + abs(exact[c]))) }
            }
            #expect(worst < 1e-4, "\(shape): worst relative difference \(worst)")
            var settings = CalibrationSettings()
            settings.resultWidth = 12
            let model = try Self.qatModel(name: "m", shape: shape, specs: specs, data: data, labels: labels, classes: classes,
                                          inputType: .fixed(12, 4, .rnd, .sat), settings: settings)
            var qat = model.network
            let q = Trainer.predict(&qat, QATTests.matrix(data))
            let equal = (0..<data.rows).filter { r in
                let exact = model.inferDouble(Array(data[row: r]))
                return (0..<classes).allSatisfy { Double(q[r, $0]) == exact[$0] }
            }.count
            #expect(Double(equal) / Double(data.rows) > 0.98, "\(shape): \(equal) of \(data.rows) equal")
        }
    }

    /// Float training, BN folding, calibration and QAT on a tensor network.
    static func qatModel(name: String, shape: [Int], specs: [LayerSpec], data: EventTable, labels: [Int], classes: Int,
                         inputType: FixedType, settings: CalibrationSettings) throws -> TrainedModel {
        var (net, _) = try train(shape: shape, specs: specs, data: data, labels: labels, classes: classes, epochs: 3)
        let x = QATTests.matrix(data)
        net = Quantization.foldBatchNorm(net)
        let plan = Quantization.calibrate(net, inputType: inputType, calibration: x, settings: settings)
        var qat = Quantization.apply(plan, to: net)
        var options = TrainingOptions()
        options.epochs = 2
        options.batchSize = 32
        options.learningRate = 1e-3
        options.loss = .meanSquaredError
        _ = try Trainer.train(&qat, inputs: x, targets: QATTests.oneHot(labels, classes: classes), options: options)
        var model = TrainedModel(name: name, network: qat, plan: plan)
        model.writesQuantizedWeights = true
        return model
    }

    /// The quantized outputs differ from the float network's (the check is not vacuous).
    static func differsFromFloat(_ model: TrainedModel, _ event: [Double]) -> Bool {
        var float = model.network
        float.inputQuantizer = nil
        for i in float.layers.indices {
            if var d = float.layers[i] as? DenseLayer { d.weightQuantizer = nil; d.resultQuantizer = nil; float.layers[i] = d }
            if var c = float.layers[i] as? ConvolutionLayer { c.weightQuantizer = nil; c.resultQuantizer = nil; float.layers[i] = c }
        }
        return float.inferDouble(event) != model.inferDouble(event)
    }

    @Test func aQATDeepSetsModelMatchesTheFixedPointReference() throws {
        let (data, labels) = Self.particles(300, seed: 5)
        var settings = CalibrationSettings()
        settings.weightWidth = 6
        settings.resultWidth = 12
        let model = try Self.qatModel(name: "qat_deep_sets", shape: [8, 3], specs: Self.deepSets, data: data, labels: labels,
                                      classes: 3, inputType: .fixed(12, 4, .rnd, .sat), settings: settings)
        let graph = model.graph()
        #expect(graph.inputs[0].shape == [8, 3])
        #expect(graph.nodes.map(\.name) == ["bn1", "relu1", "fc2", "relu2", "sum1", "max1", "concat1", "fc3"])
        #expect(Self.differsFromFloat(model, Array(data[row: 0])))
        let (fresh, _) = Self.particles(200, seed: 6)
        #expect(try QATTests.mismatches(model, events: data) == 0)
        #expect(try QATTests.mismatches(model, events: fresh) == 0)
    }

    /// Means over 5 and 3 cells: the factors 1/5 and 1/3 are not exact, so
    /// they take `ap_fixed<18,2,AP_RND>` in the design and in QAT alike.
    @Test func meansOverOddCountsMatchTheFixedPointReference() throws {
        var rng = SeededRandom(seed: 10)
        let events = EventTable(rows: 300, columns: 12, values: (0..<3600).map { _ in rng.normal() })
        let labels = (0..<300).map { r in events[row: r].reduce(0, +) > 0 ? 1 : 0 }
        let specs: [LayerSpec] = [
            .conv(filters: 3, window: WindowSpec(kernel: [2], padding: .explicit(before: [0], after: [0])), depthwise: false),
            .activation(.relu), .pool(.average, WindowSpec(kernel: [3], strides: [1], padding: .same)),
            .concatenate([.reduce(.mean, axes: [0]), .reduce(.max, axes: [0])]), .dense(units: 2),
        ]
        var settings = CalibrationSettings()
        settings.resultWidth = 14
        let model = try Self.qatModel(name: "qat_means", shape: [6, 2], specs: specs, data: events, labels: labels,
                                      classes: 2, inputType: .fixed(10, 3, .rnd, .sat), settings: settings)
        #expect(model.plan?.layers["mean1"]?.weight == .fixed(18, 2, .rnd))
        #expect(model.plan?.layers["avgpool1"]?.weight == .fixed(18, 2, .rnd))
        #expect(Self.differsFromFloat(model, Array(events[row: 0])))
        #expect(try QATTests.mismatches(model, events: events) == 0)
    }

    @Test func aQATConvolutionalModelMatchesTheFixedPointReference() throws {
        let (data, labels) = Self.grids(300, seed: 7)
        var settings = CalibrationSettings()
        settings.weightWidth = 7
        settings.resultWidth = 13
        let model = try Self.qatModel(name: "qat_conv", shape: [6, 6, 1], specs: Self.convolutional, data: data, labels: labels,
                                      classes: 2, inputType: .ufixed(10, 3, .rnd, .sat), settings: settings)
        let graph = model.graph()
        #expect(graph.nodes.map(\.name) == ["bn1", "relu1", "maxpool1", "dwconv1", "avgpool1", "transpose1", "flatten1", "fc1", "relu2", "fc2"])
        // The average's windows hold 1 or 2 cells: the factor 1/n is written as the compiler would choose it.
        #expect(model.plan?.layers["avgpool1"]?.weight == .fixed(3, 2))
        #expect(Self.differsFromFloat(model, Array(data[row: 0])))
        let (fresh, _) = Self.grids(200, seed: 8)
        #expect(try QATTests.mismatches(model, events: data) == 0)
        #expect(try QATTests.mismatches(model, events: fresh) == 0)
    }
}

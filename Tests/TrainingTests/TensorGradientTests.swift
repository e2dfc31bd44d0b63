import Testing
import Datasets
import ModelIR
@testable import Training

/// Input and parameter gradients of every tensor layer against central
/// finite differences of a mean-squared-error loss, in small random
/// networks built by ``NetworkBuilder`` (so the shapes are the compiler's).
struct TensorGradientTests {
    static func batch(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix {
        var rng = SeededRandom(seed: seed)
        return Matrix(rows: rows, columns: columns, data: (0..<(rows * columns)).map { _ in Float(rng.normal()) })
    }

    /// Distinct values 0.05 apart, shuffled per event: a maximum never has a
    /// rival within the finite-difference step, where it has no derivative.
    static func separated(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix {
        var rng = SeededRandom(seed: seed)
        var data: [Float] = []
        for _ in 0..<rows {
            var values = (0..<columns).map { Float($0 - columns / 2) * 0.05 }
            rng.shuffle(&values)
            data += values
        }
        return Matrix(rows: rows, columns: columns, data: data)
    }

    static func loss(_ net: Network, _ x: Matrix, _ t: Matrix) -> Double {
        var n = net
        var rng = SeededRandom(seed: 9)
        return Loss.meanSquaredError.value(n.forward(x, training: true, rng: &rng), t) + n.penalty()
    }

    /// The worst `|analytic - numeric| / (1e-3 + 0.05 |numeric|)` over every
    /// input and every parameter; `skew` scales the analytic gradients (a
    /// wrong gradient must make the figure exceed 1).
    static func worstRatio(_ network: Network, _ x: Matrix, _ t: Matrix, skew: Float = 1) -> (inputs: Double, parameters: Double, count: Int) {
        var net = network
        var rng = SeededRandom(seed: 9)
        let y = net.forward(x, training: true, rng: &rng)
        var g = Loss.meanSquaredError.gradient(y, t)
        for i in net.layers.indices.reversed() { g = net.layers[i].backward(g) }
        var analytic: [[Int: [Float]]] = Array(repeating: [:], count: net.layers.count)
        for i in net.layers.indices { net.layers[i].updateParameters { slot, _, grad in analytic[i][slot] = grad } }
        let h: Float = 4e-3
        func ratio(_ a: Float, _ numeric: Double) -> Double { abs(Double(a * skew) - numeric) / (1e-3 + 0.05 * abs(numeric)) }
        var worstInput = 0.0, worstParameter = 0.0, count = 0
        for k in x.data.indices {
            var plus = x, minus = x
            plus.data[k] += h
            minus.data[k] -= h
            let numeric = (loss(network, plus, t) - loss(network, minus, t)) / Double(2 * h)
            worstInput = max(worstInput, ratio(g.data[k], numeric))
        }
        // A network whose layers hold gradients, so that the visitor reaches every array.
        var primed = network
        var r = SeededRandom(seed: 9)
        let out = primed.forward(x, training: true, rng: &r)
        primed.backward(Loss.meanSquaredError.gradient(out, t))
        for i in primed.layers.indices {
            for (slot, grad) in analytic[i] {
                for p in grad.indices {
                    func perturbed(_ delta: Float) -> Double {
                        var n = primed
                        n.layers[i].updateParameters { s, params, _ in if s == slot { params[p] += delta } }
                        return loss(n, x, t)
                    }
                    let numeric = (perturbed(h) - perturbed(-h)) / Double(2 * h)
                    worstParameter = max(worstParameter, ratio(grad[p], numeric))
                    count += 1
                }
            }
        }
        return (worstInput, worstParameter, count)
    }

    static func check(shape: [Int], _ specs: [LayerSpec], events: Int = 5, seed: UInt64,
                      distinct: Bool = false) throws -> (inputs: Double, parameters: Double, count: Int) {
        let net = try NetworkBuilder.build(inputShape: shape, layers: specs, seed: seed)
        let x = distinct ? separated(events, net.inputSize, seed: seed + 1) : batch(events, net.inputSize, seed: seed + 1), t = batch(events, net.outputSize, seed: seed + 2)
        return worstRatio(net, x, t)
    }

    @Test func perParticleDenseBatchNormAndSumPooling() throws {
        let r = try Self.check(shape: [4, 3], [.dense(units: 5), .batchNorm, .activation(.tanh),
                                               .reduce(.sum, axes: [0]), .dense(units: 2)], seed: 1)
        #expect(r.inputs < 1)
        #expect(r.parameters < 1)
        #expect(r.count == 3 * 5 + 5 + 5 + 5 + 5 * 2 + 2)
    }

    @Test func conv1DWithSameAndExplicitPaddingStrideAndDilation() throws {
        let r = try Self.check(shape: [7, 2], [
            .conv(filters: 3, window: WindowSpec(kernel: [3], strides: [2], dilations: [2], padding: .same), depthwise: false),
            .activation(.tanh), .conv(filters: 2, window: WindowSpec(kernel: [2], padding: .explicit(before: [1], after: [0])), depthwise: false),
            .flatten, .dense(units: 2),
        ], seed: 2)
        #expect(r.inputs < 1)
        #expect(r.parameters < 1)
    }

    @Test func conv2DDepthwiseAndAveragePooling() throws {
        let r = try Self.check(shape: [5, 4, 2], [
            .conv(filters: 3, window: WindowSpec(kernel: [2, 2], strides: [2, 1], padding: .same), depthwise: false),
            .batchNorm, .activation(.tanh),
            .conv(filters: 0, window: WindowSpec(kernel: [2, 1], dilations: [2, 1], padding: .same), depthwise: true),
            .pool(.average, WindowSpec(kernel: [1, 3], strides: [1, 1], padding: .same)),
            .reduce(.mean, axes: nil), .dense(units: 2),
        ], seed: 3)
        #expect(r.inputs < 1)
        #expect(r.parameters < 1)
    }

    @Test func maxPoolingMaxReductionAndConcatenation() throws {
        // Maxima straight on the (separated) inputs, the weights after them.
        let r = try Self.check(shape: [4, 4, 2], [
            .pool(.max, WindowSpec(kernel: [2, 2], strides: [1, 1])),
            .concatenate([.reduce(.sum, axes: [0, 1]), .reduce(.max, axes: nil), .reduce(.mean, axes: [0, 1])]),
            .dense(units: 2),
        ], seed: 4, distinct: true)
        #expect(r.inputs < 1)
        #expect(r.parameters < 1)
    }

    @Test func concatenationOnAnInnerAxisReshapeAndTranspose() throws {
        let r = try Self.check(shape: [3, 4], [
            .reshape([2, 6]), .transpose([1, 0]), .reshape([2, 6]),
            .concatenate([.pool(.max, WindowSpec(kernel: [2], strides: [1], padding: .same)),
                          .pool(.average, WindowSpec(kernel: [2], strides: [1], padding: .same))]),
            .flatten, .dense(units: 2),
        ], seed: 5, distinct: true)
        #expect(r.inputs < 1)
        #expect(r.parameters < 1)
    }

    @Test func aWrongTensorGradientIsCaught() throws {
        let net = try NetworkBuilder.build(inputShape: [5, 2], layers: [
            .conv(filters: 2, window: WindowSpec(kernel: [3], padding: .same), depthwise: false), .flatten,
        ], seed: 6)
        let x = Self.batch(4, 10, seed: 7), t = Self.batch(4, 10, seed: 8)
        let skewed = Self.worstRatio(net, x, t, skew: 1.2)
        #expect(skewed.inputs > 1)
        #expect(skewed.parameters > 1)
    }
}

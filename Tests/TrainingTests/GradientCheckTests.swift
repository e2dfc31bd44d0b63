import Testing
import Datasets
@testable import Training

/// Analytic gradients (backward pass) against central finite differences of
/// the loss. Float arithmetic limits the agreement to a few per cent of the
/// gradient plus an absolute floor.
struct GradientCheckTests {
    static func batch(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix {
        var rng = SeededRandom(seed: seed)
        return Matrix(rows: rows, columns: columns, data: (0..<(rows * columns)).map { _ in Float(rng.normal()) })
    }

    static func oneHot(_ rows: Int, _ classes: Int, seed: UInt64) -> Matrix {
        var rng = SeededRandom(seed: seed)
        var m = Matrix(rows: rows, columns: classes)
        for r in 0..<rows { m[r, rng.index(classes)] = 1 }
        return m
    }

    /// Loss of the network on (x, t) in training mode (batch statistics).
    static func loss(_ net: Network, _ x: Matrix, _ t: Matrix, _ lossKind: Loss) -> Double {
        var n = net
        var rng = SeededRandom(seed: 9)
        return lossKind.value(n.forward(x, training: true, rng: &rng), t) + n.penalty()
    }

    /// Returns the worst |analytic - numeric| / (1e-3 + 0.05 |numeric|) over all parameters.
    static func worstRatio(_ network: Network, _ x: Matrix, _ t: Matrix, _ lossKind: Loss, fused: Bool) -> Double {
        var net = network
        var rng = SeededRandom(seed: 9)
        let y = net.forward(x, training: true, rng: &rng)
        if fused {
            net.backward(lossKind.fusedLogitGradient(y, t), from: net.layers.count - 2)
        } else {
            net.backward(lossKind.gradient(y, t))
        }
        var analytic: [[Int: [Float]]] = Array(repeating: [:], count: net.layers.count)
        for i in net.layers.indices {
            net.layers[i].updateParameters { slot, _, g in analytic[i][slot] = g }
        }
        var worst = 0.0
        let h: Float = 2e-3
        for i in network.layers.indices {
            for (slot, grad) in analytic[i] {
                for p in grad.indices {
                    func perturbed(_ delta: Float) -> Double {
                        var n = network
                        n.layers[i].updateParameters { s, params, _ in if s == slot { params[p] += delta } }
                        // updateParameters only visits layers with gradients: run a
                        // training pass first so that every layer has them.
                        return loss(n, x, t, lossKind)
                    }
                    let numeric = (perturbed(h) - perturbed(-h)) / Double(2 * h)
                    worst = max(worst, abs(Double(grad[p]) - numeric) / (1e-3 + 0.05 * abs(numeric)))
                }
            }
        }
        return worst
    }

    /// A network whose layers already hold gradients, so that the
    /// parameter visitor reaches every array in the finite differences.
    static func primed(_ layers: [any TrainableLayer], inputs: Int, _ x: Matrix, _ t: Matrix, _ lossKind: Loss) -> Network {
        var net = Network(inputSize: inputs, layers: layers)
        var rng = SeededRandom(seed: 9)
        let y = net.forward(x, training: true, rng: &rng)
        net.backward(lossKind.gradient(y, t))
        return net
    }

    @Test func denseBatchNormTanhSoftmaxWithCrossEntropy() {
        var rng = SeededRandom(seed: 1)
        let x = Self.batch(12, 4, seed: 2), t = Self.oneHot(12, 3, seed: 3)
        let layers: [any TrainableLayer] = [
            DenseLayer(name: "d1", inputs: 4, units: 5, rng: &rng), BatchNormLayer(name: "bn", size: 5),
            ActivationLayer(name: "a1", kind: .tanh), DenseLayer(name: "d2", inputs: 5, units: 3, rng: &rng),
            ActivationLayer(name: "sm", kind: .softmax),
        ]
        let net = Self.primed(layers, inputs: 4, x, t, .categoricalCrossEntropy)
        #expect(Self.worstRatio(net, x, t, .categoricalCrossEntropy, fused: true) < 1)
        #expect(Self.worstRatio(net, x, t, .categoricalCrossEntropy, fused: false) < 1)
    }

    @Test func leakyReLUSigmoidWithBinaryCrossEntropyAndPenalties() {
        var rng = SeededRandom(seed: 4)
        let x = Self.batch(10, 3, seed: 5)
        var t = Matrix(rows: 10, columns: 2)
        for i in t.data.indices { t.data[i] = Float(i % 3 == 0 ? 1 : 0) }
        var d1 = DenseLayer(name: "d1", inputs: 3, units: 6, rng: &rng)
        d1.l1 = 0.01
        d1.l2 = 0.02
        let layers: [any TrainableLayer] = [
            d1, ActivationLayer(name: "a1", kind: .leakyReLU(alpha: 0.3)),
            DenseLayer(name: "d2", inputs: 6, units: 2, rng: &rng), ActivationLayer(name: "sg", kind: .sigmoid),
        ]
        let net = Self.primed(layers, inputs: 3, x, t, .binaryCrossEntropy)
        #expect(Self.worstRatio(net, x, t, .binaryCrossEntropy, fused: true) < 1)
        #expect(Self.worstRatio(net, x, t, .binaryCrossEntropy, fused: false) < 1)
    }

    @Test func reluWithMeanSquaredError() {
        var rng = SeededRandom(seed: 6)
        let x = Self.batch(8, 5, seed: 7), t = Self.batch(8, 5, seed: 8)
        let layers: [any TrainableLayer] = [
            DenseLayer(name: "d1", inputs: 5, units: 4, rng: &rng), ActivationLayer(name: "a1", kind: .relu),
            DenseLayer(name: "d2", inputs: 4, units: 5, rng: &rng),
        ]
        let net = Self.primed(layers, inputs: 5, x, t, .meanSquaredError)
        #expect(Self.worstRatio(net, x, t, .meanSquaredError, fused: false) < 1)
    }

    @Test func aWrongGradientIsCaught() {
        // The check itself must be able to fail: scale one gradient and see the ratio explode.
        var rng = SeededRandom(seed: 6)
        let x = Self.batch(8, 5, seed: 7), t = Self.batch(8, 5, seed: 8)
        let layers: [any TrainableLayer] = [DenseLayer(name: "d1", inputs: 5, units: 5, rng: &rng)]
        let net = Self.primed(layers, inputs: 5, x, t, .meanSquaredError)
        // Doubling the targets' role: a loss with the wrong gradient scale.
        var wrong = net
        var r = SeededRandom(seed: 9)
        let y = wrong.forward(x, training: true, rng: &r)
        var g = Loss.meanSquaredError.gradient(y, t)
        for i in g.data.indices { g.data[i] *= 2 }
        wrong.backward(g)
        var analytic: [Float] = []
        wrong.layers[0].updateParameters { slot, _, grad in if slot == 0 { analytic = grad } }
        var plus = net, minus = net
        plus.layers[0].updateParameters { s, p, _ in if s == 0 { p[0] += 0.01 } }
        minus.layers[0].updateParameters { s, p, _ in if s == 0 { p[0] -= 0.01 } }
        let numeric = (Self.loss(plus, x, t, .meanSquaredError) - Self.loss(minus, x, t, .meanSquaredError)) / 0.02
        #expect(abs(Double(analytic[0]) - numeric) > 0.3 * abs(numeric))
    }
}

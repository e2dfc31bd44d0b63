import Foundation
import Datasets

/// Batch normalisation over the batch axis (Keras semantics: biased batch
/// variance, running statistics with `momentum`, `epsilon` inside the root).
/// On a tensor `[..., channels]` with `size == channels` it normalises each
/// channel over the batch and every position, as Keras' `BatchNormalization(axis=-1)`.
public struct BatchNormLayer: TrainableLayer {
    public var name: String
    public let size: Int
    public var gamma: [Float]
    public var beta: [Float]
    public var runningMean: [Float]
    public var runningVariance: [Float]
    public var momentum: Float = 0.99
    public var epsilon: Float = 0.001

    var normalized = Matrix(rows: 0, columns: 0)
    var inverseStd: [Float] = []
    var gradGamma: [Float] = []
    var gradBeta: [Float] = []
    var usedBatchStatistics = false

    public init(name: String, size: Int) {
        self.name = name
        self.size = size
        gamma = [Float](repeating: 1, count: size)
        beta = [Float](repeating: 0, count: size)
        runningMean = [Float](repeating: 0, count: size)
        runningVariance = [Float](repeating: 1, count: size)
    }

    public func outputSize(inputSize: Int) -> Int { inputSize }

    public mutating func forward(_ tensor: Matrix, training: Bool, rng: inout SeededRandom) -> Matrix {
        // Positions are further rows of the statistics (channels last).
        let x = Matrix(rows: tensor.rows * (tensor.columns / size), columns: size, data: tensor.data)
        var y = x
        let n = x.rows
        var mean = runningMean, variance = runningVariance
        usedBatchStatistics = training && n > 1
        if usedBatchStatistics {
            mean = [Float](repeating: 0, count: size)
            variance = [Float](repeating: 0, count: size)
            for r in 0..<n { for c in 0..<size { mean[c] += x.data[r * size + c] } }
            for c in 0..<size { mean[c] /= Float(n) }
            for r in 0..<n { for c in 0..<size { let d = x.data[r * size + c] - mean[c]; variance[c] += d * d } }
            for c in 0..<size {
                variance[c] /= Float(n)
                runningMean[c] = momentum * runningMean[c] + (1 - momentum) * mean[c]
                runningVariance[c] = momentum * runningVariance[c] + (1 - momentum) * variance[c]
            }
        }
        inverseStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
        if training { normalized = Matrix(rows: n, columns: size) }
        for r in 0..<n {
            for c in 0..<size {
                let xhat = (x.data[r * size + c] - mean[c]) * inverseStd[c]
                if training { normalized.data[r * size + c] = xhat }
                y.data[r * size + c] = gamma[c] * xhat + beta[c]
            }
        }
        return Matrix(rows: tensor.rows, columns: tensor.columns, data: y.data)
    }

    public mutating func backward(_ gradient: Matrix) -> Matrix {
        let dy = Matrix(rows: gradient.rows * (gradient.columns / size), columns: size, data: gradient.data)
        let n = dy.rows
        gradGamma = [Float](repeating: 0, count: size)
        gradBeta = [Float](repeating: 0, count: size)
        for r in 0..<n {
            for c in 0..<size {
                gradGamma[c] += dy.data[r * size + c] * normalized.data[r * size + c]
                gradBeta[c] += dy.data[r * size + c]
            }
        }
        var dx = dy
        if !usedBatchStatistics {
            for r in 0..<n { for c in 0..<size { dx.data[r * size + c] = dy.data[r * size + c] * gamma[c] * inverseStd[c] } }
            return Matrix(rows: gradient.rows, columns: gradient.columns, data: dx.data)
        }
        // dx = gamma * invstd / n * (n dy - sum(dy) - xhat * sum(dy * xhat))
        for r in 0..<n {
            for c in 0..<size {
                let xhat = normalized.data[r * size + c]
                dx.data[r * size + c] = gamma[c] * inverseStd[c] / Float(n)
                    * (Float(n) * dy.data[r * size + c] - gradBeta[c] - xhat * gradGamma[c])
            }
        }
        return Matrix(rows: gradient.rows, columns: gradient.columns, data: dx.data)
    }

    public mutating func updateParameters(_ body: (Int, inout [Float], [Float]) -> Void) {
        guard !gradGamma.isEmpty else { return }
        body(0, &gamma, gradGamma)
        body(1, &beta, gradBeta)
    }

    public func inferDouble(_ x: [Double]) -> [Double] {
        x.indices.map { i in
            let c = i % size
            return Double(gamma[c]) * (x[i] - Double(runningMean[c])) / (Double(runningVariance[c]) + Double(epsilon)).squareRoot() + Double(beta[c])
        }
    }
}

/// Inverted dropout: in training each value is zeroed with probability
/// `rate` and the rest scaled by `1/(1-rate)`; identity in inference.
public struct DropoutLayer: TrainableLayer {
    public var name: String
    public var rate: Float
    var mask: [Float] = []

    public init(name: String, rate: Float) {
        self.name = name
        self.rate = rate
    }

    public func outputSize(inputSize: Int) -> Int { inputSize }

    public mutating func forward(_ x: Matrix, training: Bool, rng: inout SeededRandom) -> Matrix {
        guard training, rate > 0 else { mask = []; return x }
        let keep = 1 - rate
        mask = (0..<x.data.count).map { _ in rng.uniform() < Double(keep) ? 1 / keep : 0 }
        var y = x
        for i in y.data.indices { y.data[i] *= mask[i] }
        return y
    }

    public mutating func backward(_ dy: Matrix) -> Matrix {
        guard !mask.isEmpty else { return dy }
        var dx = dy
        for i in dx.data.indices { dx.data[i] *= mask[i] }
        return dx
    }

    public func inferDouble(_ x: [Double]) -> [Double] { x }
}

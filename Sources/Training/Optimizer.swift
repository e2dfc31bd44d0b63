import Foundation

/// Parameter update rules. State (moments) is kept per parameter slot; a
/// slot is one parameter array of one layer, numbered by the network.
public enum OptimizerKind: Sendable, Equatable {
    /// Adam (Kingma & Ba) with the Keras defaults.
    case adam(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7)
    /// Stochastic gradient descent with (heavy-ball) momentum.
    case sgd(momentum: Float = 0.9)
}

/// An optimizer with its state.
public struct Optimizer: Sendable {
    public var kind: OptimizerKind
    public var learningRate: Float
    var first: [Int: [Float]] = [:]
    var second: [Int: [Float]] = [:]
    var steps: [Int: Int] = [:]

    public init(_ kind: OptimizerKind, learningRate: Float) {
        self.kind = kind
        self.learningRate = learningRate
    }

    /// Applies one update to `parameters` given `gradient`, for `slot`.
    public mutating func step(slot: Int, parameters: inout [Float], gradient: [Float]) {
        let n = parameters.count
        var m = first[slot] ?? [Float](repeating: 0, count: n)
        switch kind {
        case let .adam(b1, b2, eps):
            var v = second[slot] ?? [Float](repeating: 0, count: n)
            let t = (steps[slot] ?? 0) + 1
            steps[slot] = t
            let c1 = 1 - pow(b1, Float(t)), c2 = 1 - pow(b2, Float(t))
            let lr = learningRate * c2.squareRoot() / c1
            for i in 0..<n {
                let g = gradient[i]
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                parameters[i] -= lr * m[i] / (v[i].squareRoot() + eps)
            }
            second[slot] = v
        case let .sgd(momentum):
            for i in 0..<n {
                m[i] = momentum * m[i] - learningRate * gradient[i]
                parameters[i] += m[i]
            }
        }
        first[slot] = m
    }
}

/// How the learning rate changes with the epoch (0-based).
public enum LearningRateSchedule: Sendable, Equatable {
    case constant
    /// Multiply by `factor` every `every` epochs.
    case step(every: Int, factor: Double)
    /// Multiply by `factor` each epoch.
    case exponential(factor: Double)
    /// Cosine decay from the initial rate to `minimum` over `epochs`.
    case cosine(epochs: Int, minimum: Double)

    public func rate(initial: Double, epoch: Int) -> Double {
        switch self {
        case .constant: return initial
        case let .step(every, factor): return initial * pow(factor, Double(epoch / max(every, 1)))
        case let .exponential(factor): return initial * pow(factor, Double(epoch))
        case let .cosine(epochs, minimum):
            let t = min(1, Double(epoch) / Double(max(epochs, 1)))
            return minimum + (initial - minimum) * 0.5 * (1 + cos(Double.pi * t))
        }
    }
}

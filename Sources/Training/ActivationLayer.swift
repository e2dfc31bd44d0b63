import Foundation
import Datasets

/// The element-wise (and softmax) activation functions training supports.
public enum ActivationKind: Sendable, Equatable {
    case linear
    case relu
    case leakyReLU(alpha: Double)
    case sigmoid
    case tanh
    case softmax

    /// Parses the model.json spelling (`leaky_relu` takes the slope separately).
    public init?(name: String, alpha: Double = 0.3) {
        switch name {
        case "linear": self = .linear
        case "relu": self = .relu
        case "leaky_relu": self = .leakyReLU(alpha: alpha)
        case "sigmoid": self = .sigmoid
        case "tanh": self = .tanh
        case "softmax": self = .softmax
        default: return nil
        }
    }

    /// Whether each output depends on its own input alone (all but softmax).
    public var isElementWise: Bool { self != .softmax }
}

/// An activation layer, optionally fake-quantizing its result (QAT) and
/// its LeakyReLU slope (the compiled design multiplies by the quantized slope).
public struct ActivationLayer: TrainableLayer {
    public var name: String
    public var kind: ActivationKind
    public var resultQuantizer: FakeQuantizer?
    public var alphaQuantizer: FakeQuantizer?

    var input = Matrix(rows: 0, columns: 0)
    var output = Matrix(rows: 0, columns: 0)
    var resultMask: [Float]?

    public init(name: String, kind: ActivationKind) {
        self.name = name
        self.kind = kind
    }

    public func outputSize(inputSize: Int) -> Int { inputSize }

    /// The slope as the design uses it.
    var alpha: Double {
        guard case .leakyReLU(let a) = kind else { return 0 }
        return alphaQuantizer.map { $0.apply(a) } ?? a
    }

    public mutating func forward(_ x: Matrix, training: Bool, rng: inout SeededRandom) -> Matrix {
        var y = x
        let a = Float(alpha)
        switch kind {
        case .linear: break
        case .relu: for i in y.data.indices { y.data[i] = max(0, y.data[i]) }
        case .leakyReLU: for i in y.data.indices where y.data[i] < 0 { y.data[i] *= a }
        case .sigmoid: for i in y.data.indices { y.data[i] = 1 / (1 + exp(-y.data[i])) }
        case .tanh: for i in y.data.indices { y.data[i] = Foundation.tanh(y.data[i]) }
        case .softmax:
            for r in 0..<y.rows {
                let base = r * y.columns
                var m = -Float.infinity
                for c in 0..<y.columns { m = max(m, y.data[base + c]) }
                var s: Float = 0
                for c in 0..<y.columns { y.data[base + c] = exp(y.data[base + c] - m); s += y.data[base + c] }
                for c in 0..<y.columns { y.data[base + c] /= s }
            }
        }
        if training { input = x; output = y }
        if let q = resultQuantizer { resultMask = q.applyInPlace(&y.data, mask: training) } else { resultMask = nil }
        return y
    }

    public mutating func backward(_ dy: Matrix) -> Matrix {
        var g = dy
        if let mask = resultMask { for i in g.data.indices { g.data[i] *= mask[i] } }
        let a = Float(alpha)
        switch kind {
        case .linear: break
        case .relu: for i in g.data.indices where input.data[i] <= 0 { g.data[i] = 0 }
        case .leakyReLU: for i in g.data.indices where input.data[i] < 0 { g.data[i] *= a }
        case .sigmoid: for i in g.data.indices { let y = output.data[i]; g.data[i] *= y * (1 - y) }
        case .tanh: for i in g.data.indices { let y = output.data[i]; g.data[i] *= 1 - y * y }
        case .softmax:
            for r in 0..<g.rows {
                let base = r * g.columns
                var dot: Float = 0
                for c in 0..<g.columns { dot += g.data[base + c] * output.data[base + c] }
                for c in 0..<g.columns { g.data[base + c] = output.data[base + c] * (g.data[base + c] - dot) }
            }
        }
        return g
    }

    public func inferDouble(_ x: [Double]) -> [Double] {
        var y = x
        switch kind {
        case .linear: break
        case .relu: y = y.map { max(0, $0) }
        case .leakyReLU: let a = alpha; y = y.map { $0 >= 0 ? $0 : a * $0 }
        case .sigmoid: y = y.map { 1 / (1 + exp(-$0)) }
        case .tanh: y = y.map { Foundation.tanh($0) }
        case .softmax:
            let m = y.max() ?? 0
            let e = y.map { exp($0 - m) }
            let s = e.reduce(0, +)
            y = e.map { $0 / s }
        }
        if let q = resultQuantizer { y = y.map { q.apply($0) } }
        return y
    }
}

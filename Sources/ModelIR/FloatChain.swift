import Foundation

/// The float operators between an integer accumulator and the `Quant` that
/// reads it, or the graph output that writes it (issue 26): a bias `Add`, `Sub`, `Mul` and `Div` by constants,
/// an inference `BatchNormalization`, a `Relu`, in the order the graph
/// applies them. The importer does not fold them into exact fixed-point
/// arithmetic (their constants are arbitrary float32 values); it keeps them
/// here and evaluates them as the QONNX executor does — one correctly
/// rounded float32 operation per ONNX operator (float64 in DOUBLE models),
/// in graph order — while searching the `Quant`'s thresholds
/// (FloatScaleQuant.swift). Every step is monotone in its input, so the
/// whole chain is a monotone function of the accumulator whose direction per
/// element is the product of the steps' signs.
public struct FloatChain: Sendable, Equatable {
    /// One elementwise operation; constants are per element, in the graph IR tensor's order.
    public enum Step: Sendable, Equatable {
        /// `x + c` (a `Sub` of a constant is an `Add` of its negation: the same rounding).
        case add([Double])
        /// `c - x`.
        case subtractFrom([Double])
        /// `x * c`.
        case multiply([Double])
        /// `x / c`.
        case divide([Double])
        /// `max(x, 0)`.
        case relu
        /// `max(x, c)` and `min(x, c)` (a `Clip`: ReLU6, Hardtanh).
        case maximum([Double])
        case minimum([Double])
    }

    /// The operations, in graph order.
    public var steps: [Step]

    public init(steps: [Step] = []) { self.steps = steps }

    /// The executor's value for element `i` of an accumulator whose exact
    /// value is `x` (float32 arithmetic unless `double`).
    public func evaluate(_ x: Double, element i: Int, double: Bool) -> Double {
        if double {
            var v = x
            for s in steps {
                switch s {
                case .add(let c): v = v + c[i]
                case .subtractFrom(let c): v = c[i] - v
                case .multiply(let c): v = v * c[i]
                case .divide(let c): v = v / c[i]
                case .relu: v = v < 0 ? 0 : v
                case .maximum(let c): v = v < c[i] ? c[i] : v
                case .minimum(let c): v = v > c[i] ? c[i] : v
                }
            }
            return v
        }
        var v = Float(x)
        for s in steps {
            switch s {
            case .add(let c): v = v + Float(c[i])
            case .subtractFrom(let c): v = Float(c[i]) - v
            case .multiply(let c): v = v * Float(c[i])
            case .divide(let c): v = v / Float(c[i])
            case .relu: v = v < 0 ? 0 : v
            case .maximum(let c): v = v < Float(c[i]) ? Float(c[i]) : v
            case .minimum(let c): v = v > Float(c[i]) ? Float(c[i]) : v
            }
        }
        return Double(v)
    }

    /// Every intermediate value for element `i` (to check they are finite).
    public func trace(_ x: Double, element i: Int, double: Bool) -> [(value: Double, step: Int)] {
        var out: [(Double, Int)] = []
        var partial = FloatChain()
        for (k, s) in steps.enumerated() {
            partial.steps.append(s)
            out.append((partial.evaluate(x, element: i, double: double), k))
        }
        return out
    }

    /// +1 when element `i` is non-decreasing in the accumulator, -1 when
    /// non-increasing (a correctly rounded operation is monotone in its
    /// operand; a negative factor, a negative divisor and `c - x` reverse it).
    public func direction(element i: Int) -> Double {
        var sign = 1.0
        for s in steps {
            switch s {
            case .subtractFrom: sign = -sign
            case .multiply(let c), .divide(let c): if c[i] < 0 { sign = -sign }
            case .add, .relu, .maximum, .minimum: break
            }
        }
        return sign
    }

    /// The index of the first step whose constant for some element is not
    /// finite or is a zero divisor, with that element.
    public func badConstant() -> (step: Int, element: Int, value: Double)? {
        for (k, s) in steps.enumerated() {
            switch s {
            case .add(let c), .subtractFrom(let c), .multiply(let c), .maximum(let c), .minimum(let c):
                if let i = c.firstIndex(where: { !$0.isFinite }) { return (k, i, c[i]) }
            case .divide(let c):
                if let i = c.firstIndex(where: { !$0.isFinite || $0 == 0 }) { return (k, i, c[i]) }
            case .relu: break
            }
        }
        return nil
    }
}

extension FloatChain {
    /// Element `i`'s steps as numbers (a key for elements that share a staircase).
    public func constants(element i: Int) -> [Double] {
        steps.flatMap { s -> [Double] in
            switch s {
            case .add(let c): return [0, c[i]]
            case .subtractFrom(let c): return [1, c[i]]
            case .multiply(let c): return [2, c[i]]
            case .divide(let c): return [3, c[i]]
            case .relu: return [4, 0]
            case .maximum(let c): return [5, c[i]]
            case .minimum(let c): return [6, c[i]]
            }
        }
    }
}

extension FloatChain.Step {
    /// The step's name in model.json.
    public var name: String {
        switch self {
        case .add: return "add"
        case .subtractFrom: return "subtract_from"
        case .multiply: return "multiply"
        case .divide: return "divide"
        case .relu: return "relu"
        case .maximum: return "maximum"
        case .minimum: return "minimum"
        }
    }

    /// The per-element constants (none for relu).
    public var values: [Double]? {
        switch self {
        case .add(let c), .subtractFrom(let c), .multiply(let c), .divide(let c), .maximum(let c), .minimum(let c): return c
        case .relu: return nil
        }
    }

    /// The step called `name` in model.json with `values`, or nil for an unknown name.
    public init?(name: String, values: [Double]) {
        switch name {
        case "add": self = .add(values)
        case "subtract_from": self = .subtractFrom(values)
        case "multiply": self = .multiply(values)
        case "divide": self = .divide(values)
        case "relu": self = .relu
        case "maximum": self = .maximum(values)
        case "minimum": self = .minimum(values)
        default: return nil
        }
    }
}

/// How a graph output's codes become the floats the QONNX executor writes:
/// the chain applied to each element's fixed-point value, in float32 (or
/// float64 for a DOUBLE model). The design itself outputs the codes.
public struct OutputChain: Sendable, Equatable {
    /// The operations, the first usually the pending scale of the codes.
    public var chain: FloatChain
    /// The executor computes in float64 (a DOUBLE model), else float32.
    public var double: Bool

    public init(chain: FloatChain, double: Bool) {
        self.chain = chain
        self.double = double
    }

    /// The float value of element `i` whose fixed-point value is `x`.
    public func value(_ x: Double, element i: Int) -> Double { chain.evaluate(x, element: i, double: double) }
}

import FixedPoint

/// The typed graph IR: a model as written in model.json, in floating point,
/// with the precisions the user gave (or `nil` where they are to be inferred).
///
/// Every tensor has a shape (C order, channels last, no batch axis; see
/// TensorShapes.swift for each op's rule). Nodes are kept in a topological
/// order and each node's output tensor carries the node's name.
public struct Graph: Sendable, Equatable {
    public var name: String
    public var inputs: [GraphInput]
    public var nodes: [Node]
    /// Tensor names the design outputs, in order.
    public var outputs: [String]
    public var defaults: PrecisionDefaults
    /// Outputs whose float values are computed from the design's codes as
    /// the QONNX executor computes them (a float scale or chain), by tensor.
    public var outputChains: [String: OutputChain] = [:]
    /// Inputs the design reads as integer codes of a float-scale `Quant`,
    /// with how float events become those codes, by input name.
    public var inputQuantizers: [String: InputQuantizer] = [:]
    /// Threshold layers read from float32 sums whose order the executor does
    /// not fix, with the accumulator values where its code could differ
    /// (FloatSumNote); set by the QONNX import, not stored in model.json.
    public var floatSumNotes: [FloatSumNote] = []

    public init(name: String, inputs: [GraphInput], nodes: [Node], outputs: [String],
                defaults: PrecisionDefaults = PrecisionDefaults()) {
        self.name = name
        self.inputs = inputs
        self.nodes = nodes
        self.outputs = outputs
        self.defaults = defaults
    }

    /// The node that produces `tensor`, if it is not a model input.
    public func producer(of tensor: String) -> Node? {
        nodes.first { $0.name == tensor }
    }

    /// The nodes that read `tensor`.
    public func consumers(of tensor: String) -> [Node] {
        nodes.filter { $0.inputs.contains(tensor) }
    }

    /// The element count of every tensor, by name.
    public func tensorSizes() -> [String: Int] {
        if let shapes = try? tensorShapes() { return shapes.mapValues { Shapes.count($0) ?? 0 } }
        var sizes: [String: Int] = [:]
        for input in inputs { sizes[input.name] = input.size }
        for node in nodes { sizes[node.name] = node.outputSize(inputSizes: node.inputs.map { sizes[$0] ?? 0 }) }
        return sizes
    }
}

/// A model input: a tensor of `shape` (its `size` elements in C order) of
/// `type` (`nil`: the model default).
public struct GraphInput: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var type: FixedType?
    public var size: Int { shape.reduce(1, *) }

    public init(name: String, shape: [Int], type: FixedType? = nil) {
        self.name = name
        self.shape = shape
        self.type = type
    }
}

/// One layer of the graph.
public struct Node: Sendable, Equatable {
    public var name: String
    public var op: Op
    /// Names of the tensors this node reads (model inputs or other nodes).
    public var inputs: [String]
    public var precision: LayerPrecision
    /// The model.json layers this node stands for (more than one after folding).
    public var sourceLayers: [String]

    public init(name: String, op: Op, inputs: [String], precision: LayerPrecision = LayerPrecision(),
                sourceLayers: [String]? = nil) {
        self.name = name
        self.op = op
        self.inputs = inputs
        self.precision = precision
        self.sourceLayers = sourceLayers ?? [name]
    }

    /// The size of this node's output given the sizes of its inputs.
    public func outputSize(inputSizes: [Int]) -> Int {
        switch op {
        case .dense(let d): return d.units
        case .batchNorm, .activation: return inputSizes.first ?? 0
        case .add, .subtract, .multiply: return inputSizes.first ?? 0
        case .concatenate: return inputSizes.reduce(0, +)
        case .sum: return 1
        case .forest(let f): return f.classCount
        case .linear(let l): return l.units
        case .maximum(let groups): return groups.count
        case .gather(let indices): return indices.count
        case .threshold: return inputSizes.first ?? 0
        case .reshape, .transpose: return inputSizes.first ?? 0
        case .conv, .pool, .reduce: return 0  // needs shapes: see outputShape(inputShapes:)
        }
    }
}

/// The operation a node performs, with its float parameters.
public enum Op: Sendable, Equatable {
    /// `y = W x + b`.
    case dense(Dense)
    /// `y = gamma (x - mean) / sqrt(variance + epsilon) + beta`, per element.
    case batchNorm(BatchNorm)
    case activation(Activation)
    /// Element-wise `a + b`.
    case add
    /// Element-wise `a - b`.
    case subtract
    /// Element-wise `a * b`.
    case multiply
    /// The inputs joined along `axis` (negative: from the end); vectors are
    /// laid end to end.
    case concatenate(axis: Int)
    /// The sum of all elements (one output).
    case sum
    /// A forest of decision trees: one score per class (see ``Forest``).
    case forest(Forest)
    /// A 1D or 2D convolution, channels last (see ``Convolution``).
    case conv(Convolution)
    /// Max or average pooling, channels last (see ``Pooling``).
    case pool(Pooling)
    /// A sum, mean or max over some axes (see ``Reduction``).
    case reduce(Reduction)
    /// The same elements in C order under a new shape (flatten is a reshape to one axis).
    case reshape([Int])
    /// Axes permuted: output axis `i` is input axis `perm[i]`.
    case transpose([Int])
    /// A flat linear map with shared parameters (``SparseLinear``), what
    /// ``ExpandTensorOps`` makes of convolutions, per-particle dense layers and average pools.
    case linear(SparseLinear)
    /// Flat: output `j` is the largest of the input elements `groups[j]`.
    case maximum([[Int]])
    /// Flat: output `i` is input element `indices[i]` (data movement only).
    case gather([Int])
    /// A staircase: each element counts the thresholds it reaches (``Thresholds``).
    case threshold(Thresholds)

    /// The model.json spelling of the op (for messages).
    public var kindName: String {
        switch self {
        case .dense: return "dense"
        case .batchNorm: return "batchnorm"
        case .activation(let a): return a.kindName
        case .add: return "add"
        case .subtract: return "subtract"
        case .multiply: return "multiply"
        case .concatenate: return "concatenate"
        case .sum: return "sum"
        case .forest: return "forest"
        case .conv(let c): return c.depthwise ? "depthwise_conv\(c.kernel.count)d" : "conv\(c.kernel.count)d"
        case .pool(let p): return (p.kind == .max ? "maxpool" : "avgpool") + "\(p.size.count)d"
        case .reduce(let r): return "reduce_" + r.kind.rawValue
        case .reshape: return "reshape"
        case .transpose: return "transpose"
        case .linear: return "linear"
        case .maximum: return "maximum"
        case .gather: return "gather"
        case .threshold: return "threshold"
        }
    }
}

/// Float parameters of a dense layer.
public struct Dense: Sendable, Equatable {
    /// `weights[j][k]` multiplies input `k` into output `j` (one row per output).
    public var weights: [[Double]]
    public var bias: [Double]
    public var units: Int { weights.count }
    public var inputCount: Int { weights.first?.count ?? 0 }

    public init(weights: [[Double]], bias: [Double]) {
        self.weights = weights
        self.bias = bias
    }
}

/// Float parameters of a batch normalisation (inference form).
public struct BatchNorm: Sendable, Equatable {
    public var gamma: [Double]
    public var beta: [Double]
    public var mean: [Double]
    public var variance: [Double]
    public var epsilon: Double

    public init(gamma: [Double], beta: [Double], mean: [Double], variance: [Double], epsilon: Double) {
        self.gamma = gamma
        self.beta = beta
        self.mean = mean
        self.variance = variance
        self.epsilon = epsilon
    }

    /// Per-element `scale` and `shift` with `y = scale * x + shift`.
    public var scaleAndShift: (scale: [Double], shift: [Double]) {
        var scale: [Double] = []
        var shift: [Double] = []
        for i in gamma.indices {
            let s = gamma[i] / (variance[i] + epsilon).squareRoot()
            scale.append(s)
            shift.append(beta[i] - mean[i] * s)
        }
        return (scale, shift)
    }
}

/// An activation function and its table settings.
public enum Activation: Sendable, Equatable {
    case linear
    case relu
    case leakyReLU(alpha: Double)
    case sigmoid(TableSettings)
    case tanh(TableSettings)
    case softmax(SoftmaxTableSettings)

    public var kindName: String {
        switch self {
        case .linear: return "linear"
        case .relu: return "relu"
        case .leakyReLU: return "leaky_relu"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .softmax: return "softmax"
        }
    }
}

/// A lookup table over the input interval `[-range, range)` with `size`
/// entries. Both are powers of two so that the index is a slice of the input bits.
public struct TableSettings: Sendable, Equatable {
    public var size: Int
    public var range: Double

    public init(size: Int = 1024, range: Double = 8) {
        self.size = size
        self.range = range
    }
}

/// Tables of a softmax: `exp` over `(-range, 0]`, the reciprocal of the
/// sum over `[0, 2^ceil(log2 n))`.
public struct SoftmaxTableSettings: Sendable, Equatable {
    public var expSize: Int
    public var expRange: Double
    public var inverseSize: Int

    public init(expSize: Int = 1024, expRange: Double = 8, inverseSize: Int = 1024) {
        self.expSize = expSize
        self.expRange = expRange
        self.inverseSize = inverseSize
    }
}

/// Per-layer precisions, each `nil` where the user left it to defaults or inference.
public struct LayerPrecision: Sendable, Equatable {
    public var weight: FixedType?
    public var bias: FixedType?
    public var accumulator: FixedType?
    public var result: FixedType?
    /// The LeakyReLU slope's type.
    public var alpha: FixedType?
    /// Softmax: the exp table values' type.
    public var exp: FixedType?
    /// Softmax: the reciprocal table values' type.
    public var inverse: FixedType?

    public init(weight: FixedType? = nil, bias: FixedType? = nil, accumulator: FixedType? = nil,
                result: FixedType? = nil, alpha: FixedType? = nil, exp: FixedType? = nil,
                inverse: FixedType? = nil) {
        self.weight = weight
        self.bias = bias
        self.accumulator = accumulator
        self.result = result
        self.alpha = alpha
        self.exp = exp
        self.inverse = inverse
    }
}

/// Model-wide precision defaults. `precision` is the fallback for weights,
/// biases and inputs; results and accumulators that are not given are inferred
/// so that nothing overflows over the declared input range, with `precision`'s
/// fractional bits.
public struct PrecisionDefaults: Sendable, Equatable {
    public static let builtIn = FixedType.fixed(16, 6)

    public var precision: FixedType?
    public var weight: FixedType?
    public var bias: FixedType?
    public var result: FixedType?
    public var accumulator: FixedType?
    public var input: FixedType?

    public init(precision: FixedType? = nil, weight: FixedType? = nil, bias: FixedType? = nil,
                result: FixedType? = nil, accumulator: FixedType? = nil, input: FixedType? = nil) {
        self.precision = precision
        self.weight = weight
        self.bias = bias
        self.result = result
        self.accumulator = accumulator
        self.input = input
    }
}

/// A `Quant` after a float32 sum whose rounding the design cannot
/// reproduce (the executor's order of summation is its own): the threshold
/// layer `layer` (from ONNX node `node`) equals the executor except, at
/// most, on `ambiguous` of the `values` accumulator values it can see,
/// those within `bound` of a threshold (docs/import-export.md, "Float sums").
public struct FloatSumNote: Sendable, Equatable {
    public var node: String
    public var layer: String
    public var ambiguous: Int
    public var values: Double
    public var bound: Double

    public init(node: String, layer: String, ambiguous: Int, values: Double, bound: Double) {
        self.node = node
        self.layer = layer
        self.ambiguous = ambiguous
        self.values = values
        self.bound = bound
    }

    /// The warning the CLI prints (and `--strict` refuses).
    public var message: String {
        let count = values < 0x1p62 ? String(Int64(values)) : String(values)
        return "its input is a float32 sum whose order the executor does not fix (bound \(Float(bound))); \(ambiguous) of its \(count) accumulator values (over all its outputs) lie within that bound of a threshold, where the executor's code may differ by one"
    }
}

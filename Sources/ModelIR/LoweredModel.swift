import FixedPoint

/// The lowered IR: the single contract between the middle end and every
/// consumer (the Swift reference, the HLS C++ backend, the Verilog backend).
///
/// Everything is an integer: weights and table contents are raw codes of
/// their declared types, every tensor has one concrete ``FixedType``, and
/// every op's result is quantized to its output tensor's type exactly once.
/// The arithmetic of each op is defined in docs/numerics.md and implemented
/// once per backend.
public struct LoweredModel: Sendable, Equatable {
    public var name: String
    public var tensors: [TensorInfo]
    public var inputs: [TensorID]
    public var outputs: [TensorID]
    /// Ops in a topological order: every input is a model input or an
    /// earlier op's output.
    public var ops: [LoweredOp]

    public init(name: String, tensors: [TensorInfo], inputs: [TensorID], outputs: [TensorID], ops: [LoweredOp]) {
        self.name = name
        self.tensors = tensors
        self.inputs = inputs
        self.outputs = outputs
        self.ops = ops
    }

    public subscript(_ id: TensorID) -> TensorInfo { tensors[id.index] }

    /// The op that writes `tensor`, or nil for a model input.
    public func producer(of tensor: TensorID) -> LoweredOp? {
        ops.first { $0.output == tensor }
    }

    /// Total input elements, in the order of ``inputs``.
    public var inputWidth: Int { inputs.reduce(0) { $0 + tensors[$1.index].size } }
    /// Total output elements, in the order of ``outputs``.
    public var outputWidth: Int { outputs.reduce(0) { $0 + tensors[$1.index].size } }
}

/// A tensor's index in ``LoweredModel/tensors``.
public struct TensorID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var index: Int
    public init(_ index: Int) { self.index = index }
    public static func < (a: TensorID, b: TensorID) -> Bool { a.index < b.index }
    public var description: String { "%\(index)" }
}

/// A flat vector of `size` elements, all of `type`.
public struct TensorInfo: Sendable, Equatable {
    /// A name usable as a C and Verilog identifier.
    public var name: String
    public var size: Int
    public var type: FixedType

    public init(name: String, size: Int, type: FixedType) {
        self.name = name
        self.size = size
        self.type = type
    }
}

/// One lowered operation.
public struct LoweredOp: Sendable, Equatable {
    /// An identifier for the op (C/Verilog safe), e.g. `fc1`.
    public var name: String
    /// The model.json layers this op came from, for comments and reports.
    public var sourceLayers: [String]
    public var kind: LoweredKind
    public var inputs: [TensorID]
    public var output: TensorID

    public init(name: String, sourceLayers: [String], kind: LoweredKind, inputs: [TensorID], output: TensorID) {
        self.name = name
        self.sourceLayers = sourceLayers
        self.kind = kind
        self.inputs = inputs
        self.output = output
    }
}

/// What a lowered op computes. `out` below is the output tensor's type and
/// `Q_T(v)` is assignment of the exact value `v` to type `T`.
public enum LoweredKind: Sendable, Equatable {
    /// See ``DenseOp``.
    case dense(DenseOp)
    /// See ``ScaleOp``: a per-element weight and bias (a batchnorm that did
    /// not fold, or a dense layer whose weight matrix is diagonal).
    case scale(ScaleOp)
    /// `out[i] = Q_out(act(x[i]))` for ReLU, LeakyReLU or identity.
    case activation(PointwiseActivation)
    /// `out[i] = table[index(x[i])]`; see ``TableOp``.
    case table(TableOp)
    /// See ``SoftmaxOp``.
    case softmax(SoftmaxOp)
    /// `out[i] = Q_out(a[i] + b[i])`, exact sum.
    case add
    /// `out[i] = Q_out(a[i] - b[i])`, exact difference.
    case subtract
    /// `out[i] = Q_out(a[i] * b[i])`, exact product.
    case multiply
    /// The inputs end to end; every input already has the output's type.
    case concatenate
    /// `out[0] = Q_out(sum_i x[i])`, exact sum.
    case sum
    /// `out[i] = Q_out(x[i])`.
    case quantize
    /// A forest of decision trees on raw codes; see ``ForestOp``.
    case forest(ForestOp)
    /// `out[j] = Q_out(max over k in groups[j] of x[k])`; see ``MaximumOp``.
    case maximum(MaximumOp)
    /// `out[i] = Q_out(x[indices[i]])`; see ``GatherOp``.
    case gather(GatherOp)
    /// `out[i] = outputBias + outputStep * #{k : x[i] >= thresholds[c(i)][k]}`
    /// on raw codes; see ``ThresholdOp``.
    case threshold(ThresholdOp)

    public var kindName: String {
        switch self {
        case .dense: return "dense"
        case .scale: return "scale"
        case .activation(let a): return a.kindName
        case .table(let t): return t.function.rawValue
        case .softmax: return "softmax"
        case .add: return "add"
        case .subtract: return "subtract"
        case .multiply: return "multiply"
        case .concatenate: return "concatenate"
        case .sum: return "sum"
        case .quantize: return "quantize"
        case .forest: return "forest"
        case .maximum: return "maximum"
        case .gather: return "gather"
        case .threshold: return "threshold"
        }
    }
}

/// The largest of each group of input elements (max pooling, a max over
/// axes): `out[j] = Q_out(max over k in groups[j] of x[k])`, compared on the
/// exact values (every input element has the input's type, so on raw codes).
public struct MaximumOp: Sendable, Equatable {
    /// Per output, the input indices it reads (at least one).
    public var groups: [[Int]]
    public init(groups: [[Int]]) { self.groups = groups }

    /// The longest group's size.
    public var groupSize: Int { groups.map(\.count).max() ?? 1 }

    /// Every group padded to ``groupSize`` with its first member
    /// (`max(a, a) = a`), end to end: fixed-size windows for backends that
    /// want constant loop bounds or a rectangular index tensor.
    public var paddedMembers: [Int] {
        let size = groupSize
        return groups.flatMap { g in g + Array(repeating: g[0], count: size - g.count) }
    }
}

/// Data movement (reshape, transpose, a concatenation on an inner axis, a
/// broadcast): `out[i] = Q_out(x[indices[i]])`; wires in hardware.
public struct GatherOp: Sendable, Equatable {
    public var indices: [Int]
    public init(indices: [Int]) { self.indices = indices }
}

extension LoweredKind {
    /// The dense op that computes this op's arithmetic: the op itself for
    /// `dense`, ``ScaleOp/dense`` for `scale`, nil for every other kind. For
    /// consumers that treat both as sums of constant products (cost
    /// estimates, overflow counts, netlists).
    public var denseForm: DenseOp? {
        switch self {
        case .dense(let d): return d
        case .scale(let s): return s.dense
        default: return nil
        }
    }
}

/// An activation computed by logic, not by table.
public enum PointwiseActivation: Sendable, Equatable {
    case linear
    case relu
    /// `x >= 0 ? x : alpha * x`, with `alpha` a raw code of `alphaType`.
    case leakyReLU(alpha: Int64, alphaType: FixedType)

    public var kindName: String {
        switch self {
        case .linear: return "linear"
        case .relu: return "relu"
        case .leakyReLU: return "leaky_relu"
        }
    }
}

/// A dense layer on integers.
///
/// For each output `j`, with `x` the input, `A` the accumulator type:
/// ```
/// acc_j = Q_A(bias_j) + sum over terms (k, w) of Q_A(w * x[k])    (mod 2^W_A)
/// pre_j = preActivation.map { Q_pre(acc_j) } ?? acc_j
/// out_j = Q_out(activation(pre_j))
/// ```
/// `A` always wraps (``FixedType/overflow`` is `.wrap`, N = 0), so the order
/// of the additions never changes the result.
public struct DenseOp: Sendable, Equatable {
    public var weightType: FixedType
    public var biasType: FixedType
    public var accumulatorType: FixedType
    /// Per output, the nonzero terms `(input index, raw weight)`.
    public var rows: [[WeightTerm]]
    /// Per output, the raw bias in `biasType`.
    public var bias: [Int64]
    /// An intermediate quantization between the sum and a fused activation,
    /// kept when the source model declared the dense result type.
    public var preActivationType: FixedType?
    public var activation: PointwiseActivation
    /// The rows as one kernel applied at every output position, when the
    /// layer (a convolution) asked for a reuse factor above 1: the Verilog
    /// backend then time-multiplexes positions (``TimeMultiplex``). The
    /// arithmetic is that of ``rows`` either way.
    public var multiplex: TimeMultiplex?

    public init(weightType: FixedType, biasType: FixedType, accumulatorType: FixedType,
                rows: [[WeightTerm]], bias: [Int64], preActivationType: FixedType? = nil,
                activation: PointwiseActivation = .linear, multiplex: TimeMultiplex? = nil) {
        self.multiplex = multiplex
        self.weightType = weightType
        self.biasType = biasType
        self.accumulatorType = accumulatorType
        self.rows = rows
        self.bias = bias
        self.preActivationType = preActivationType
        self.activation = activation
    }

    /// Number of multiplications (nonzero terms).
    public var termCount: Int { rows.reduce(0) { $0 + $1.count } }
}

/// What a dense op and a scale op share: a wrapping accumulator that sums
/// a bias and constant products, then an optional pre-activation
/// quantization and a pointwise activation (``FuseActivations`` sets both).
public protocol AccumulatingOp: Sendable, Equatable {
    var weightType: FixedType { get }
    var biasType: FixedType { get }
    var accumulatorType: FixedType { get }
    /// Per output, the raw bias in `biasType`.
    var bias: [Int64] { get }
    var preActivationType: FixedType? { get set }
    var activation: PointwiseActivation { get set }
}

extension DenseOp: AccumulatingOp {}

/// A per-element scale and shift on integers: element `i` of the output
/// reads only element `i` of the input. With `A` the accumulator type:
/// ```
/// acc_i = Q_A(bias_i) + Q_A(weights_i * x[i])    (mod 2^W_A)
/// pre_i = preActivation.map { Q_pre(acc_i) } ?? acc_i
/// out_i = Q_out(activation(pre_i))
/// ```
/// exactly ``DenseOp`` with the single term `(i, weights_i)` in row `i`
/// (see ``dense``). A zero weight stays in `weights`: each element has
/// exactly one weight, and `Q_A(0 * x) = 0` adds nothing.
public struct ScaleOp: AccumulatingOp {
    public var weightType: FixedType
    public var biasType: FixedType
    public var accumulatorType: FixedType
    /// Per element, the raw weight in `weightType`.
    public var weights: [Int64]
    /// Per element, the raw bias in `biasType`.
    public var bias: [Int64]
    /// As ``DenseOp/preActivationType``.
    public var preActivationType: FixedType?
    public var activation: PointwiseActivation

    public init(weightType: FixedType, biasType: FixedType, accumulatorType: FixedType,
                weights: [Int64], bias: [Int64], preActivationType: FixedType? = nil,
                activation: PointwiseActivation = .linear) {
        self.weightType = weightType
        self.biasType = biasType
        self.accumulatorType = accumulatorType
        self.weights = weights
        self.bias = bias
        self.preActivationType = preActivationType
        self.activation = activation
    }

    /// The same arithmetic as a dense op: row `i` is the term
    /// `(i, weights_i)`, left out when the weight is zero (it adds an exact zero).
    public var dense: DenseOp {
        DenseOp(weightType: weightType, biasType: biasType, accumulatorType: accumulatorType,
                rows: weights.enumerated().map { $0.element == 0 ? [] : [WeightTerm(input: $0.offset, weight: $0.element)] },
                bias: bias, preActivationType: preActivationType, activation: activation)
    }

    /// Number of multiplications (nonzero weights).
    public var termCount: Int { weights.reduce(0) { $0 + ($1 == 0 ? 0 : 1) } }
}

/// One product of a dense row: input element `input` times the raw weight.
public struct WeightTerm: Sendable, Equatable, Hashable {
    public var input: Int
    public var weight: Int64
    public init(input: Int, weight: Int64) {
        self.input = input
        self.weight = weight
    }
}

/// A function evaluated by table.
public enum TableFunction: String, Sendable, Equatable {
    case sigmoid
    case tanh
}

/// A table lookup. With `x` the raw input code (F fractional bits), the
/// table covers `[-2^rangeLog2, 2^rangeLog2)` in `2^indexBits` bins:
/// ```
/// index = clamp((x >> shift) + 2^(indexBits-1), 0, 2^indexBits - 1)
/// shift = F + rangeLog2 + 1 - indexBits     (a left shift when negative)
/// ```
/// `values` are raw codes of the output type: `Q_out(f(bin centre))`.
public struct TableOp: Sendable, Equatable {
    public var function: TableFunction
    public var indexBits: Int
    public var rangeLog2: Int
    public var values: [Int64]

    public init(function: TableFunction, indexBits: Int, rangeLog2: Int, values: [Int64]) {
        self.function = function
        self.indexBits = indexBits
        self.rangeLog2 = rangeLog2
        self.values = values
    }

    /// The shift applied to the input code to form the index.
    public func shift(inputFractionBits f: Int) -> Int { f + rangeLog2 + 1 - indexBits }
}

/// Softmax on integers, with `x` of F fractional bits:
/// ```
/// m      = max_i x[i]
/// d_i    = m - x[i]                               (>= 0, exact)
/// e_i    = expValues[min(d_i >> expShift, 2^expIndexBits - 1)]
/// s      = sum_i e_i                              (exact, in sumType)
/// inv    = inverseValues[min(s >> invShift, 2^inverseIndexBits - 1)]
/// out[i] = Q_out(e_i * inv)                       (exact product)
/// expShift = F + expRangeLog2 - expIndexBits
/// invShift = F_sum + inverseRangeLog2 - inverseIndexBits
/// ```
/// `expValues` hold `Q_exp(exp(-centre))` over `[0, 2^expRangeLog2)`;
/// `inverseValues` hold `Q_inv(1/centre)` over `[0, 2^inverseRangeLog2)`.
public struct SoftmaxOp: Sendable, Equatable {
    public var expType: FixedType
    public var expIndexBits: Int
    public var expRangeLog2: Int
    public var expValues: [Int64]
    /// Holds the exact sum of the exp values (unsigned).
    public var sumType: FixedType
    public var inverseType: FixedType
    public var inverseIndexBits: Int
    public var inverseRangeLog2: Int
    public var inverseValues: [Int64]

    public init(expType: FixedType, expIndexBits: Int, expRangeLog2: Int, expValues: [Int64],
                sumType: FixedType, inverseType: FixedType, inverseIndexBits: Int,
                inverseRangeLog2: Int, inverseValues: [Int64]) {
        self.expType = expType
        self.expIndexBits = expIndexBits
        self.expRangeLog2 = expRangeLog2
        self.expValues = expValues
        self.sumType = sumType
        self.inverseType = inverseType
        self.inverseIndexBits = inverseIndexBits
        self.inverseRangeLog2 = inverseRangeLog2
        self.inverseValues = inverseValues
    }

    public func expShift(inputFractionBits f: Int) -> Int { f + expRangeLog2 - expIndexBits }
    public var inverseShift: Int { sumType.fractionBits + inverseRangeLog2 - inverseIndexBits }
}

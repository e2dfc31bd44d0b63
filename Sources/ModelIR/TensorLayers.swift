/// Layers over tensors of any rank (channels last, as Keras and hls4ml lay
/// them out): convolutions, pooling, reductions and the pure data movement
/// ops. ``ExpandTensorOps`` (Passes) rewrites each into the flat ops below
/// (``SparseLinear``, ``Op/maximum(_:)``, ``Op/gather(_:)``) before lowering,
/// so every backend implements only those.

/// How a window op pads its input on each spatial axis.
public enum Padding: Sendable, Equatable {
    /// No padding: windows lie inside the input.
    case valid
    /// Keras/TensorFlow `same`: `out = ceil(in / stride)`, the padding split
    /// with the smaller half before (`before = total / 2`).
    case same
    /// Explicit zeros before and after each spatial axis (ONNX `pads`).
    case explicit(before: [Int], after: [Int])

    public var name: String {
        switch self {
        case .valid: return "valid"
        case .same: return "same"
        case .explicit: return "explicit"
        }
    }
}

/// The resolved geometry of a window op on one spatial axis.
public struct WindowAxis: Sendable, Equatable {
    public var input: Int
    public var kernel: Int
    public var stride: Int
    public var dilation: Int
    public var padBefore: Int
    public var output: Int

    /// Input position read by output `o` at kernel tap `k` (may be outside
    /// `0..<input`: a padding zero).
    public func position(output o: Int, tap k: Int) -> Int { o * stride - padBefore + k * dilation }
}

/// A convolution over 1 or 2 spatial axes, channels last. The input shape is
/// `[spatial..., inputChannels]`, the output `[outSpatial..., filters]`:
/// `y[o, f] = bias[f] + sum over taps k and channels c of w[k, c, f] x[o*s - pad + k*d, c]`
/// (a tap in the padding reads zero). Depthwise: `filters == inputChannels`
/// and filter `f` reads channel `f` only (weights `[taps][channels]`).
public struct Convolution: Sendable, Equatable {
    /// Kernel size per spatial axis.
    public var kernel: [Int]
    public var strides: [Int]
    public var dilations: [Int]
    public var padding: Padding
    public var inputChannels: Int
    public var filters: Int
    public var depthwise: Bool
    /// Keras layout, flattened in C order: `[k0][k1]...[inputChannels][filters]`
    /// (depthwise: `[k0][k1]...[channels]`).
    public var weights: [Double]
    public var bias: [Double]
    /// Output positions computed one after another by each kernel instance
    /// in the Verilog backend (model.json `reuse`): 1 builds every position
    /// (II = 1); `R` builds `ceil(P / R)` kernels, each time-multiplexed
    /// over `R` positions, and the design accepts an event every `R` cycles.
    public var reuse: Int

    public init(kernel: [Int], strides: [Int], dilations: [Int], padding: Padding, inputChannels: Int,
                filters: Int, depthwise: Bool = false, weights: [Double], bias: [Double], reuse: Int = 1) {
        self.reuse = reuse
        self.kernel = kernel
        self.strides = strides
        self.dilations = dilations
        self.padding = padding
        self.inputChannels = inputChannels
        self.filters = filters
        self.depthwise = depthwise
        self.weights = weights
        self.bias = bias
    }

    /// Taps of the kernel (the product of its sizes).
    public var taps: Int { kernel.reduce(1, *) }
    /// The number of weights the layout above holds.
    public var weightCount: Int { depthwise ? taps * inputChannels : taps * inputChannels * filters }
}

/// Max or average pooling over 1 or 2 spatial axes, channels last, each
/// channel alone. An average divides by the number of taps inside the input
/// (padding is not counted, as Keras and ONNX's default do).
public struct Pooling: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable { case max, average }
    public var kind: Kind
    public var size: [Int]
    public var strides: [Int]
    public var padding: Padding

    public init(kind: Kind, size: [Int], strides: [Int], padding: Padding) {
        self.kind = kind
        self.size = size
        self.strides = strides
        self.padding = padding
    }
}

/// A sum, mean or maximum over some axes (global pooling), which are removed
/// from the shape. A mean is the sum times `1/count` in the layer's weight type.
public struct Reduction: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable { case sum, mean, max }
    public var kind: Kind
    /// Axes of the input shape, each in `0..<rank`, ascending, no repeats.
    public var axes: [Int]

    public init(kind: Kind, axes: [Int]) {
        self.kind = kind
        self.axes = axes
    }
}

/// A linear map whose weights are shared between outputs, as a convolution's
/// or a per-particle dense layer's are: output `j` is
/// `bias[biasIndex[j]] + sum over terms (k, p) of weights[p] * x[k]`.
/// The parameters are kept once (so they are quantized, and their overflows
/// counted, once); the terms say where each is used.
public struct SparseLinear: Sendable, Equatable {
    public struct Term: Sendable, Equatable, Hashable {
        public var input: Int
        public var parameter: Int
        public init(input: Int, parameter: Int) {
            self.input = input
            self.parameter = parameter
        }
    }
    public var weights: [Double]
    public var bias: [Double]
    public var rows: [[Term]]
    public var biasIndex: [Int]
    /// The one kernel every output position applies to its window, kept
    /// when the layer asks for a reuse factor above 1 (``Multiplex``).
    public var multiplex: Multiplex?

    public init(weights: [Double], bias: [Double], rows: [[Term]], biasIndex: [Int], multiplex: Multiplex? = nil) {
        self.weights = weights
        self.bias = bias
        self.rows = rows
        self.biasIndex = biasIndex
        self.multiplex = multiplex
    }

    /// A convolution as one kernel over windows: output `p * F + f` (F =
    /// `kernel.count`) is `bias[biasIndex[f]] + sum over (s, q) in kernel[f]
    /// of weights[q] * x[windows[p][s]]`, a slot that is nil (a tap in the
    /// padding) reading zero. The same map as ``SparseLinear/rows``, told
    /// so that hardware can time-multiplex positions through one kernel.
    public struct Multiplex: Sendable, Equatable {
        /// Positions per kernel instance (at least 2).
        public var reuse: Int
        /// Per output position, per kernel slot: the input element read.
        public var windows: [[Int?]]
        /// Per filter, its terms: ``Term/input`` is a slot, ``Term/parameter`` a weight.
        public var kernel: [[Term]]

        public init(reuse: Int, windows: [[Int?]], kernel: [[Term]]) {
            self.reuse = reuse
            self.windows = windows
            self.kernel = kernel
        }
    }

    public var units: Int { rows.count }
}

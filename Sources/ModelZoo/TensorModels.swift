import FixedPoint
import ModelIR

/// Models over tensors (particles x features, calorimeter grids), with the
/// corners of every tensor layer: odd sizes, strides, `same` padding with
/// uneven halves, dilation, depthwise kernels, non-power-of-two means,
/// broadcasting and concatenation on inner axes, saturating types.
extension ModelZoo {
    static func uniform(_ n: Int, _ scale: Double, _ rng: inout Random) -> [Double] {
        (0..<n).map { _ in rng.uniform(-scale, scale) }
    }

    /// A deep-sets jet tagger: 16 constituents x 3 features, the same
    /// 3 -> 16 -> 8 layers on each (a per-channel batchnorm folded into the
    /// first), sum and max over the constituents, concatenated, a dense head of 5.
    public static func deepSets(seed: UInt64 = 11) -> Graph {
        var rng = Random(seed: seed)
        var nodes: [Node] = []
        nodes.append(dense("phi1", input: "x", inputs: 3, units: 16, rng: &rng, precision: LayerPrecision(weight: .fixed(8, 2, .rnd))))
        nodes.append(Node(name: "bn1", op: .batchNorm(BatchNorm(
            gamma: (0..<16).map { _ in rng.uniform(0.5, 1.5) }, beta: uniform(16, 0.3, &rng), mean: uniform(16, 0.2, &rng),
            variance: (0..<16).map { _ in rng.uniform(0.5, 2) }, epsilon: 0.001)), inputs: ["phi1"],
            precision: LayerPrecision(result: .fixed(14, 6, .rnd, .sat))))
        nodes.append(Node(name: "r1", op: .activation(.relu), inputs: ["bn1"], precision: LayerPrecision(result: .ufixed(12, 5, .rnd, .sat))))
        nodes.append(dense("phi2", input: "r1", inputs: 16, units: 8, rng: &rng, precision: LayerPrecision(weight: .fixed(6, 1, .rnd))))
        nodes.append(Node(name: "r2", op: .activation(.relu), inputs: ["phi2"], precision: LayerPrecision(result: .ufixed(12, 5, .rnd, .sat))))
        nodes.append(Node(name: "pool_sum", op: .reduce(Reduction(kind: .sum, axes: [0])), inputs: ["r2"]))
        nodes.append(Node(name: "pool_max", op: .reduce(Reduction(kind: .max, axes: [0])), inputs: ["r2"]))
        nodes.append(Node(name: "pooled", op: .concatenate(axis: -1), inputs: ["pool_sum", "pool_max"],
                          precision: LayerPrecision(result: .ufixed(14, 9, .rnd, .sat))))
        nodes.append(dense("rho", input: "pooled", inputs: 16, units: 5, rng: &rng, precision: LayerPrecision(weight: .fixed(8, 2))))
        return Graph(name: "deep_sets", inputs: [GraphInput(name: "x", shape: [16, 3], type: .fixed(12, 4, .rnd, .sat))],
                     nodes: nodes, outputs: ["rho"])
    }

    /// A calorimeter-grid model in the CICADA style on a 9 x 7 grid: a
    /// strided 2x2 convolution with `same` padding, max pooling, a dilated
    /// depthwise convolution, an average pool whose windows hold 2 or 3
    /// cells, a transpose, flatten and a dense head with a sigmoid. `reuse`
    /// (`conv`, `dw`) time-multiplexes the two convolutions' 20 and 12 output
    /// positions (docs/verilog-backend.md); the arithmetic is the same.
    public static func calorimeterConv(seed: UInt64 = 12, reuse: (conv: Int, dw: Int) = (1, 1)) -> Graph {
        var rng = Random(seed: seed)
        var nodes: [Node] = []
        nodes.append(Node(name: "conv", op: .conv(Convolution(
            kernel: [2, 2], strides: [2, 2], dilations: [1, 1], padding: .same, inputChannels: 1, filters: 4,
            weights: uniform(16, 0.5, &rng), bias: uniform(4, 0.5, &rng), reuse: reuse.conv)), inputs: ["x"],
            precision: LayerPrecision(weight: .fixed(8, 1, .rnd), result: .ufixed(14, 9, .rnd, .sat))))
        nodes.append(Node(name: "r1", op: .activation(.relu), inputs: ["conv"]))
        nodes.append(Node(name: "mp", op: .pool(Pooling(kind: .max, size: [2, 2], strides: [1, 1], padding: .valid)), inputs: ["r1"]))
        nodes.append(Node(name: "dw", op: .conv(Convolution(
            kernel: [2, 1], strides: [1, 1], dilations: [2, 1], padding: .same, inputChannels: 4, filters: 4, depthwise: true,
            weights: uniform(8, 1, &rng), bias: uniform(4, 0.25, &rng), reuse: reuse.dw)), inputs: ["mp"],
            precision: LayerPrecision(weight: .fixed(8, 2, .rnd), result: .fixed(14, 8, .rnd, .sat))))
        nodes.append(Node(name: "ap", op: .pool(Pooling(kind: .average, size: [1, 3], strides: [1, 1], padding: .same)), inputs: ["dw"],
                          precision: LayerPrecision(result: .fixed(12, 7, .rnd, .sat))))
        nodes.append(Node(name: "tr", op: .transpose([1, 0, 2]), inputs: ["ap"]))
        nodes.append(Node(name: "flat", op: .reshape([48]), inputs: ["tr"]))
        nodes.append(dense("fc", input: "flat", inputs: 48, units: 6, rng: &rng, precision: LayerPrecision(weight: .fixed(8, 2))))
        nodes.append(Node(name: "r2", op: .activation(.relu), inputs: ["fc"], precision: LayerPrecision(result: .ufixed(12, 6, .rnd, .sat))))
        nodes.append(dense("score", input: "r2", inputs: 6, units: 1, rng: &rng, precision: LayerPrecision(weight: .fixed(8, 2))))
        nodes.append(Node(name: "prob", op: .activation(.sigmoid(TableSettings(size: 256, range: 8))), inputs: ["score"]))
        return Graph(name: "calorimeter_conv", inputs: [GraphInput(name: "x", shape: [9, 7, 1], type: .ufixed(10, 8, .trn, .sat))],
                     nodes: nodes, outputs: ["prob", "mp"])
    }

    /// Conv1D corners and data movement on a sequence of 7 x 2: a dilated
    /// `same` convolution, a strided `valid` one, a broadcast add of a
    /// second input and a broadcast multiply, concatenation on the inner
    /// axis, a mean over 3 (rounded as declared), a max over positions,
    /// a reshape, and two outputs.
    public static func sequenceConv(seed: UInt64 = 13) -> Graph {
        var rng = Random(seed: seed)
        var nodes: [Node] = []
        nodes.append(Node(name: "c1", op: .conv(Convolution(
            kernel: [3], strides: [1], dilations: [2], padding: .same, inputChannels: 2, filters: 3,
            weights: uniform(18, 0.7, &rng), bias: uniform(3, 0.3, &rng))), inputs: ["x"],
            precision: LayerPrecision(weight: .fixed(8, 2, .rnd), result: .fixed(12, 5, .rnd, .sat))))
        nodes.append(Node(name: "c2", op: .conv(Convolution(
            kernel: [2], strides: [2], dilations: [1], padding: .valid, inputChannels: 3, filters: 2,
            weights: uniform(12, 0.7, &rng), bias: [0, 0])), inputs: ["c1"],
            precision: LayerPrecision(weight: .fixed(6, 1, .rnd), result: .fixed(10, 4, .rnd, .sat))))
        nodes.append(Node(name: "shifted", op: .add, inputs: ["c2", "s"], precision: LayerPrecision(result: .fixed(10, 4, .rnd, .sat))))
        nodes.append(Node(name: "scaled", op: .multiply, inputs: ["s", "shifted"], precision: LayerPrecision(result: .fixed(12, 5, .rndConv, .satSym))))
        nodes.append(Node(name: "both", op: .concatenate(axis: 1), inputs: ["scaled", "shifted"],
                          precision: LayerPrecision(result: .fixed(12, 5, .rnd, .sat))))
        nodes.append(Node(name: "mean3", op: .reduce(Reduction(kind: .mean, axes: [0])), inputs: ["both"],
                          precision: LayerPrecision(weight: .fixed(10, 1, .rnd), result: .fixed(10, 4, .rnd, .sat))))
        nodes.append(Node(name: "peak", op: .reduce(Reduction(kind: .max, axes: [0])), inputs: ["x"]))
        nodes.append(Node(name: "grid", op: .reshape([2, 6]), inputs: ["both"]))
        nodes.append(Node(name: "rows", op: .reduce(Reduction(kind: .sum, axes: [1])), inputs: ["grid"]))
        return Graph(name: "sequence_conv",
                     inputs: [GraphInput(name: "x", shape: [7, 2], type: .fixed(10, 3, .rnd, .sat)),
                              GraphInput(name: "s", shape: [2], type: .fixed(8, 2, .rnd, .sat))],
                     nodes: nodes, outputs: ["mean3", "peak", "rows"])
    }
}

import FixedPoint
import ModelIR
import SeededRandomness

/// Synthetic models with random weights, for tests and benchmarks: the same
/// seed gives the same model. Shapes follow the trigger models of
/// shared/PHYSICS.md; precisions are mixed on purpose.
public enum ModelZoo {
    /// A small deterministic generator (``SeededRandomness/SplitMix64``).
    public struct Random: Sendable {
        var generator: SplitMix64
        public init(seed: UInt64) { generator = SplitMix64(seed: seed) }
        public mutating func next() -> UInt64 { generator.next() }
        /// Uniform in [lo, hi).
        public mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
            lo + (hi - lo) * generator.unit()
        }
    }

    /// A dense node with weights uniform in ±`scale`/sqrt(inputs) and a
    /// fraction `sparsity` of them exactly zero.
    public static func dense(_ name: String, input: String, inputs: Int, units: Int, rng: inout Random,
                             sparsity: Double = 0.2, precision: LayerPrecision = LayerPrecision()) -> Node {
        let scale = 2.0 / Double(inputs).squareRoot()
        let weights = (0..<units).map { _ in
            (0..<inputs).map { _ in rng.uniform(0, 1) < sparsity ? 0 : rng.uniform(-scale, scale) }
        }
        let bias = (0..<units).map { _ in rng.uniform(-0.5, 0.5) }
        return Node(name: name, op: .dense(Dense(weights: weights, bias: bias)), inputs: [input], precision: precision)
    }

    /// A multilayer perceptron `sizes[0] -> ... -> sizes.last` with `hidden`
    /// activations between dense layers and `final` (if any) at the end.
    public static func mlp(name: String, sizes: [Int], seed: UInt64, inputType: FixedType,
                           hidden: Activation = .relu, final: Activation? = nil,
                           precisions: [LayerPrecision] = [], defaults: PrecisionDefaults = PrecisionDefaults()) -> Graph {
        var rng = Random(seed: seed)
        var nodes: [Node] = []
        var previous = "x"
        for l in 1..<sizes.count {
            let p = l - 1 < precisions.count ? precisions[l - 1] : LayerPrecision()
            nodes.append(dense("fc\(l)", input: previous, inputs: sizes[l - 1], units: sizes[l], rng: &rng, precision: p))
            previous = "fc\(l)"
            if l < sizes.count - 1 {
                nodes.append(Node(name: "act\(l)", op: .activation(hidden), inputs: [previous]))
                previous = "act\(l)"
            }
        }
        if let final {
            nodes.append(Node(name: "out", op: .activation(final), inputs: [previous]))
            previous = "out"
        }
        return Graph(name: name, inputs: [GraphInput(name: "x", shape: [sizes[0]], type: inputType)],
                     nodes: nodes, outputs: [previous], defaults: defaults)
    }

    /// One dense layer 8 -> 4 with a ReLU.
    public static func oneLayer(seed: UInt64 = 1) -> Graph {
        mlp(name: "one_layer", sizes: [8, 4], seed: seed,
            inputType: try! FixedType(parsing: "ap_fixed<10,4,AP_RND,AP_SAT>"), final: .relu,
            precisions: [LayerPrecision(weight: .fixed(8, 2), bias: .fixed(8, 3), result: .fixed(12, 5, .rnd, .sat))])
    }

    /// The jet-tagger shape 16 -> 64 -> 32 -> 32 -> 5 with mixed precisions; `final` softmax optional.
    public static func tagger(seed: UInt64 = 2, softmax: Bool = false) -> Graph {
        mlp(name: softmax ? "tagger_softmax" : "tagger", sizes: [16, 64, 32, 32, 5], seed: seed,
            inputType: try! FixedType(parsing: "ap_fixed<16,6,AP_RND,AP_SAT>"),
            final: softmax ? .softmax(SoftmaxTableSettings()) : nil,
            precisions: [
                LayerPrecision(weight: .fixed(8, 2), bias: .fixed(10, 4), result: .fixed(16, 6)),
                LayerPrecision(weight: try! FixedType(parsing: "ap_fixed<6,1,AP_RND_CONV>"), result: try! FixedType(parsing: "ap_fixed<14,6,AP_RND,AP_SAT>")),
                LayerPrecision(weight: .fixed(10, 3), accumulator: .fixed(24, 10), result: .fixed(16, 7, .rndZero, .wrap)),
                LayerPrecision(weight: .fixed(12, 4), result: .fixed(16, 6, .rnd, .sat)),
            ])
    }

    /// The autoencoder shape 57 -> 32 -> 16 -> 3 -> 16 -> 32 -> 57 with
    /// LeakyReLU, and the anomaly score (sum of squared errors) computed in the design.
    public static func autoencoder(seed: UInt64 = 3) -> Graph {
        var g = mlp(name: "autoencoder", sizes: [57, 32, 16, 3, 16, 32, 57], seed: seed,
                    inputType: try! FixedType(parsing: "ap_fixed<14,8,AP_RND,AP_SAT>"),
                    hidden: .leakyReLU(alpha: 0.3),
                    precisions: [
                        LayerPrecision(weight: .fixed(8, 1), result: .fixed(16, 8, .rnd, .sat)),
                        LayerPrecision(weight: .fixed(8, 1), result: .fixed(16, 8, .trn, .sat)),
                        LayerPrecision(weight: .fixed(8, 1)),
                        LayerPrecision(weight: .fixed(8, 1), result: .fixed(16, 8)),
                        LayerPrecision(weight: .fixed(8, 1), result: .fixed(16, 8, .rnd, .sat)),
                        LayerPrecision(weight: .fixed(8, 2), result: .fixed(16, 9, .rnd, .sat)),
                    ],
                    defaults: PrecisionDefaults(precision: .fixed(16, 8)))
        let reconstruction = g.outputs[0]
        g.nodes.append(Node(name: "err", op: .subtract, inputs: ["x", reconstruction],
                            precision: LayerPrecision(result: .fixed(18, 10, .rnd, .sat))))
        g.nodes.append(Node(name: "sq", op: .multiply, inputs: ["err", "err"],
                            precision: LayerPrecision(result: .ufixed(20, 12, .trn, .sat))))
        g.nodes.append(Node(name: "score", op: .sum, inputs: ["sq"],
                            precision: LayerPrecision(result: .ufixed(24, 18, .trn, .sat))))
        g.outputs = ["score"]
        return g
    }

    /// 8 -> 8 dense followed by a sigmoid table.
    public static func sigmoid(seed: UInt64 = 4) -> Graph {
        mlp(name: "sigmoid_model", sizes: [8, 8], seed: seed, inputType: .fixed(12, 4, .rnd, .sat),
            final: .sigmoid(TableSettings(size: 256, range: 8)),
            precisions: [LayerPrecision(weight: .fixed(8, 2), result: .fixed(14, 5))])
    }

    /// A graph (not a chain) exercising the other layer kinds: a batchnorm
    /// that folds, one that cannot (after a ReLU), tanh, concatenation of
    /// tensors of different types, add and multiply of two branches.
    public static func branchy(seed: UInt64 = 5) -> Graph {
        var rng = Random(seed: seed)
        func bn(_ name: String, _ input: String, _ n: Int) -> Node {
            Node(name: name, op: .batchNorm(BatchNorm(
                gamma: (0..<n).map { _ in rng.uniform(0.5, 1.5) }, beta: (0..<n).map { _ in rng.uniform(-0.3, 0.3) },
                mean: (0..<n).map { _ in rng.uniform(-0.2, 0.2) }, variance: (0..<n).map { _ in rng.uniform(0.5, 2) },
                epsilon: 0.001)), inputs: [input], precision: LayerPrecision(weight: .fixed(10, 3), result: .fixed(14, 6, .rnd, .sat)))
        }
        var nodes: [Node] = []
        nodes.append(dense("d1", input: "x", inputs: 10, units: 12, rng: &rng, precision: LayerPrecision(weight: .fixed(8, 2))))
        nodes.append(bn("bn1", "d1", 12))
        nodes.append(Node(name: "r1", op: .activation(.relu), inputs: ["bn1"], precision: LayerPrecision(result: .ufixed(12, 5))))
        nodes.append(bn("bn2", "r1", 12))
        nodes.append(dense("a", input: "bn2", inputs: 12, units: 6, rng: &rng, precision: LayerPrecision(weight: .fixed(8, 2), result: .fixed(12, 4))))
        nodes.append(Node(name: "ta", op: .activation(.tanh(TableSettings(size: 512, range: 4))), inputs: ["a"]))
        nodes.append(dense("b", input: "x", inputs: 10, units: 6, rng: &rng, precision: LayerPrecision(weight: .fixed(6, 1), result: .fixed(10, 5, .rnd, .sat))))
        nodes.append(Node(name: "lb", op: .activation(.leakyReLU(alpha: 0.125)), inputs: ["b"], precision: LayerPrecision(result: .fixed(11, 5))))
        nodes.append(Node(name: "sum_ab", op: .add, inputs: ["ta", "lb"]))
        nodes.append(Node(name: "prod_ab", op: .multiply, inputs: ["ta", "lb"], precision: LayerPrecision(result: .fixed(12, 4, .rndConv, .satSym))))
        nodes.append(Node(name: "cat", op: .concatenate(axis: -1), inputs: ["sum_ab", "prod_ab", "x"], precision: LayerPrecision(result: .fixed(14, 6, .rnd, .wrap))))
        nodes.append(dense("head", input: "cat", inputs: 22, units: 3, rng: &rng, precision: LayerPrecision(weight: .fixed(8, 2))))
        nodes.append(Node(name: "total", op: .sum, inputs: ["head"]))
        return Graph(name: "branchy", inputs: [GraphInput(name: "x", shape: [10], type: .fixed(10, 3, .rnd, .sat))],
                     nodes: nodes, outputs: ["head", "total"])
    }

    /// Per-element scales: a batchnorm on the model input (nothing to fold
    /// into) with one zero scale, its result left open and read by a ReLU; a
    /// batchnorm after a LeakyReLU with a declared result, a rounding
    /// accumulator and a ReLU after it; and a dense layer with a diagonal
    /// weight matrix at the end. All three lower to scale ops, the first two
    /// with their activations fused.
    public static func scales(seed: UInt64 = 7) -> Graph {
        var rng = Random(seed: seed)
        func bn(_ name: String, _ input: String, _ n: Int, zeroAt: Int? = nil, precision: LayerPrecision) -> Node {
            Node(name: name, op: .batchNorm(BatchNorm(
                gamma: (0..<n).map { $0 == zeroAt ? 0 : rng.uniform(0.4, 1.6) * (rng.uniform(0, 1) < 0.25 ? -1 : 1) },
                beta: (0..<n).map { _ in rng.uniform(-0.5, 0.5) }, mean: (0..<n).map { _ in rng.uniform(-0.3, 0.3) },
                variance: (0..<n).map { _ in rng.uniform(0.5, 2) }, epsilon: 0.001)), inputs: [input], precision: precision)
        }
        var nodes: [Node] = []
        nodes.append(bn("bn_in", "x", 8, zeroAt: 5, precision: LayerPrecision(weight: .fixed(10, 3), bias: .fixed(10, 3))))
        nodes.append(Node(name: "r0", op: .activation(.relu), inputs: ["bn_in"], precision: LayerPrecision(result: .ufixed(12, 5, .rnd, .sat))))
        nodes.append(dense("d1", input: "r0", inputs: 8, units: 6, rng: &rng,
                           precision: LayerPrecision(weight: .fixed(8, 2), result: .fixed(14, 6, .rnd, .sat))))
        nodes.append(Node(name: "l1", op: .activation(.leakyReLU(alpha: 0.25)), inputs: ["d1"], precision: LayerPrecision(result: .fixed(12, 5))))
        nodes.append(bn("bn_mid", "l1", 6, precision: LayerPrecision(weight: .fixed(8, 2, .rnd), bias: .fixed(8, 3),
                                                                     accumulator: .fixed(16, 7, .rnd), result: .fixed(12, 5, .rndConv, .sat))))
        nodes.append(Node(name: "r2", op: .activation(.relu), inputs: ["bn_mid"], precision: LayerPrecision(result: .ufixed(10, 4, .rnd, .sat))))
        nodes.append(dense("d2", input: "r2", inputs: 6, units: 3, rng: &rng, precision: LayerPrecision(weight: .fixed(8, 2))))
        nodes.append(Node(name: "diag", op: .dense(Dense(weights: [[0.75, 0, 0], [0, -1.25, 0], [0, 0, 0.5]], bias: [0.125, 0, -0.25])),
                          inputs: ["d2"], precision: LayerPrecision(weight: .fixed(6, 2), bias: .fixed(6, 2), result: .fixed(14, 6, .rnd, .sat))))
        return Graph(name: "scales", inputs: [GraphInput(name: "x", shape: [8], type: .fixed(12, 4, .rnd, .sat))],
                     nodes: nodes, outputs: ["diag"])
    }

    /// Every synthetic model, by name (for CLI demos, tests and benches).
    public static let all: [(name: String, make: @Sendable () -> Graph)] = [
        ("one_layer", { oneLayer() }), ("tagger", { tagger() }), ("tagger_softmax", { tagger(softmax: true) }),
        ("autoencoder", { autoencoder() }), ("sigmoid_model", { sigmoid() }), ("branchy", { branchy() }),
        ("scales", { scales() }),
    ]
}

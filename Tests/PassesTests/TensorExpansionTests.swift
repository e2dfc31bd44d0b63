import FixedPoint
import ModelFormat
import ModelIR
import ModelZoo
import Passes
import Reference
import Testing

/// ExpandTensorOps: what the flat ops compute equals the layer definitions
/// (Keras semantics, channels last), checked against direct loops and hand
/// values; the shapes it reports; the batchnorm it lets fold.
@Suite struct TensorExpansionTests {
    /// A direct 2D convolution, channels last, Keras/TensorFlow `same`
    /// padding (the smaller half before), in plain loops.
    static func directConv2D(_ x: [Double], h: Int, w: Int, c: Int, _ k: Convolution) -> [Double] {
        func geometry(_ n: Int, _ kernel: Int, _ stride: Int, _ dilation: Int) -> (out: Int, before: Int) {
            let span = (kernel - 1) * dilation + 1
            switch k.padding {
            case .same:
                let out = (n + stride - 1) / stride
                return (out, max((out - 1) * stride + span - n, 0) / 2)
            default:
                return ((n - span) / stride + 1, 0)
            }
        }
        let (oh, top) = geometry(h, k.kernel[0], k.strides[0], k.dilations[0])
        let (ow, left) = geometry(w, k.kernel[1], k.strides[1], k.dilations[1])
        var y: [Double] = []
        for oy in 0..<oh {
            for ox in 0..<ow {
                for f in 0..<k.filters {
                    var acc = k.bias[f]
                    for ky in 0..<k.kernel[0] {
                        for kx in 0..<k.kernel[1] {
                            let iy = oy * k.strides[0] - top + ky * k.dilations[0]
                            let ix = ox * k.strides[1] - left + kx * k.dilations[1]
                            guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                            for ch in 0..<c where !k.depthwise || ch == f {
                                let weight = k.depthwise ? k.weights[(ky * k.kernel[1] + kx) * c + ch]
                                    : k.weights[((ky * k.kernel[1] + kx) * c + ch) * k.filters + f]
                                acc += weight * x[(iy * w + ix) * c + ch]
                            }
                        }
                    }
                    y.append(acc)
                }
            }
        }
        return y
    }

    func input(_ n: Int, seed: UInt64) -> [Double] {
        var rng = ModelZoo.Random(seed: seed)
        return (0..<n).map { _ in rng.uniform(-2, 2) }
    }

    /// (padding, stride, dilation, depthwise): every combination.
    static let convolutionCases: [String] = [Padding.valid, .same].flatMap { p in
        [1, 2].flatMap { s in [1, 2].flatMap { d in [false, true].map { "\(p.name) \(s) \(d) \($0)" } } }
    }

    @Test(arguments: convolutionCases)
    func convolutionEqualsDirectLoops(_ spec: String) throws {
        let parts = spec.split(separator: " ")
        let padding: Padding = parts[0] == "same" ? .same : .valid
        let stride = Int(parts[1])!, dilation = Int(parts[2])!, depthwise = parts[3] == "true"
        var rng = ModelZoo.Random(seed: 5)
        let (h, w, c) = (7, 6, 3)
        let filters = depthwise ? c : 4
        let count = depthwise ? 3 * 2 * c : 3 * 2 * c * filters
        let conv = Convolution(kernel: [3, 2], strides: [stride, 1], dilations: [1, dilation], padding: padding, inputChannels: c,
                               filters: filters, depthwise: depthwise, weights: (0..<count).map { _ in rng.uniform(-1, 1) },
                               bias: (0..<filters).map { _ in rng.uniform(-1, 1) })
        let g = Graph(name: "c", inputs: [GraphInput(name: "x", shape: [h, w, c])],
                      nodes: [Node(name: "conv", op: .conv(conv), inputs: ["x"])], outputs: ["conv"])
        let x = input(h * w * c, seed: 9)
        let got = FloatEvaluator(g).trace(x[...])["conv"]!
        let want = Self.directConv2D(x, h: h, w: w, c: c, conv)
        #expect(got.count == want.count)
        for (a, b) in zip(got, want) { #expect(abs(a - b) < 1e-12) }
    }

    /// Hand values: a 1D `same` convolution of [1, 2, 3, 4] with kernel
    /// [1, 10, 100] pads one zero on each side; stride 2 keeps positions 0 and 2.
    @Test func conv1DSameByHand() throws {
        let conv = Convolution(kernel: [3], strides: [2], dilations: [1], padding: .same, inputChannels: 1, filters: 1,
                               weights: [1, 10, 100], bias: [0.5])
        let g = Graph(name: "c", inputs: [GraphInput(name: "x", shape: [4, 1])],
                      nodes: [Node(name: "conv", op: .conv(conv), inputs: ["x"])], outputs: ["conv"])
        // out = ceil(4/2) = 2, total padding (2-1)*2 + 3 - 4 = 1: 0 before, 1 after.
        #expect(try g.tensorShapes()["conv"] == [2, 1])
        // Position 0 reads [0, 1, 2] (no padding before), position 1 reads [3, 4, pad].
        let want: [Double] = [321.5, 43.5]
        #expect(FloatEvaluator(g).trace([1, 2, 3, 4])["conv"] == want)
    }

    @Test func poolingAndReductionsByHand() throws {
        // A 3 x 2 x 1 grid: 1 2 / 3 4 / 5 6.
        let x: [Double] = [1, 2, 3, 4, 5, 6]
        func run(_ op: Op) -> [Double] {
            let g = Graph(name: "p", inputs: [GraphInput(name: "x", shape: [3, 2, 1])],
                          nodes: [Node(name: "y", op: op, inputs: ["x"])], outputs: ["y"])
            return FloatEvaluator(g).trace(x[...])["y"]!
        }
        #expect(run(.pool(Pooling(kind: .max, size: [2, 2], strides: [1, 1], padding: .valid))) == [4, 6])
        // `same` 2x2 on 3x2: out 3x2, padding only after; averages count the cells inside.
        #expect(run(.pool(Pooling(kind: .average, size: [2, 2], strides: [1, 1], padding: .same)))
                == [2.5, 3, 4.5, 5, 5.5, 6])
        #expect(run(.reduce(Reduction(kind: .sum, axes: [0]))) == [9, 12])
        #expect(run(.reduce(Reduction(kind: .max, axes: [1, 2]))) == [2, 4, 6])
        #expect(run(.reduce(Reduction(kind: .mean, axes: [0, 1, 2]))) == [3.5])
        #expect(run(.transpose([1, 0, 2])) == [1, 3, 5, 2, 4, 6])
    }

    @Test func broadcastingAndInnerConcatenation() throws {
        let g = Graph(name: "b", inputs: [GraphInput(name: "a", shape: [2, 3]), GraphInput(name: "v", shape: [3]),
                                          GraphInput(name: "col", shape: [2, 1])],
                      nodes: [Node(name: "s", op: .add, inputs: ["a", "v"]),
                              Node(name: "m", op: .multiply, inputs: ["col", "v"]),
                              Node(name: "k", op: .concatenate(axis: 1), inputs: ["s", "col"])],
                      outputs: ["s", "m", "k"])
        let t = FloatEvaluator(g).trace([1, 2, 3, 4, 5, 6, 10, 20, 30, 2, 3])
        #expect(t["s"] == [11, 22, 33, 14, 25, 36])
        #expect(t["m"] == [20, 40, 60, 30, 60, 90])
        #expect(t["k"] == [11, 22, 33, 2, 14, 25, 36, 3])
        #expect(try g.tensorShapes()["k"] == [2, 4])
    }

    /// A per-channel batchnorm after a per-particle dense layer folds into
    /// its shared weights: one linear op, and the same float function.
    @Test func perChannelBatchNormFoldsIntoSharedWeights() throws {
        let g = ModelZoo.deepSets()
        let flat = try ExpandTensorOps.run(g)
        let (folded, log) = FoldBatchNorm.run(flat)
        #expect(log.contains { $0.contains("'bn1'") })
        guard case .linear(let l) = folded.nodes.first(where: { $0.name == "bn1" })?.op else {
            Issue.record("bn1 did not fold into the per-particle layer")
            return
        }
        #expect(l.weights.count == 48 && l.rows.count == 256)
        let x = input(48, seed: 3)
        let a = FloatEvaluator(g).trace(x[...])["rho"]!, b = FloatEvaluator(folded).trace(x[...])["rho"]!
        for (u, v) in zip(a, b) { #expect(abs(u - v) < 1e-9) }
    }

    /// Shared parameters are quantized once: an overflowing kernel weight is
    /// counted once, not once per output position.
    @Test func sharedWeightsOverflowCountedOnce() throws {
        let conv = Convolution(kernel: [2], strides: [1], dilations: [1], padding: .valid, inputChannels: 1, filters: 1,
                               weights: [40, 0.5], bias: [0])
        let g = Graph(name: "o", inputs: [GraphInput(name: "x", shape: [10, 1], type: .fixed(8, 3))],
                      nodes: [Node(name: "conv", op: .conv(conv), inputs: ["x"], precision: LayerPrecision(weight: .fixed(8, 3)))],
                      outputs: ["conv"])
        let result = try Pipeline.run(g)
        #expect(result.overflows.count == 1)
        #expect(result.overflows.first?.count == 1 && result.overflows.first?.total == 2)
    }

    /// A convolution's `reuse` is written only when above 1 and reads back;
    /// the flat layer keeps the kernel layout, whose rows are the layer's rows.
    @Test func aConvolutionsReuseRoundTripsAndItsLayoutStatesItsRows() throws {
        let g = ModelZoo.calorimeterConv(reuse: (2, 3))
        let back = try ModelDecoder.decode(Data(ModelEncoder.encode(g).utf8))
        #expect(back.nodes.map(\.op) == g.nodes.map(\.op))
        #expect(!ModelEncoder.encode(ModelZoo.calorimeterConv()).contains("reuse"))
        let flat = try ExpandTensorOps.run(g)
        guard case .linear(let l) = flat.nodes.first(where: { $0.name == "dw" })?.op, let m = l.multiplex else {
            Issue.record("dw has no kernel layout")
            return
        }
        #expect(m.reuse == 3 && m.windows.count == 12 && m.kernel.count == 4)
        for (p, window) in m.windows.enumerated() {
            for (f, kernel) in m.kernel.enumerated() {
                let fromLayout = kernel.compactMap { t in window[t.input].map { SparseLinear.Term(input: $0, parameter: t.parameter) } }
                #expect(Set(fromLayout) == Set(l.rows[p * 4 + f]))
            }
        }
    }

    /// The model.json encoding of every tensor layer reads back to the same graph.
    @Test(arguments: ["deep_sets", "calorimeter_conv", "sequence_conv"])
    func encodedTensorModelsDecodeToTheSameGraph(name: String) throws {
        let g = ModelZoo.all.first { $0.name == name }!.make()
        let text = ModelEncoder.encode(g)
        let back = try ModelDecoder.decode(Data(text.utf8))
        #expect(back.nodes.map(\.op) == g.nodes.map(\.op))
        #expect(try back.tensorShapes() == g.tensorShapes())
        // The flat ops (what ExpandTensorOps writes) have a model.json form as well.
        let flat = try ExpandTensorOps.run(g)
        let flatBack = try ModelDecoder.decode(Data(ModelEncoder.encode(flat).utf8))
        #expect(flatBack.nodes.map(\.op) == flat.nodes.map(\.op))
    }
}

import Foundation

/// A layer whose flat form would not fit in memory is refused before it is built.
@Suite struct TensorExpansionLimitTests {
    @Test func aConvolutionThatExpandsTooFarIsRefusedNamingTheLayer() throws {
        // 1,000 positions x 1,000 filters x 1,000 channels x 3 taps: 3 * 10^9 terms.
        let conv = Convolution(kernel: [3], strides: [1], dilations: [1], padding: .same, inputChannels: 1000, filters: 1000,
                               weights: [Double](repeating: 0.5, count: 3 * 1000 * 1000), bias: [Double](repeating: 0, count: 1000))
        let g = Graph(name: "big", inputs: [GraphInput(name: "x", shape: [1000, 1000])],
                      nodes: [Node(name: "wide", op: .conv(conv), inputs: ["x"])], outputs: ["wide"])
        let error = #expect(throws: LoweringError.self) { _ = try ExpandTensorOps.run(g) }
        #expect(error?.layer == "wide")
        #expect(error?.message.contains("expands to 3000000000 terms") == true)
    }
}

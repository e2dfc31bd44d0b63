import Foundation
import FixedPoint
import Datasets

/// The fixed-point types of one layer, as written to model.json.
public struct LayerTypes: Sendable, Equatable {
    public var weight: FixedType?
    public var bias: FixedType?
    public var result: FixedType?
    public var alpha: FixedType?

    public init(weight: FixedType? = nil, bias: FixedType? = nil, result: FixedType? = nil, alpha: FixedType? = nil) {
        self.weight = weight
        self.bias = bias
        self.result = result
        self.alpha = alpha
    }
}

/// Every type a quantized model declares: the input type and per-layer types.
public struct PrecisionPlan: Sendable, Equatable {
    public var input: FixedType
    public var layers: [String: LayerTypes]

    public init(input: FixedType, layers: [String: LayerTypes] = [:]) {
        self.input = input
        self.layers = layers
    }
}

/// How post-training quantization picks types from calibration data.
public struct CalibrationSettings: Sendable, Equatable {
    /// Total widths; the integer bits come from the observed ranges.
    public var weightWidth = 8
    public var biasWidth = 12
    public var resultWidth = 16
    /// Observed magnitudes are multiplied by this before choosing integer
    /// bits, so that unseen events rarely saturate (2 = one spare bit).
    public var margin = 1.5
    /// LeakyReLU slope type.
    public var alphaType = FixedType.ufixed(8, 0, .rnd)
    /// Types the user fixed for named layers; calibration fills the rest.
    public var overrides: [String: LayerTypes] = [:]

    public init() {}
}

/// Preparing a float network for fixed point.
public enum Quantization {
    /// Folds every batch normalisation that directly follows a dense layer
    /// into that layer (in float, as the compiler does), so that QAT trains
    /// exactly the arithmetic the design computes. The folded dense keeps the
    /// batchnorm's name, as the compiler's FoldBatchNorm does.
    public static func foldBatchNorm(_ network: Network) -> Network {
        var out: [any TrainableLayer] = []
        for layer in network.layers {
            if let bn = layer as? BatchNormLayer, let dense = out.last as? DenseLayer {
                var w = dense.weights, b = dense.bias
                for j in 0..<dense.units {
                    let s = Double(bn.gamma[j]) / (Double(bn.runningVariance[j]) + Double(bn.epsilon)).squareRoot()
                    for k in 0..<dense.inputs { w[k * dense.units + j] = Float(Double(w[k * dense.units + j]) * s) }
                    b[j] = Float((Double(b[j]) - Double(bn.runningMean[j])) * s + Double(bn.beta[j]))
                }
                var folded = DenseLayer(name: bn.name, inputs: dense.inputs, units: dense.units, weights: w, bias: b)
                folded.trainable = dense.trainable
                folded.l1 = dense.l1
                folded.l2 = dense.l2
                out[out.count - 1] = folded
            } else if let bn = layer as? BatchNormLayer, let conv = out.last as? ConvolutionLayer,
                      let folded = fold(bn, into: conv) {
                out[out.count - 1] = folded
            } else {
                out.append(layer)
            }
        }
        return Network(inputShape: network.inputShape, layers: out, inputQuantizer: network.inputQuantizer)
    }

    /// Installs the plan's fake quantizers on every layer it names.
    public static func apply(_ plan: PrecisionPlan, to network: Network) -> Network {
        var net = network
        net.inputQuantizer = FakeQuantizer(plan.input)
        for i in net.layers.indices {
            if let tensorLayer = installTensorQuantizers(plan, on: net.layers[i]) {
                net.layers[i] = tensorLayer
                continue
            }
            guard let types = plan.layers[net.layers[i].name] else { continue }
            if var dense = net.layers[i] as? DenseLayer {
                dense.weightQuantizer = types.weight.map(FakeQuantizer.init)
                dense.biasQuantizer = types.bias.map(FakeQuantizer.init)
                dense.resultQuantizer = types.result.map(FakeQuantizer.init)
                net.layers[i] = dense
            } else if var act = net.layers[i] as? ActivationLayer {
                act.resultQuantizer = types.result.map(FakeQuantizer.init)
                act.alphaQuantizer = types.alpha.map(FakeQuantizer.init)
                net.layers[i] = act
            }
        }
        return net
    }

    /// Post-training quantization: per-layer types from the ranges the
    /// (BN-folded) network shows on `calibration` events. Weights and biases
    /// get the integer bits their largest magnitude needs; results get those
    /// of the largest observed magnitude times `margin`; the fractional bits
    /// are what the width leaves. Results and weights round (AP_RND) and
    /// saturate (AP_SAT), so an unseen large value clips instead of wrapping.
    /// Softmax, sigmoid and tanh keep the compiler's default result types.
    public static func calibrate(_ network: Network, inputType: FixedType, calibration: Matrix,
                                 settings: CalibrationSettings) -> PrecisionPlan {
        var net = network
        net.inputQuantizer = FakeQuantizer(inputType)
        var rng = SeededRandom(seed: 0)
        var maxAbs = [Double](repeating: 0, count: net.layers.count)
        var ranges: [String: Double] = [:]
        for b in stride(from: 0, to: calibration.rows, by: 4096) {
            let idx = Array(b..<min(b + 4096, calibration.rows))
            let outs = net.forwardAll(calibration.gatherRows(idx[...]), training: false, rng: &rng)
            for i in net.layers.indices {
                for v in outs[i + 1].data { maxAbs[i] = max(maxAbs[i], Double(abs(v))) }
                ranges[net.layers[i].name] = maxAbs[i]
                ranges.merge(branchRanges(net.layers[i], input: outs[i]), uniquingKeysWith: max)
            }
        }
        var plan = PrecisionPlan(input: inputType)
        for layer in net.layers {
            for (name, types) in tensorTypes(layer, maxAbs: ranges, settings: settings) {
                plan.layers[name] = overridden(types, by: settings.overrides[name])
            }
        }
        for (i, layer) in net.layers.enumerated() {
            var types = LayerTypes()
            if let dense = layer as? DenseLayer {
                types.weight = fitting(dense.weights.map { Double(abs($0)) }.max() ?? 0, width: settings.weightWidth)
                types.bias = fitting(dense.bias.map { Double(abs($0)) }.max() ?? 0, width: settings.biasWidth)
                types.result = fitting(maxAbs[i] * settings.margin, width: settings.resultWidth)
            } else if let act = layer as? ActivationLayer {
                switch act.kind {
                case .linear, .relu, .leakyReLU:
                    types.result = fitting(maxAbs[i] * settings.margin, width: settings.resultWidth)
                    if case .leakyReLU = act.kind { types.alpha = settings.alphaType }
                default:
                    continue
                }
            } else {
                continue
            }
            plan.layers[layer.name] = overridden(types, by: settings.overrides[layer.name])
        }
        return plan
    }

    /// `types` with the user's fixed types (`quantization.overrides`) in place.
    static func overridden(_ types: LayerTypes, by o: LayerTypes?) -> LayerTypes {
        guard let o else { return types }
        var t = types
        t.weight = o.weight ?? t.weight
        t.bias = o.bias ?? t.bias
        t.result = o.result ?? t.result
        t.alpha = o.alpha ?? t.alpha
        return t
    }

    /// `ap_fixed<width, I, AP_RND, AP_SAT>` with the fewest integer bits `I`
    /// whose largest value is at least `magnitude` (I may be negative for
    /// small values, at least `1 - width + 1` so that some bits remain).
    public static func fitting(_ magnitude: Double, width: Int) -> FixedType {
        var i = 1 - width + 2
        while i < width + 40, pow2(i - 1) - pow2(i - width) < magnitude { i += 1 }
        return try! FixedType(signed: true, width: width, integerBits: i, quantization: .rnd, overflow: .sat)
    }
}

extension Quantization {
    /// `ap_ufixed<width, I, AP_RND, AP_SAT>` with the fewest integer bits
    /// whose largest value is at least `magnitude`.
    public static func fittingUnsigned(_ magnitude: Double, width: Int) -> FixedType {
        var i = 2 - width
        while i < width + 40, pow2(i) - pow2(i - width) < magnitude { i += 1 }
        return try! FixedType(signed: false, width: width, integerBits: i, quantization: .rnd, overflow: .sat)
    }

    /// Types for an autoencoder's score head from the ranges on calibration
    /// (background) events: the difference and square with `margin`, the
    /// score so that the largest background score fits with `margin`.
    /// Signal scores beyond it saturate, which keeps them above any
    /// threshold set on background.
    public static func calibrateScoreHead(_ model: TrainedModel, target: String, calibration: Matrix,
                                          width: Int, scoreWidth: Int, margin: Double) -> ScoreHead {
        var probe = model
        probe.scoreHead = ScoreHead(target: target)
        guard let t = model.network.index(of: target) else { return ScoreHead(target: target) }
        var maxDiff = 0.0, maxSquare = 0.0, maxScore = 0.0
        for r in 0..<calibration.rows {
            let x = (0..<calibration.columns).map { Double(calibration[r, $0]) }
            let trace = model.network.traceDouble(x)
            var s = 0.0
            for (a, b) in zip(trace[t], trace.last!) {
                let d = abs(a - b)
                maxDiff = max(maxDiff, d)
                maxSquare = max(maxSquare, d * d)
                s += d * d
            }
            maxScore = max(maxScore, s)
        }
        return ScoreHead(target: target,
                         difference: fitting(maxDiff * margin, width: width),
                         square: fittingUnsigned(maxSquare * margin * margin, width: width),
                         score: fittingUnsigned(maxScore * margin, width: scoreWidth))
    }
}

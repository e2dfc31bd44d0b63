import Datasets
import ModelIR

/// One layer of a network description (the `layers` list of a training config).
public enum LayerSpec: Sendable, Equatable {
    case dense(units: Int)
    case batchNorm
    case dropout(rate: Double)
    case activation(ActivationKind)
    /// A frozen per-element scaling `y_i = s_i x_i` (a dense layer with a
    /// diagonal kernel, no bias): brings inputs in hardware units to O(1)
    /// inside the model. Powers of two keep it exact in fixed point. On a
    /// tensor, one factor a channel scales every position and keeps the shape
    /// (one factor a value flattens it).
    case scale([Double])
    /// A convolution over `[spatial..., channels]` (1-D or 2-D by the
    /// kernel's rank); depthwise: one filter per channel (`filters` ignored).
    case conv(filters: Int, window: WindowSpec, depthwise: Bool)
    /// Max or average pooling, each channel alone.
    case pool(Pooling.Kind, WindowSpec)
    /// A sum, mean or max over `axes` (nil: every axis but the last).
    case reduce(Reduction.Kind, axes: [Int]?)
    case flatten
    case reshape([Int])
    /// Axes permuted as numpy's `transpose(perm)`.
    case transpose([Int])
    /// Parameter-free branches over the same input, joined (see ``ConcatenateLayer``).
    indirect case concatenate([LayerSpec])
}

/// Builds networks from layer descriptions, naming layers the way the
/// exported model.json shows them: `scale`, `fc1`, `bn1`, `relu1`, `conv1`,
/// `maxpool1`, `sum1`, `flatten1`, `concat1`, ...
public enum NetworkBuilder {
    public static func build(inputSize: Int, layers specs: [LayerSpec], seed: UInt64,
                             l1: Double = 0, l2: Double = 0) throws(TrainingError) -> Network {
        try build(inputShape: [inputSize], layers: specs, seed: seed, l1: l1, l2: l2)
    }

    /// A network over events of `inputShape` (channels last). Every layer's
    /// shape follows the compiler's rules; one that does not fit is an error
    /// naming the entry and field (`layers[2].conv2d.kernel_size: ...`).
    public static func build(inputShape: [Int], layers specs: [LayerSpec], seed: UInt64,
                             l1: Double = 0, l2: Double = 0) throws(TrainingError) -> Network {
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 >= 1 }), let inputSize = Shapes.count(inputShape),
              inputSize <= TrainLimits.maxDataValues else {
            throw .invalidSetting("input_shape: \(inputShape) is not a list of positive sizes of at most \(TrainLimits.maxDataValues) values")
        }
        var shape = inputShape
        var parameters = 0
        var rng = SeededRandom(seed: seed).fork(0x1A7E5)
        var layers: [any TrainableLayer] = []
        var size = inputSize
        var counts: [String: Int] = [:]
        func next(_ prefix: String) -> String {
            counts[prefix, default: 0] += 1
            return "\(prefix)\(counts[prefix]!)"
        }
        for (i, spec) in specs.enumerated() {
            if spec.isTensorLayer {
                var (layer, out) = try tensorLayer(spec, shape: shape, place: "layers[\(i)]", parameters: &parameters, rng: &rng, next: next)
                if var conv = layer as? ConvolutionLayer {
                    conv.l1 = Float(l1)
                    conv.l2 = Float(l2)
                    layer = conv
                }
                layers.append(layer)
                shape = out
                size = Shapes.count(out)!
                continue
            }
            switch spec {
            case .dense(let units):
                guard (1...TrainLimits.maxUnits).contains(units) else {
                    throw .invalidSetting("dense units must be from 1 to \(TrainLimits.maxUnits), got \(units)")
                }
                // Over the last axis of a tensor: the same weights at every position.
                let inputs = shape.last!
                parameters += inputs * units + units
                guard parameters <= TrainLimits.maxParameters else {
                    throw .invalidSetting("layers[\(i)].dense: \(inputs * units + units) parameters bring the network to \(parameters); the limit is \(TrainLimits.maxParameters) parameters")
                }
                var d = DenseLayer(name: next("fc"), inputs: inputs, units: units, rng: &rng)
                d.l1 = Float(l1)
                d.l2 = Float(l2)
                layers.append(d)
                shape = shape.dropLast() + [units]
                size = Shapes.count(shape)!
            case .batchNorm:
                // Per channel on a tensor (Keras axis=-1), per value on a vector.
                layers.append(BatchNormLayer(name: next("bn"), size: shape.last!))
            case .dropout(let rate):
                guard rate >= 0, rate < 1 else { throw .invalidSetting("dropout rate must be in [0, 1)") }
                layers.append(DropoutLayer(name: next("dropout"), rate: Float(rate)))
            case .activation(let kind):
                let prefix: String
                switch kind {
                case .linear: prefix = "linear"
                case .relu: prefix = "relu"
                case .leakyReLU: prefix = "lrelu"
                case .sigmoid: prefix = "sigmoid"
                case .tanh: prefix = "tanh"
                case .softmax: prefix = "softmax"
                }
                if kind == .softmax, shape.count > 1 {
                    throw .invalidSetting("layers[\(i)].activation: softmax is over a vector; its input has shape \(Shapes.text(shape)) (flatten or reduce it first)")
                }
                layers.append(ActivationLayer(name: next(prefix), kind: kind))
            case .scale(let s):
                // On a tensor, one factor per channel (the last axis) keeps the shape: the
                // diagonal kernel is then applied at every position, as a tensor dense layer.
                let perChannel = shape.count > 1 && s.count == shape.last!
                guard s.count == size || perChannel else {
                    throw .invalidSetting(shape.count > 1
                        ? "scale has \(s.count) factors for a tensor of shape \(Shapes.text(shape)): give one a channel (\(shape.last!)) or one a value (\(size))"
                        : "scale has \(s.count) factors for \(size) values")
                }
                counts["scale", default: 0] += 1
                let n = counts["scale"]!
                layers.append(DenseLayer.diagonal(name: n == 1 ? "scale" : "scale\(n)", scales: s))
                if !perChannel { shape = [size] }
            default:
                break
            }
        }
        return Network(inputShape: inputShape, layers: layers)
    }
}

extension DenseLayer {
    /// A frozen diagonal dense layer: `y_i = scales[i] * x_i`.
    public static func diagonal(name: String, scales: [Double]) -> DenseLayer {
        let n = scales.count
        var w = [Float](repeating: 0, count: n * n)
        for i in 0..<n { w[i * n + i] = Float(scales[i]) }
        var d = DenseLayer(name: name, inputs: n, units: n, weights: w, bias: [Float](repeating: 0, count: n))
        d.trainable = false
        return d
    }
}

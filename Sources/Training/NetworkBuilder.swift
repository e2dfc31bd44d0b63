import Datasets

/// One layer of a network description (the `layers` list of a training config).
public enum LayerSpec: Sendable, Equatable {
    case dense(units: Int)
    case batchNorm
    case dropout(rate: Double)
    case activation(ActivationKind)
    /// A frozen per-element scaling `y_i = s_i x_i` (a dense layer with a
    /// diagonal kernel, no bias): brings inputs in hardware units to O(1)
    /// inside the model. Powers of two keep it exact in fixed point.
    case scale([Double])
}

/// Builds networks from layer descriptions, naming layers the way the
/// exported model.json shows them: `scale`, `fc1`, `bn1`, `relu1`, ...
public enum NetworkBuilder {
    public static func build(inputSize: Int, layers specs: [LayerSpec], seed: UInt64,
                             l1: Double = 0, l2: Double = 0) throws(TrainingError) -> Network {
        var rng = SeededRandom(seed: seed).fork(0x1A7E5)
        var layers: [any TrainableLayer] = []
        var size = inputSize
        var counts: [String: Int] = [:]
        func next(_ prefix: String) -> String {
            counts[prefix, default: 0] += 1
            return "\(prefix)\(counts[prefix]!)"
        }
        for spec in specs {
            switch spec {
            case .dense(let units):
                guard (1...TrainLimits.maxUnits).contains(units) else {
                    throw .invalidSetting("dense units must be from 1 to \(TrainLimits.maxUnits), got \(units)")
                }
                var d = DenseLayer(name: next("fc"), inputs: size, units: units, rng: &rng)
                d.l1 = Float(l1)
                d.l2 = Float(l2)
                layers.append(d)
                size = units
            case .batchNorm:
                layers.append(BatchNormLayer(name: next("bn"), size: size))
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
                layers.append(ActivationLayer(name: next(prefix), kind: kind))
            case .scale(let s):
                guard s.count == size else { throw .invalidSetting("scale has \(s.count) factors for \(size) values") }
                counts["scale", default: 0] += 1
                let n = counts["scale"]!
                layers.append(DenseLayer.diagonal(name: n == 1 ? "scale" : "scale\(n)", scales: s))
            }
        }
        return Network(inputSize: inputSize, layers: layers)
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

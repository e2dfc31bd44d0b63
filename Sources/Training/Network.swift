import Datasets

/// A sequential network: an optional input fake-quantizer (QAT: inputs are
/// converted to the model's input type first), then the layers in order.
public struct Network: Sendable {
    public var inputSize: Int
    /// The shape of one event (channels last); `[inputSize]` for a vector.
    public var inputShape: [Int]
    public var layers: [any TrainableLayer]
    /// QAT: the input type's quantization, applied before the first layer.
    public var inputQuantizer: FakeQuantizer?

    public init(inputSize: Int, layers: [any TrainableLayer], inputQuantizer: FakeQuantizer? = nil) {
        self.init(inputShape: [inputSize], layers: layers, inputQuantizer: inputQuantizer)
    }

    /// A network over events of shape `inputShape` (C order, channels last).
    public init(inputShape: [Int], layers: [any TrainableLayer], inputQuantizer: FakeQuantizer? = nil) {
        self.inputSize = inputShape.reduce(1, *)
        self.inputShape = inputShape
        self.layers = layers
        self.inputQuantizer = inputQuantizer
    }

    public var outputSize: Int {
        layers.reduce(inputSize) { $1.outputSize(inputSize: $0) }
    }

    /// Index of the layer named `name`.
    public func index(of name: String) -> Int? { layers.firstIndex { $0.name == name } }

    /// Forward pass over a batch; `outputs` also returns each layer's output.
    public mutating func forward(_ x: Matrix, training: Bool, rng: inout SeededRandom) -> Matrix {
        forwardAll(x, training: training, rng: &rng).last!
    }

    /// The quantized input (index 0) and every layer's output (index i+1).
    public mutating func forwardAll(_ x: Matrix, training: Bool, rng: inout SeededRandom) -> [Matrix] {
        var h = x
        if let q = inputQuantizer { _ = q.applyInPlace(&h.data, mask: false) }
        var all = [h]
        for i in layers.indices {
            h = layers[i].forward(h, training: training, rng: &rng)
            all.append(h)
        }
        return all
    }

    /// Back-propagates `gradient` (with respect to the output of layer
    /// `lastLayer`, default the last) down to the first layer.
    public mutating func backward(_ gradient: Matrix, from lastLayer: Int? = nil) {
        var g = gradient
        for i in stride(from: lastLayer ?? layers.count - 1, through: 0, by: -1) {
            g = layers[i].backward(g)
        }
    }

    /// Applies the optimizer to every trainable parameter array.
    public mutating func update(with optimizer: inout Optimizer) {
        for i in layers.indices {
            layers[i].updateParameters { slot, parameters, gradient in
                optimizer.step(slot: i * 8 + slot, parameters: &parameters, gradient: gradient)
            }
        }
    }

    /// Sum of the layers' weight penalties.
    public func penalty() -> Double { layers.reduce(0) { $0 + $1.penalty() } }

    /// Inference on one event in Double, with the training-time fake
    /// quantization (see ``TrainableLayer/inferDouble(_:)``).
    public func inferDouble(_ x: [Double]) -> [Double] {
        var h = inputQuantizer.map { q in x.map { q.apply($0) } } ?? x
        for layer in layers { h = layer.inferDouble(h) }
        return h
    }

    /// Every layer's output for one event (index i: layer i), in Double.
    public func traceDouble(_ x: [Double]) -> [[Double]] {
        var h = inputQuantizer.map { q in x.map { q.apply($0) } } ?? x
        var out: [[Double]] = []
        for layer in layers { h = layer.inferDouble(h); out.append(h) }
        return out
    }
}

import FixedPoint
import ModelIR
import ModelFormat

/// The anomaly score computed inside the design for an autoencoder:
/// `score = Σ (target - reconstruction)^2`, written with the `subtract`,
/// `multiply` and `sum` layers of model.json. `target` names the layer whose
/// output the network reconstructs (e.g. a fixed input scaling).
public struct ScoreHead: Sendable, Equatable {
    public var target: String
    public var difference: FixedType?
    public var square: FixedType?
    public var score: FixedType?

    public init(target: String, difference: FixedType? = nil, square: FixedType? = nil, score: FixedType? = nil) {
        self.target = target
        self.difference = difference
        self.square = square
        self.score = score
    }
}

/// A trained network with what the exported model needs beside the layers.
public struct TrainedModel: Sendable {
    public var name: String
    public var network: Network
    /// Declared input type (nil: the compiler default).
    public var inputType: FixedType?
    /// Per-layer types (nil: let the compiler infer; a float export).
    public var plan: PrecisionPlan?
    public var scoreHead: ScoreHead?
    public var inputName = "x"
    /// Write the fake-quantized weights (QAT: the float shadow weights mean
    /// nothing on their own) instead of the float ones (float and PTQ
    /// models: the compiler quantizes them to the same codes, and a float
    /// evaluation of model.json shows the float model).
    public var writesQuantizedWeights = false

    public init(name: String, network: Network, inputType: FixedType? = nil, plan: PrecisionPlan? = nil, scoreHead: ScoreHead? = nil) {
        self.name = name
        self.network = network
        self.inputType = inputType
        self.plan = plan
        self.scoreHead = scoreHead
    }

    /// The graph IR of the model: dropout layers are dropped (identity at
    /// inference); see ``writesQuantizedWeights`` for the weight values.
    public func graph() -> Graph {
        var nodes: [Node] = []
        var previous = inputName
        for layer in network.layers {
            if let tensor = tensorNodes(layer, input: previous) {
                nodes += tensor
                previous = layer.name
                continue
            }
            let types = plan?.layers[layer.name] ?? LayerTypes()
            var precision = LayerPrecision(weight: types.weight, bias: types.bias, result: types.result, alpha: types.alpha)
            let op: Op
            if let dense = layer as? DenseLayer {
                let qw = writesQuantizedWeights ? dense.weightQuantizer : nil
                let qb = writesQuantizedWeights ? dense.biasQuantizer : nil
                let w = qw.map { q in dense.weights.map { q.apply(Double($0)) } } ?? dense.weights.map(Double.init)
                let b = qb.map { q in dense.bias.map { q.apply(Double($0)) } } ?? dense.bias.map(Double.init)
                let rows = (0..<dense.units).map { j in (0..<dense.inputs).map { k in w[k * dense.units + j] } }
                op = .dense(Dense(weights: rows, bias: b))
            } else if let bn = layer as? BatchNormLayer {
                op = .batchNorm(BatchNorm(gamma: bn.gamma.map(Double.init), beta: bn.beta.map(Double.init),
                                          mean: bn.runningMean.map(Double.init), variance: bn.runningVariance.map(Double.init),
                                          epsilon: Double(bn.epsilon)))
            } else if let act = layer as? ActivationLayer {
                switch act.kind {
                case .linear: op = .activation(.linear)
                case .relu: op = .activation(.relu)
                case .leakyReLU(let a): op = .activation(.leakyReLU(alpha: a))
                case .sigmoid: op = .activation(.sigmoid(TableSettings(size: 1024, range: 8)))
                case .tanh: op = .activation(.tanh(TableSettings(size: 1024, range: 4)))
                case .softmax: op = .activation(.softmax(SoftmaxTableSettings()))
                }
                if case .leakyReLU = act.kind {} else { precision.alpha = nil }
            } else {
                continue
            }
            nodes.append(Node(name: layer.name, op: op, inputs: [previous], precision: precision))
            previous = layer.name
        }
        if let head = scoreHead {
            nodes.append(Node(name: "difference", op: .subtract, inputs: [head.target, previous],
                              precision: LayerPrecision(result: head.difference)))
            nodes.append(Node(name: "squared", op: .multiply, inputs: ["difference", "difference"],
                              precision: LayerPrecision(result: head.square)))
            nodes.append(Node(name: "score", op: .sum, inputs: ["squared"], precision: LayerPrecision(result: head.score)))
            previous = "score"
        }
        let input = GraphInput(name: inputName, shape: network.inputShape, type: plan?.input ?? inputType)
        return Graph(name: name, inputs: [input], nodes: nodes, outputs: [previous])
    }

    /// model.json text.
    public func modelJSON() -> String { ModelEncoder.encode(graph()) }

    /// One event through the model in Double with the training-time fake
    /// quantization, including the score head: for a quantized model this
    /// is exactly what the compiled design computes (for the element-wise
    /// layers and dense layers; softmax, sigmoid and tanh tables excepted).
    public func inferDouble(_ x: [Double]) -> [Double] {
        guard let head = scoreHead else { return network.inferDouble(x) }
        let trace = network.traceDouble(x)
        guard let t = network.index(of: head.target) else { return trace.last! }
        let target = trace[t], reconstruction = trace.last!
        func q(_ type: FixedType?, _ v: Double) -> Double { type.map { FakeQuantizer($0).apply(v) } ?? v }
        var score = 0.0
        for k in target.indices {
            let d = q(head.difference, target[k] - reconstruction[k])
            score += q(head.square, d * d)
        }
        return [q(head.score, score)]
    }
}

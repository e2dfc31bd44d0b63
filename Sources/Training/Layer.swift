import Datasets

/// One layer of a trainable sequential network.
///
/// Layers are value types with mutating passes: `forward` caches what
/// `backward` needs, `backward` stores parameter gradients and returns the
/// gradient with respect to the layer input. `inferDouble` evaluates one
/// event in Double in inference mode (batch-norm running statistics, no
/// dropout) with the same fake quantization as training, which is exact for
/// the widths used here and is what a QAT model's fixed-point output is
/// checked against.
public protocol TrainableLayer: Sendable {
    var name: String { get }
    /// Values per event this layer outputs, given its input size.
    func outputSize(inputSize: Int) -> Int
    mutating func forward(_ x: Matrix, training: Bool, rng: inout SeededRandom) -> Matrix
    mutating func backward(_ dy: Matrix) -> Matrix
    /// Visits each trainable parameter array with its gradient; `slot`
    /// numbers the arrays of this layer from 0 (the optimizer keeps state per slot).
    mutating func updateParameters(_ body: (_ slot: Int, _ parameters: inout [Float], _ gradient: [Float]) -> Void)
    /// Weight penalty (L1/L2) added to the loss.
    func penalty() -> Double
    func inferDouble(_ x: [Double]) -> [Double]
}

extension TrainableLayer {
    public mutating func updateParameters(_ body: (Int, inout [Float], [Float]) -> Void) {}
    public func penalty() -> Double { 0 }
}

/// Dense layer `y = x W + b` with the Keras kernel layout: `weights` is
/// `inputs x units`, row-major. With quantizers set (QAT), the forward pass
/// uses the fake-quantized weights and bias and fake-quantizes the result,
/// while the optimizer updates the float "shadow" weights.
public struct DenseLayer: TrainableLayer {
    public var name: String
    public let inputs: Int
    public let units: Int
    public var weights: [Float]
    public var bias: [Float]
    /// A frozen layer (e.g. a fixed input scaling) is never updated.
    public var trainable = true
    public var l1: Float = 0
    public var l2: Float = 0
    public var weightQuantizer: FakeQuantizer?
    public var biasQuantizer: FakeQuantizer?
    public var resultQuantizer: FakeQuantizer?

    var input = Matrix(rows: 0, columns: 0)
    var usedWeights = Matrix(rows: 0, columns: 0)
    var resultMask: [Float]?
    var gradWeights: [Float] = []
    var gradBias: [Float] = []

    /// Glorot-uniform weights (the Keras default), zero bias.
    public init(name: String, inputs: Int, units: Int, rng: inout SeededRandom) {
        self.name = name
        self.inputs = inputs
        self.units = units
        let limit = (6.0 / Double(inputs + units)).squareRoot()
        weights = (0..<(inputs * units)).map { _ in Float(rng.uniform(-limit, limit)) }
        bias = [Float](repeating: 0, count: units)
    }

    public init(name: String, inputs: Int, units: Int, weights: [Float], bias: [Float]) {
        precondition(weights.count == inputs * units && bias.count == units, "DenseLayer: parameter shapes")
        self.name = name
        self.inputs = inputs
        self.units = units
        self.weights = weights
        self.bias = bias
    }

    /// On a tensor `[..., inputs]` the layer acts on every leading position
    /// with the same weights (a per-particle layer, as the compiler reads it).
    public func outputSize(inputSize: Int) -> Int { inputSize / inputs * units }

    /// The weights and bias the forward pass uses (fake-quantized in QAT).
    public var effectiveWeights: [Float] { weightQuantizer.map { q in weights.map { q.apply($0) } } ?? weights }
    public var effectiveBias: [Float] { biasQuantizer.map { q in bias.map { q.apply($0) } } ?? bias }

    public mutating func forward(_ x: Matrix, training: Bool, rng: inout SeededRandom) -> Matrix {
        precondition(x.columns % inputs == 0 && x.columns > 0, "DenseLayer \(name): expected a multiple of \(inputs) inputs, got \(x.columns)")
        // Positions of a tensor are further rows: events x [positions][inputs]
        // is the same memory as (events * positions) x inputs, so one GEMM serves all.
        let positions = x.columns / inputs
        let rows = Matrix(rows: x.rows * positions, columns: inputs, data: x.data)
        let w = Matrix(rows: inputs, columns: units, data: effectiveWeights)
        let b = effectiveBias
        var y = Matrix(rows: rows.rows, columns: units)
        for r in 0..<rows.rows { y.data.replaceSubrange((r * units)..<((r + 1) * units), with: b) }
        gemm(rows, w, beta: 1, into: &y)
        if let q = resultQuantizer { resultMask = q.applyInPlace(&y.data, mask: training) } else { resultMask = nil }
        if training { input = rows; usedWeights = w }
        return Matrix(rows: x.rows, columns: positions * units, data: y.data)
    }

    public mutating func backward(_ dy: Matrix) -> Matrix {
        let positions = dy.columns / units
        var g = Matrix(rows: dy.rows * positions, columns: units, data: dy.data)
        if let mask = resultMask { for i in g.data.indices { g.data[i] *= mask[i] } }
        if trainable {
            var gw = Matrix(rows: inputs, columns: units)
            gemm(input, transposeA: true, g, into: &gw)
            gradWeights = gw.data
            if l1 != 0 || l2 != 0 {
                for i in gradWeights.indices {
                    let w = weights[i]
                    gradWeights[i] += 2 * l2 * w + l1 * (w > 0 ? 1 : (w < 0 ? -1 : 0))
                }
            }
            gradBias = [Float](repeating: 0, count: units)
            for r in 0..<g.rows { for j in 0..<units { gradBias[j] += g.data[r * units + j] } }
        }
        var dx = Matrix(rows: g.rows, columns: inputs)
        gemm(g, usedWeights, transposeB: true, into: &dx)
        return Matrix(rows: dy.rows, columns: positions * inputs, data: dx.data)
    }

    public mutating func updateParameters(_ body: (Int, inout [Float], [Float]) -> Void) {
        guard trainable, !gradWeights.isEmpty else { return }
        body(0, &weights, gradWeights)
        body(1, &bias, gradBias)
    }

    public func penalty() -> Double {
        guard trainable, l1 != 0 || l2 != 0 else { return 0 }
        var s = 0.0
        for w in weights { s += Double(l1) * Double(abs(w)) + Double(l2) * Double(w) * Double(w) }
        return s
    }

    public func inferDouble(_ x: [Double]) -> [Double] {
        // Exact for QAT widths: every product has at most ~40 significant
        // bits and the sums stay within Double's 53.
        let w: [Double] = weightQuantizer.map { q in weights.map { q.apply(Double($0)) } } ?? weights.map(Double.init)
        let b: [Double] = biasQuantizer.map { q in bias.map { q.apply(Double($0)) } } ?? bias.map(Double.init)
        var y: [Double] = []
        for p in 0..<(x.count / inputs) {
            var part = b
            for k in 0..<inputs where x[p * inputs + k] != 0 {
                for j in 0..<units { part[j] += w[k * units + j] * x[p * inputs + k] }
            }
            y += part
        }
        if let q = resultQuantizer { y = y.map { q.apply($0) } }
        return y
    }
}

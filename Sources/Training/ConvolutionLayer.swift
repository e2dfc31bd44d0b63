import CBLAS
import Datasets
import ModelIR

/// A 1-D or 2-D convolution over a channels-last tensor, with the
/// compiler's semantics and parameter layout (``ModelIR/Convolution``):
/// `weights` is Keras' `[k...][in channels][filters]` in C order
/// (depthwise: `[k...][channels]`). The forward pass is an im2col and one
/// GEMM (depthwise: one matrix-vector product per channel); QAT fake-quantizes
/// the weights, bias and result exactly as ``DenseLayer`` does.
public struct ConvolutionLayer: TrainableLayer {
    public var name: String
    /// The input's shape `[spatial..., channels]`.
    public let inputShape: [Int]
    public let kernel: [Int]
    public let strides: [Int]
    public let dilations: [Int]
    public let padding: Padding
    public let filters: Int
    public let depthwise: Bool
    public var weights: [Float]
    public var bias: [Float]
    public var l1: Float = 0
    public var l2: Float = 0
    public var weightQuantizer: FakeQuantizer?
    public var biasQuantizer: FakeQuantizer?
    public var resultQuantizer: FakeQuantizer?
    /// The output's shape `[outSpatial..., filters]`.
    public let outputShape: [Int]
    let table: WindowTable

    var patches: [Float] = []
    var events = 0
    var usedWeights: [Float] = []
    var resultMask: [Float]?
    var gradWeights: [Float] = []
    var gradBias: [Float] = []

    /// A convolution with Glorot-uniform weights and zero bias; throws the
    /// compiler's ``ModelIR/ShapeError`` when the geometry does not fit the input.
    public init(name: String, inputShape: [Int], kernel: [Int], strides: [Int], dilations: [Int], padding: Padding,
                filters: Int, depthwise: Bool = false, rng: inout SeededRandom) throws(ShapeError) {
        let channels = inputShape.last ?? 0
        let taps = kernel.reduce(1, *)
        let count = depthwise ? taps * channels : taps * channels * filters
        let fanIn = depthwise ? taps : taps * channels, fanOut = depthwise ? taps : taps * filters
        let limit = (6.0 / Double(fanIn + fanOut)).squareRoot()
        let weights = (0..<count).map { _ in Float(rng.uniform(-limit, limit)) }
        try self.init(name: name, inputShape: inputShape, kernel: kernel, strides: strides, dilations: dilations,
                      padding: padding, filters: depthwise ? channels : filters, depthwise: depthwise,
                      weights: weights, bias: [Float](repeating: 0, count: depthwise ? channels : filters))
    }

    /// A convolution with given parameters (layouts as ``ModelIR/Convolution``).
    public init(name: String, inputShape: [Int], kernel: [Int], strides: [Int], dilations: [Int], padding: Padding,
                filters: Int, depthwise: Bool = false, weights: [Float], bias: [Float]) throws(ShapeError) {
        self.name = name
        self.inputShape = inputShape
        self.kernel = kernel
        self.strides = strides
        self.dilations = dilations
        self.padding = padding
        self.filters = filters
        self.depthwise = depthwise
        self.weights = weights
        self.bias = bias
        // The compiler's shape rules check rank, channels, parameter counts and geometry.
        let probe = Node(name: name, op: .conv(Self.convolution(kernel: kernel, strides: strides, dilations: dilations,
                                                                padding: padding, inputShape: inputShape, filters: filters,
                                                                depthwise: depthwise, weights: weights.map(Double.init),
                                                                bias: bias.map(Double.init))), inputs: ["x"])
        outputShape = try probe.outputShape(inputShapes: [inputShape])
        let spatial = Array(inputShape.dropLast())
        table = WindowTable(axes: try Shapes.windows(input: spatial, kernel: kernel, strides: strides,
                                                     dilations: dilations, padding: padding), inputSpatial: spatial)
    }

    static func convolution(kernel: [Int], strides: [Int], dilations: [Int], padding: Padding, inputShape: [Int],
                            filters: Int, depthwise: Bool, weights: [Double], bias: [Double]) -> Convolution {
        Convolution(kernel: kernel, strides: strides, dilations: dilations, padding: padding,
                    inputChannels: inputShape.last ?? 0, filters: filters, depthwise: depthwise, weights: weights, bias: bias)
    }

    var channels: Int { inputShape.last! }

    /// Values of the im2col patch matrix per event (held for backward).
    public var patchValuesPerEvent: Int { table.outputs * table.taps * channels }

    public func outputSize(inputSize: Int) -> Int { table.outputs * filters }

    public var effectiveWeights: [Float] { weightQuantizer.map { q in weights.map { q.apply($0) } } ?? weights }
    public var effectiveBias: [Float] { biasQuantizer.map { q in bias.map { q.apply($0) } } ?? bias }

    public mutating func forward(_ x: Matrix, training: Bool, rng: inout SeededRandom) -> Matrix {
        precondition(x.columns == table.inputs * channels, "ConvolutionLayer \(name): expected \(table.inputs * channels) inputs, got \(x.columns)")
        let w = effectiveWeights, b = effectiveBias
        let rows = x.rows * table.outputs
        var y = Matrix(rows: rows, columns: filters)
        for r in 0..<rows { y.data.replaceSubrange((r * filters)..<((r + 1) * filters), with: b) }
        let col: [Float]
        if depthwise {
            col = table.im2colByChannel(x, channels: channels)
            Self.depthwiseForward(col, rows: rows, taps: table.taps, channels: channels, weights: w, into: &y.data)
        } else {
            let patches = table.im2col(x, channels: channels)
            gemm(patches, Matrix(rows: table.taps * channels, columns: filters, data: w), beta: 1, into: &y)
            col = patches.data
        }
        if let q = resultQuantizer { resultMask = q.applyInPlace(&y.data, mask: training) } else { resultMask = nil }
        if training { patches = col; events = x.rows; usedWeights = w }
        return Matrix(rows: x.rows, columns: table.outputs * filters, data: y.data)
    }

    public mutating func backward(_ dy: Matrix) -> Matrix {
        let rows = events * table.outputs, taps = table.taps
        var g = Matrix(rows: rows, columns: filters, data: dy.data)
        if let mask = resultMask { for i in g.data.indices { g.data[i] *= mask[i] } }
        gradBias = [Float](repeating: 0, count: filters)
        for r in 0..<rows { for f in 0..<filters { gradBias[f] += g.data[r * filters + f] } }
        let dx: Matrix
        if depthwise {
            var dcol = [Float](repeating: 0, count: patches.count)
            gradWeights = [Float](repeating: 0, count: weights.count)
            Self.depthwiseBackward(patches, gradient: g.data, rows: rows, taps: taps, channels: channels,
                                   weights: usedWeights, gradWeights: &gradWeights, gradPatches: &dcol)
            dx = table.col2imByChannel(dcol, events: events, channels: channels)
        } else {
            let col = Matrix(rows: rows, columns: taps * channels, data: patches)
            var gw = Matrix(rows: taps * channels, columns: filters)
            gemm(col, transposeA: true, g, into: &gw)
            gradWeights = gw.data
            var dcol = Matrix(rows: rows, columns: taps * channels)
            gemm(g, Matrix(rows: taps * channels, columns: filters, data: usedWeights), transposeB: true, into: &dcol)
            dx = table.col2im(dcol, events: events, channels: channels)
        }
        if l1 != 0 || l2 != 0 {
            for i in gradWeights.indices {
                let w = weights[i]
                gradWeights[i] += 2 * l2 * w + l1 * (w > 0 ? 1 : (w < 0 ? -1 : 0))
            }
        }
        return dx
    }

    public mutating func updateParameters(_ body: (Int, inout [Float], [Float]) -> Void) {
        guard !gradWeights.isEmpty else { return }
        body(0, &weights, gradWeights)
        body(1, &bias, gradBias)
    }

    public func penalty() -> Double {
        guard l1 != 0 || l2 != 0 else { return 0 }
        return weights.reduce(0.0) { $0 + Double(l1) * Double(abs($1)) + Double(l2) * Double($1) * Double($1) }
    }

    /// One event in Double: exact for QAT widths, as ``DenseLayer/inferDouble(_:)``.
    public func inferDouble(_ x: [Double]) -> [Double] {
        let w: [Double] = weightQuantizer.map { q in weights.map { q.apply(Double($0)) } } ?? weights.map(Double.init)
        let b: [Double] = biasQuantizer.map { q in bias.map { q.apply(Double($0)) } } ?? bias.map(Double.init)
        let c = channels, taps = table.taps
        var y = [Double](repeating: 0, count: table.outputs * filters)
        for o in 0..<table.outputs {
            for f in 0..<filters {
                var acc = b[f]
                for t in 0..<taps {
                    let s = table.source[o * taps + t]
                    guard s >= 0 else { continue }
                    if depthwise {
                        acc += w[t * c + f] * x[s * c + f]
                    } else {
                        for k in 0..<c { acc += w[(t * c + k) * filters + f] * x[s * c + k] }
                    }
                }
                y[o * filters + f] = acc
            }
        }
        if let q = resultQuantizer { y = y.map { q.apply($0) } }
        return y
    }

    /// The compiler's op for these parameters (`values`: the weights to write).
    func op(weights values: [Double], bias b: [Double]) -> Op {
        .conv(Self.convolution(kernel: kernel, strides: strides, dilations: dilations, padding: padding,
                               inputShape: inputShape, filters: filters, depthwise: depthwise, weights: values, bias: b))
    }

    /// `y[r, c] += sum_t col[c][r][t] w[t, c]`: one `sgemv` per channel.
    static func depthwiseForward(_ col: [Float], rows: Int, taps: Int, channels c: Int, weights: [Float], into y: inout [Float]) {
        guard rows > 0 else { return }
        col.withUnsafeBufferPointer { pc in
            weights.withUnsafeBufferPointer { pw in
                y.withUnsafeMutableBufferPointer { py in
                    for k in 0..<c {
                        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(rows), Int32(taps), 1,
                                    pc.baseAddress! + k * rows * taps, Int32(taps), pw.baseAddress! + k, Int32(c),
                                    1, py.baseAddress! + k, Int32(c))
                    }
                }
            }
        }
    }

    /// Weight gradients (`sgemv` with the patches transposed) and patch
    /// gradients (`sger`, the outer product of the output gradient and the weights), per channel.
    static func depthwiseBackward(_ col: [Float], gradient g: [Float], rows: Int, taps: Int, channels c: Int, weights: [Float],
                                  gradWeights: inout [Float], gradPatches: inout [Float]) {
        guard rows > 0 else { return }
        col.withUnsafeBufferPointer { pc in
            g.withUnsafeBufferPointer { pg in
                weights.withUnsafeBufferPointer { pw in
                    gradWeights.withUnsafeMutableBufferPointer { pgw in
                        gradPatches.withUnsafeMutableBufferPointer { pgp in
                            for k in 0..<c {
                                cblas_sgemv(CblasRowMajor, CblasTrans, Int32(rows), Int32(taps), 1,
                                            pc.baseAddress! + k * rows * taps, Int32(taps), pg.baseAddress! + k, Int32(c),
                                            0, pgw.baseAddress! + k, Int32(c))
                                cblas_sger(CblasRowMajor, Int32(rows), Int32(taps), 1, pg.baseAddress! + k, Int32(c),
                                           pw.baseAddress! + k, Int32(c), pgp.baseAddress! + k * rows * taps, Int32(taps))
                            }
                        }
                    }
                }
            }
        }
    }
}

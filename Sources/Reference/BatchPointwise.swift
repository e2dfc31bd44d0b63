import FixedPoint
import ModelIR

/// ReLU, LeakyReLU or identity and the output quantization, over the lanes
/// of one tensor element: ``Pointwise/apply(_:_:fractionBits:output:)``
/// for a batch of events, in simple loops when ``Requantizer`` is exact.
struct PointwiseBatch: Sendable {
    let activation: PointwiseActivation
    let fraction: Int
    let output: FixedType
    /// The non-negative (or identity) branch: from `fraction` to `output`.
    let direct: Requantizer
    /// LeakyReLU's negative branch, `x * alpha`; nil when that product may
    /// not fit 63 bits (then value by value, exactly).
    let negative: Requantizer?
    let alpha: Int64

    /// `input`: the type of the codes fed in (their width bounds the arithmetic).
    init(_ activation: PointwiseActivation, input: FixedType, fraction: Int, output: FixedType) {
        self.activation = activation
        self.fraction = fraction
        self.output = output
        let bits = Requantizer.bits(input)
        direct = Requantizer(from: fraction, inputBits: bits, to: output)
        if case let .leakyReLU(alpha, alphaType) = activation {
            self.alpha = alpha
            let productBits = bits + Requantizer.bits(alphaType)
            negative = productBits <= 63
                ? Requantizer(from: fraction + alphaType.fractionBits, inputBits: productBits, to: output) : nil
        } else {
            alpha = 0
            negative = nil
        }
    }

    /// `y[e] = act(x[e])` for `n` lanes; `x` and `y` may be the same lanes.
    /// `tmp` has room for two lanes' worth (`2 * n`).
    func apply(_ x: UnsafePointer<Int64>, _ y: UnsafeMutablePointer<Int64>, count n: Int, tmp: UnsafeMutablePointer<Int64>) {
        switch activation {
        case .linear:
            if UnsafePointer(y) != x { y.update(from: x, count: n) }
            direct.apply(y, count: n)
        case .relu:
            for e in 0..<n { y[e] = max(x[e], 0) }
            direct.apply(y, count: n)
        case .leakyReLU:
            guard let negative else {
                for e in 0..<n { y[e] = Pointwise.apply(activation, x[e], fractionBits: fraction, output: output) }
                return
            }
            let product = tmp, source = tmp + n
            let a = alpha
            for e in 0..<n { source[e] = x[e]; product[e] = x[e] &* a }
            negative.apply(product, count: n)
            if UnsafePointer(y) != x { y.update(from: x, count: n) }
            direct.apply(y, count: n)
            for e in 0..<n { y[e] = source[e] >= 0 ? y[e] : product[e] }
        }
    }
}

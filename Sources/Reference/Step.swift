import FixedPoint
import ModelIR

/// One lowered op, prepared for repeated evaluation.
struct Step: Sendable {
    let op: LoweredOp
    let inputTypes: [FixedType]
    let outputType: FixedType
    let dense: DensePlan?

    init(op: LoweredOp, model: LoweredModel) {
        self.op = op
        self.inputTypes = op.inputs.map { model[$0].type }
        self.outputType = model[op.output].type
        if case .dense(let d) = op.kind {
            dense = DensePlan(d, inputType: inputTypes[0])
        } else {
            dense = nil
        }
    }

    func run(_ buffers: inout [[Int64]]) {
        let out = outputType
        let x = buffers[op.inputs[0].index]
        let fx = inputTypes[0].fractionBits
        var y = [Int64](repeating: 0, count: buffers[op.output.index].count)
        switch op.kind {
        case .dense(let d):
            dense!.evaluate(d, x, into: &y, output: out)
        case .activation(let a):
            for i in x.indices { y[i] = Pointwise.apply(a, x[i], fractionBits: fx, output: out) }
        case .table(let t):
            for i in x.indices { y[i] = t.values[Tables.index(x[i], shift: t.shift(inputFractionBits: fx), bits: t.indexBits, centred: true)] }
        case .softmax(let s):
            Tables.softmax(s, x, inputFractionBits: fx, output: out, into: &y)
        case .add, .subtract, .multiply:
            let b = buffers[op.inputs[1].index]
            let ta = inputTypes[0], tb = inputTypes[1]
            for i in x.indices {
                let u = ExactValue(x[i], of: ta), v = ExactValue(b[i], of: tb)
                let r: ExactValue
                switch op.kind {
                case .add: r = u + v
                case .subtract: r = u - v
                default: r = u * v
                }
                y[i] = out.quantize(r)
            }
        case .concatenate:
            var k = 0
            for input in op.inputs {
                for v in buffers[input.index] { y[k] = v; k += 1 }
            }
        case .sum:
            var total: Int128 = 0
            for v in x { total += Int128(v) }
            y[0] = out.quantize(ExactValue(raw: total, fractionBits: fx))
        case .quantize:
            for i in x.indices { y[i] = out.quantize(x[i], fractionBits: fx) }
        }
        buffers[op.output.index] = y
    }
}

/// ReLU, LeakyReLU and identity on a raw code with `f` fractional bits.
enum Pointwise {
    @inline(__always)
    static func apply(_ a: PointwiseActivation, _ v: Int64, fractionBits f: Int, output: FixedType) -> Int64 {
        switch a {
        case .linear:
            return output.quantize(v, fractionBits: f)
        case .relu:
            return output.quantize(max(v, 0), fractionBits: f)
        case .leakyReLU(let alpha, let alphaType):
            if v >= 0 { return output.quantize(v, fractionBits: f) }
            return output.quantize(ExactValue(raw: Int128(v) * Int128(alpha), fractionBits: f + alphaType.fractionBits))
        }
    }
}

/// A dense op's constants in the form the inner loop wants.
struct DensePlan: Sendable {
    let accumulator: FixedType
    /// `Q_A(bias_j)` as raw accumulator codes.
    let bias: [Int64]
    /// Left shift that aligns a product to the accumulator (exact when >= 0).
    let productShift: Int
    /// Products fit in 63 bits and need no rounding: pure Int64 arithmetic.
    let fast: Bool
    let productFraction: Int
    let mask: UInt64

    init(_ d: DenseOp, inputType: FixedType) {
        accumulator = d.accumulatorType
        bias = d.bias.map { d.accumulatorType.quantize(raw: $0, from: d.biasType) }
        productFraction = d.weightType.fractionBits + inputType.fractionBits
        productShift = d.accumulatorType.fractionBits - productFraction
        fast = productShift >= 0 && productShift < 64 && d.weightType.width + inputType.width <= 63
        mask = d.accumulatorType.width == 64 ? ~0 : (UInt64(1) << d.accumulatorType.width) - 1
    }

    func evaluate(_ d: DenseOp, _ x: [Int64], into y: inout [Int64], output: FixedType) {
        for j in d.rows.indices {
            // Sums are modulo 2^64 here and reduced modulo 2^W_A below: the
            // accumulator wraps, so this equals adding in W_A bits in any order.
            var acc = bias[j]
            if fast {
                for t in d.rows[j] { acc = acc &+ ((t.weight &* x[t.input]) &<< productShift) }
            } else {
                for t in d.rows[j] {
                    let p = ExactValue(raw: Int128(t.weight) * Int128(x[t.input]), fractionBits: productFraction)
                    acc = acc &+ accumulator.quantize(p)
                }
            }
            var v = accumulator.rawFromBits(UInt64(bitPattern: acc) & mask)
            var f = accumulator.fractionBits
            if let pre = d.preActivationType {
                v = pre.quantize(v, fractionBits: f)
                f = pre.fractionBits
            }
            y[j] = Pointwise.apply(d.activation, v, fractionBits: f, output: output)
        }
    }
}

/// Table index computation and softmax, shared by the evaluator's steps.
enum Tables {
    /// `clamp((x >> shift) + (centred ? 2^(bits-1) : 0), 0, 2^bits - 1)`, with a
    /// negative `shift` meaning a left shift. Computed in 128 bits: no overflow.
    static func index(_ x: Int64, shift: Int, bits: Int, centred: Bool) -> Int {
        let v = Int128(x)
        var i = shift >= 0 ? (shift >= 127 ? (v < 0 ? -1 : 0) : v >> shift) : v << min(-shift, 60)
        if centred { i += Int128(1) << (bits - 1) }
        let top = (Int128(1) << bits) - 1
        return Int(min(max(i, 0), top))
    }

    static func softmax(_ s: SoftmaxOp, _ x: [Int64], inputFractionBits fx: Int, output: FixedType, into y: inout [Int64]) {
        let m = x.max()!
        var e = [Int64](repeating: 0, count: x.count)
        var sum: Int64 = 0
        let expShift = s.expShift(inputFractionBits: fx)
        for i in x.indices {
            let d = Int128(m) - Int128(x[i])
            let idx = d >= (Int128(1) << 100) ? (1 << s.expIndexBits) - 1
                : index(Int64(clamping: d), shift: expShift, bits: s.expIndexBits, centred: false)
            e[i] = s.expValues[idx]
            sum += e[i]
        }
        let inv = s.inverseValues[index(sum, shift: s.inverseShift, bits: s.inverseIndexBits, centred: false)]
        let f = s.expType.fractionBits + s.inverseType.fractionBits
        for i in x.indices {
            y[i] = output.quantize(ExactValue(raw: Int128(e[i]) * Int128(inv), fractionBits: f))
        }
    }
}

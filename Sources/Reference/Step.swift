import FixedPoint
import ModelIR

/// One lowered op, prepared for repeated evaluation on the flat buffer.
struct Step: Sendable {
    let op: LoweredOp
    let inputTypes: [FixedType]
    let outputType: FixedType
    /// Offsets of the inputs and the output in the flat buffer.
    let inputOffsets: [Int]
    let inputSizes: [Int]
    let outputOffset: Int
    let outputSize: Int
    let dense: DensePlan?
    let forest: ForestPlan?

    init(op: LoweredOp, model: LoweredModel, offsets: [Int]) {
        self.op = op
        self.inputTypes = op.inputs.map { model[$0].type }
        self.outputType = model[op.output].type
        self.inputOffsets = op.inputs.map { offsets[$0.index] }
        self.inputSizes = op.inputs.map { model[$0].size }
        self.outputOffset = offsets[op.output.index]
        self.outputSize = model[op.output].size
        // A scale op runs as its one-term-per-row dense form: the same arithmetic.
        let inputType = model[op.inputs[0]].type, inputCount = model[op.inputs[0]].size
        dense = op.kind.denseForm.map { DensePlan($0, inputType: inputType, inputCount: inputCount) }
        if case .forest(let f) = op.kind { forest = ForestPlan(f, output: outputType) } else { forest = nil }
    }

    func run(_ b: UnsafeMutableBufferPointer<Int64>) {
        let out = outputType
        let x = UnsafeMutableBufferPointer(rebasing: b[inputOffsets[0]..<(inputOffsets[0] + inputSizes[0])])
        let y = UnsafeMutableBufferPointer(rebasing: b[outputOffset..<(outputOffset + outputSize)])
        let fx = inputTypes[0].fractionBits
        switch op.kind {
        case .dense, .scale:
            dense!.evaluate(UnsafeBufferPointer(x), into: y, output: out)
        case .activation(let a):
            for i in x.indices { y[i] = Pointwise.apply(a, x[i], fractionBits: fx, output: out) }
        case .table(let t):
            let shift = t.shift(inputFractionBits: fx)
            for i in x.indices { y[i] = t.values[Tables.index(x[i], shift: shift, bits: t.indexBits, centred: true)] }
        case .softmax(let s):
            let e = UnsafeMutableBufferPointer<Int64>.allocate(capacity: x.count)
            defer { e.deallocate() }
            Tables.softmax(s, UnsafeBufferPointer(x), inputFractionBits: fx, output: out, scratch: e, into: y)
        case .add, .subtract, .multiply:
            let v = UnsafeMutableBufferPointer(rebasing: b[inputOffsets[1]..<(inputOffsets[1] + inputSizes[1])])
            let ta = inputTypes[0], tb = inputTypes[1]
            for i in x.indices {
                y[i] = out.quantize(op.kind.exactBinary(ExactValue(x[i], of: ta), ExactValue(v[i], of: tb))!)
            }
        case .concatenate:
            var k = 0
            for (offset, size) in zip(inputOffsets, inputSizes) {
                for i in 0..<size { y[k] = b[offset + i]; k += 1 }
            }
        case .sum:
            var total: Int128 = 0
            for v in x { total += Int128(v) }
            y[0] = out.quantize(ExactValue(raw: total, fractionBits: fx))
        case .quantize:
            for i in x.indices { y[i] = out.quantize(x[i], fractionBits: fx) }
        case .forest:
            forest!.evaluate({ x[$0] }, { y[$0] = $1 })
        case .maximum(let m):
            for (j, group) in m.groups.enumerated() {
                var v = x[group[0]]
                for k in group.dropFirst() where x[k] > v { v = x[k] }
                y[j] = out.quantize(v, fractionBits: fx)
            }
        case .gather(let g):
            for (i, k) in g.indices.enumerated() { y[i] = out.quantize(x[k], fractionBits: fx) }
        case .threshold(let t):
            // The output codes are exact by construction (Verify): no assignment.
            for i in x.indices { y[i] = t.output(x[i], element: i) }
        }
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

/// A dense op's constants in the form the inner loop wants: the terms of all
/// rows in two flat arrays, the bias already in the accumulator type.
final class DensePlan: Sendable {
    let op: DenseOp
    let accumulator: FixedType
    /// `Q_A(bias_j)` as raw accumulator codes.
    let bias: [Int64]
    let rowStart: [Int]
    let termInput: [Int]
    let termWeight: [Int64]
    /// Left shift that aligns a product to the accumulator (exact when >= 0).
    let productShift: Int
    /// Products fit in 63 bits: Int64 arithmetic, with per-product
    /// quantization by a shift when it is exact or a plain truncation.
    let fitsInt64: Bool
    let productFraction: Int
    let mask: UInt64
    /// When weights and inputs fit 32 bits and products need no rounding:
    /// the full row-major weight matrix (zeros included), for a contiguous,
    /// vectorizable inner loop.
    let matrix: [Int32]?
    /// When weights and inputs fit 16 bits and the sum is needed modulo at
    /// most 2^32 (`W_A - shift <= 32`): the matrix in 16 bits, summed in 32-bit
    /// wrapping arithmetic (a vectorizable multiply-add on any x86-64).
    let matrix16: [Int16]?
    let inputCount: Int

    init(_ d: DenseOp, inputType: FixedType, inputCount: Int) {
        op = d
        accumulator = d.accumulatorType
        bias = d.bias.map { d.accumulatorType.quantize(raw: $0, from: d.biasType) }
        var starts = [0], inputs: [Int] = [], weights: [Int64] = []
        for row in d.rows {
            for t in row { inputs.append(t.input); weights.append(t.weight) }
            starts.append(inputs.count)
        }
        rowStart = starts
        termInput = inputs
        termWeight = weights
        productFraction = d.weightType.fractionBits + inputType.fractionBits
        productShift = d.accumulatorType.fractionBits - productFraction
        fitsInt64 = d.weightType.width + inputType.width <= 63 && productShift < 63 && productShift > -63
        mask = d.accumulatorType.width == 64 ? ~0 : (UInt64(1) << d.accumulatorType.width) - 1
        self.inputCount = inputCount
        // Raw codes fit a signed N-bit integer: signed types up to N bits, unsigned up to N-1.
        func fits(_ t: FixedType, _ bits: Int) -> Bool { t.width <= (t.isSigned ? bits : bits - 1) }
        if fits(d.weightType, 16), fits(inputType, 16), productShift >= 0,
           d.accumulatorType.width - productShift <= 32 {
            var m = [Int16](repeating: 0, count: d.rows.count * inputCount)
            for (j, row) in d.rows.enumerated() { for t in row { m[j * inputCount + t.input] = Int16(t.weight) } }
            matrix16 = m
            matrix = nil
        } else if fits(d.weightType, 32), fits(inputType, 32), productShift >= 0, productShift < 63 {
            var m = [Int32](repeating: 0, count: d.rows.count * inputCount)
            for (j, row) in d.rows.enumerated() { for t in row { m[j * inputCount + t.input] = Int32(t.weight) } }
            matrix = m
            matrix16 = nil
        } else {
            matrix = nil
            matrix16 = nil
        }
    }

    /// As ``matrixEvaluate``, in 16-bit operands and a 32-bit wrapping sum:
    /// `S * 2^shift mod 2^W_A` depends only on `S mod 2^(W_A - shift)`.
    func matrix16Evaluate(_ m: [Int16], _ x: UnsafeBufferPointer<Int64>, into y: UnsafeMutableBufferPointer<Int64>, output: FixedType) {
        let n = inputCount
        var x16 = [Int16](repeating: 0, count: n)
        for k in 0..<n { x16[k] = Int16(truncatingIfNeeded: x[k]) }
        m.withUnsafeBufferPointer { w in
            x16.withUnsafeBufferPointer { xs in
                let xp = xs.baseAddress!
                for j in 0..<y.count {
                    // Unchecked pointer arithmetic keeps the loop vectorizable.
                    let row = w.baseAddress! + j &* n
                    var sum: Int32 = 0
                    for k in 0..<n { sum = sum &+ Int32(row[k]) &* Int32(xp[k]) }
                    finish(j, bias[j] &+ (Int64(sum) &<< productShift), into: y, output: output)
                }
            }
        }
    }

    /// Sums of products over the full matrix: Σ_k w_jk x_k, modulo 2^64.
    /// Shifting the sum equals shifting each product (both are modulo 2^64).
    func matrixEvaluate(_ m: [Int32], _ x: UnsafeBufferPointer<Int64>, into y: UnsafeMutableBufferPointer<Int64>, output: FixedType) {
        let n = inputCount
        var x32 = [Int32](repeating: 0, count: n)
        for k in 0..<n { x32[k] = Int32(truncatingIfNeeded: x[k]) }
        m.withUnsafeBufferPointer { w in
            x32.withUnsafeBufferPointer { xs in
                let xp = xs.baseAddress!
                for j in 0..<y.count {
                    let row = w.baseAddress! + j &* n
                    var sum: Int64 = 0
                    for k in 0..<n { sum = sum &+ Int64(row[k]) &* Int64(xp[k]) }
                    finish(j, bias[j] &+ (sum &<< productShift), into: y, output: output)
                }
            }
        }
    }

    /// Wraps the accumulator, applies the optional pre-activation
    /// quantization, the activation and the output quantization.
    @inline(__always)
    func finish(_ j: Int, _ acc: Int64, into y: UnsafeMutableBufferPointer<Int64>, output: FixedType) {
        var v = accumulator.rawFromBits(UInt64(bitPattern: acc) & mask)
        var f = accumulator.fractionBits
        if let pre = op.preActivationType {
            v = pre.quantize(v, fractionBits: f)
            f = pre.fractionBits
        }
        y[j] = Pointwise.apply(op.activation, v, fractionBits: f, output: output)
    }

    func evaluate(_ x: UnsafeBufferPointer<Int64>, into y: UnsafeMutableBufferPointer<Int64>, output: FixedType) {
        if let matrix16 { matrix16Evaluate(matrix16, x, into: y, output: output); return }
        if let matrix { matrixEvaluate(matrix, x, into: y, output: output); return }
        let shift = productShift
        let truncating = shift < 0 && accumulator.quantization == .trn
        termInput.withUnsafeBufferPointer { inputs in
            termWeight.withUnsafeBufferPointer { weights in
                for j in 0..<y.count {
                    // Sums are modulo 2^64 here and reduced modulo 2^W_A below: the
                    // accumulator wraps, so this equals adding in W_A bits in any order.
                    var acc = bias[j]
                    let lo = rowStart[j], hi = rowStart[j + 1]
                    if fitsInt64 && shift >= 0 {
                        for t in lo..<hi { acc = acc &+ ((weights[t] &* x[inputs[t]]) &<< shift) }
                    } else if fitsInt64 && truncating {
                        for t in lo..<hi { acc = acc &+ ((weights[t] &* x[inputs[t]]) >> -shift) }
                    } else {
                        for t in lo..<hi {
                            let p = ExactValue(raw: Int128(weights[t]) * Int128(x[inputs[t]]), fractionBits: productFraction)
                            acc = acc &+ accumulator.quantize(p)
                        }
                    }
                    finish(j, acc, into: y, output: output)
                }
            }
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

    /// `e` is scratch of `x.count` elements. `product`, when given, quantizes
    /// `e_i * inv` (it must take codes of that many bits; see ``productQuantizer(_:output:)``).
    static func softmax(_ s: SoftmaxOp, _ x: UnsafeBufferPointer<Int64>, inputFractionBits fx: Int, output: FixedType,
                        scratch e: UnsafeMutableBufferPointer<Int64>, into y: UnsafeMutableBufferPointer<Int64>,
                        product: Requantizer? = nil) {
        let m = x.max()!
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
        if let product {
            for i in x.indices { y[i] = product.apply(e[i] &* inv) }
            return
        }
        let f = s.expType.fractionBits + s.inverseType.fractionBits
        for i in x.indices {
            y[i] = output.quantize(ExactValue(raw: Int128(e[i]) * Int128(inv), fractionBits: f))
        }
    }

    /// The quantization of softmax's products `e_i * inv` in 64 bits, when they fit.
    static func productQuantizer(_ s: SoftmaxOp, output: FixedType) -> Requantizer? {
        let bits = Requantizer.bits(s.expType) + Requantizer.bits(s.inverseType)
        guard bits <= 63 else { return nil }
        return Requantizer(from: s.expType.fractionBits + s.inverseType.fractionBits, inputBits: bits, to: output)
    }
}

import FixedPoint
import ModelIR

/// One lowered op over a batch of events (``BatchEvaluator``): the
/// arithmetic of ``Step``, with the events innermost. Ops whose arithmetic
/// fits 64 bits run as loops over the lanes; the rest go event by event
/// through the exact `Int128` path, with the same result.
struct BatchStep: Sendable {
    enum Kernel: Sendable {
        case dense(BatchDense)
        case activation(PointwiseBatch)
        case table(TableOp, shift: Int)
        case softmax(SoftmaxOp, fraction: Int, product: Requantizer?)
        /// add, subtract, multiply: `left`/`right` shifts align the operands
        /// (add, subtract); `quantizer` is nil when 64 bits may not hold the result.
        case binary(LoweredKind, left: Int64, right: Int64, quantizer: Requantizer?)
        case concatenate
        case sum(Requantizer?)
        case quantize(Requantizer)
        case forest(ForestBatch)
        /// maximum and gather: each output reads a group of input elements
        /// (one for a gather), then is assigned to the output type.
        case select(groups: [[Int]], maximum: Bool, Requantizer)
        case threshold(ThresholdOp)
    }

    let kernel: Kernel
    let op: LoweredOp
    let inputTypes: [FixedType]
    let outputType: FixedType
    let inputOffsets: [Int]
    let inputSizes: [Int]
    let outputOffset: Int
    let outputSize: Int

    init(op: LoweredOp, model: LoweredModel, offsets: [Int]) {
        self.op = op
        inputTypes = op.inputs.map { model[$0].type }
        outputType = model[op.output].type
        inputOffsets = op.inputs.map { offsets[$0.index] }
        inputSizes = op.inputs.map { model[$0].size }
        outputOffset = offsets[op.output.index]
        outputSize = model[op.output].size
        let t = inputTypes[0], fx = t.fractionBits, bits = Requantizer.bits(t)
        switch op.kind {
        case .dense(let d):
            kernel = .dense(BatchDense(d, inputType: t, inputCount: inputSizes[0], output: outputType))
        case .scale(let s):
            // Its one-term-per-row dense form: the same arithmetic, term lists of one.
            kernel = .dense(BatchDense(s.dense, inputType: t, inputCount: inputSizes[0], output: outputType))
        case .activation(let a):
            kernel = .activation(PointwiseBatch(a, input: t, fraction: fx, output: outputType))
        case .table(let table):
            kernel = .table(table, shift: table.shift(inputFractionBits: fx))
        case .softmax(let s):
            kernel = .softmax(s, fraction: fx, product: Tables.productQuantizer(s, output: outputType))
        case .add, .subtract, .multiply:
            let u = inputTypes[1]
            if case .multiply = op.kind {
                let productBits = bits + Requantizer.bits(u)
                kernel = .binary(op.kind, left: 0, right: 0, quantizer: productBits <= 63
                    ? Requantizer(from: fx + u.fractionBits, inputBits: productBits, to: outputType) : nil)
            } else {
                let f = max(fx, u.fractionBits)
                let sumBits = max(bits + f - fx, Requantizer.bits(u) + f - u.fractionBits) + 1
                kernel = .binary(op.kind, left: Int64(f - fx), right: Int64(f - u.fractionBits), quantizer: sumBits <= 62
                    ? Requantizer(from: f, inputBits: sumBits, to: outputType) : nil)
            }
        case .concatenate:
            kernel = .concatenate
        case .sum:
            let sumBits = bits + (Int.bitWidth - max(1, inputSizes[0]).leadingZeroBitCount)
            kernel = .sum(sumBits <= 62 ? Requantizer(from: fx, inputBits: sumBits, to: outputType) : nil)
        case .quantize:
            kernel = .quantize(Requantizer(from: fx, inputBits: bits, to: outputType))
        case .forest(let f):
            kernel = .forest(ForestBatch(ForestPlan(f, output: outputType)))
        case .maximum(let m):
            kernel = .select(groups: m.groups, maximum: true, Requantizer(from: fx, inputBits: bits, to: outputType))
        case .gather(let g):
            kernel = .select(groups: g.indices.map { [$0] }, maximum: false, Requantizer(from: fx, inputBits: bits, to: outputType))
        case .threshold(let t):
            kernel = .threshold(t)
        }
    }

    /// Scratch this step needs, in Int64 units per lane.
    var scratchElements: Int { inputSizes.reduce(0, +) + outputSize + 4 }

    func run(_ b: UnsafeMutablePointer<Int64>, lanes: Int, count n: Int, scratch: UnsafeMutablePointer<Int64>) {
        let x = b + inputOffsets[0] * lanes
        let y = b + outputOffset * lanes
        switch kernel {
        case .dense(let d):
            d.run(x, y, outputs: outputSize, lanes: lanes, count: n, scratch: scratch)
        case .activation(let a):
            for i in 0..<outputSize { a.apply(x + i * lanes, y + i * lanes, count: n, tmp: scratch) }
        case let .table(t, shift):
            t.values.withUnsafeBufferPointer { values in
                for i in 0..<outputSize * lanes where i % lanes < n {
                    y[i] = values[Tables.index(x[i], shift: shift, bits: t.indexBits, centred: true)]
                }
            }
        case let .softmax(s, fx, product):
            let xs = UnsafeMutableBufferPointer(start: scratch, count: outputSize)
            let es = UnsafeMutableBufferPointer(start: scratch + outputSize, count: outputSize)
            let ys = UnsafeMutableBufferPointer(start: scratch + 2 * outputSize, count: outputSize)
            for e in 0..<n {
                for i in 0..<outputSize { xs[i] = x[i * lanes + e] }
                Tables.softmax(s, UnsafeBufferPointer(xs), inputFractionBits: fx, output: outputType, scratch: es, into: ys, product: product)
                for i in 0..<outputSize { y[i * lanes + e] = ys[i] }
            }
        case let .binary(kind, left, right, quantizer):
            let v = b + inputOffsets[1] * lanes
            guard let quantizer else {
                let ta = inputTypes[0], tb = inputTypes[1]
                for i in 0..<outputSize * lanes where i % lanes < n {
                    y[i] = outputType.quantize(kind.exactBinary(ExactValue(x[i], of: ta), ExactValue(v[i], of: tb))!)
                }
                return
            }
            for i in 0..<outputSize {
                let xi = x + i * lanes, vi = v + i * lanes, yi = y + i * lanes
                switch kind {
                case .add: for e in 0..<n { yi[e] = (xi[e] &<< left) &+ (vi[e] &<< right) }
                case .subtract: for e in 0..<n { yi[e] = (xi[e] &<< left) &- (vi[e] &<< right) }
                default: for e in 0..<n { yi[e] = xi[e] &* vi[e] }
                }
                quantizer.apply(yi, count: n)
            }
        case .concatenate:
            var k = 0
            for (offset, size) in zip(inputOffsets, inputSizes) {
                (y + k * lanes).update(from: b + offset * lanes, count: size * lanes)
                k += size
            }
        case .sum(let quantizer):
            guard let quantizer else {
                let fx = inputTypes[0].fractionBits
                for e in 0..<n {
                    var total: Int128 = 0
                    for i in 0..<inputSizes[0] { total += Int128(x[i * lanes + e]) }
                    y[e] = outputType.quantize(ExactValue(raw: total, fractionBits: fx))
                }
                return
            }
            for e in 0..<n { y[e] = 0 }
            for i in 0..<inputSizes[0] {
                let xi = x + i * lanes
                for e in 0..<n { y[e] = y[e] &+ xi[e] }
            }
            quantizer.apply(y, count: n)
        case .quantize(let quantizer):
            for i in 0..<outputSize {
                (y + i * lanes).update(from: x + i * lanes, count: n)
                quantizer.apply(y + i * lanes, count: n)
            }
        case .forest(let batch):
            batch.run(x, y, lanes: lanes, count: n)
        case let .select(groups, maximum, quantizer):
            for (j, group) in groups.enumerated() {
                let yj = y + j * lanes
                yj.update(from: x + group[0] * lanes, count: n)
                if maximum {
                    for k in group.dropFirst() {
                        let xk = x + k * lanes
                        for e in 0..<n where xk[e] > yj[e] { yj[e] = xk[e] }
                    }
                }
                quantizer.apply(yj, count: n)
            }
        case .threshold(let t):
            // A sum of comparisons per element, or the multiply-add-shift,
            // as the hardware does it.
            for i in 0..<outputSize {
                let xi = x + i * lanes, yi = y + i * lanes
                if let affine = t.affine {
                    let form = affine[i % affine.count]
                    for e in 0..<n { yi[e] = Int64(form.count(xi[e], steps: t.steps)) }
                } else {
                    for e in 0..<n { yi[e] = 0 }
                    for c in t.list(for: i) { for e in 0..<n where xi[e] >= c { yi[e] += 1 } }
                }
                for e in 0..<n { yi[e] = t.outputBias + t.outputStep * yi[e] }
            }
        }
    }
}

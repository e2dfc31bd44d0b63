import CKernels
import FixedPoint
import ModelIR

/// A dense op over a batch of events. For each block of 8 events, each
/// output `j` is a sum over the nonzero weights `w` of row `j` of
/// `w * x[k][e..<e+8]`, kept in registers:
/// - `double`: when every partial sum is an integer below 2^53 (input and
///   weight codes and the number of terms small enough), the products and
///   sums are exact in Double, whose vector multiply-add every x86-64 and
///   ARM has (64-bit integer multiplies are not vectorized on baseline
///   x86-64); the exact sum is then shifted into the accumulator;
/// - `wide`: any product that needs no rounding (`shift >= 0`): 64-bit
///   integers, wrapping, which the accumulator's own wrap-around makes
///   exact (see ``DensePlan``);
/// - `exact`: products finer than the accumulator (each one is quantized),
///   event by event with ``DensePlan``.
struct BatchDense: Sendable {
    enum Path: Sendable { case double, wide, exact }

    let path: Path
    let plan: DensePlan
    let inputCount: Int
    let rowStart: [Int]
    let termInput: [Int]
    let termWeight: [Int64]
    let weightDouble: [Double]
    /// Bias codes in the accumulator type, per output.
    let bias: [Int64]
    let productShift: Int
    /// Sign-extends (or masks) a sum to the accumulator's W_A bits.
    let accumulatorShift: Int64
    let accumulatorMask: Int64
    let accumulatorSigned: Bool
    let pre: Requantizer?
    let activation: PointwiseBatch

    init(_ d: DenseOp, inputType: FixedType, inputCount: Int, output: FixedType) {
        plan = DensePlan(d, inputType: inputType, inputCount: inputCount)
        self.inputCount = inputCount
        rowStart = plan.rowStart
        termInput = plan.termInput
        termWeight = plan.termWeight
        bias = plan.bias
        productShift = plan.productShift
        let a = d.accumulatorType
        accumulatorSigned = a.isSigned
        accumulatorShift = Int64(64 - a.width)
        accumulatorMask = a.width >= 64 ? -1 : (Int64(1) << a.width) - 1
        // |x| < 2^(bx-1), |w| < 2^(bw-1): a sum of T products stays below 2^(bx+bw-2+ceil(log2 T)).
        let terms = d.rows.map(\.count).max() ?? 0
        let sumBits = Requantizer.bits(inputType) + Requantizer.bits(d.weightType) - 2 + (Int.bitWidth - terms.leadingZeroBitCount)
        if productShift < 0 || productShift >= 63 {
            path = .exact
        } else if sumBits <= 53 {
            path = .double
        } else {
            path = .wide
        }
        weightDouble = path == .double ? termWeight.map { Double($0) } : []
        var f = a.fractionBits
        var preType = a
        if let p = d.preActivationType {
            pre = Requantizer(from: f, inputBits: Requantizer.bits(a), to: p)
            f = p.fractionBits
            preType = p
        } else {
            pre = nil
        }
        activation = PointwiseBatch(d.activation, input: preType, fraction: f, output: output)
    }

    /// Lanes of scratch (each `lanes` Int64) this op needs.
    var scratchLanes: Int { inputCount + 4 }

    func run(_ x: UnsafeMutablePointer<Int64>, _ y: UnsafeMutablePointer<Int64>, outputs: Int,
             lanes: Int, count n: Int, scratch: UnsafeMutablePointer<Int64>) {
        switch path {
        case .exact:
            runExact(x, y, outputs: outputs, lanes: lanes, count: n, scratch: scratch)
            return
        case .double:
            // The lanes of x as Doubles (exact: codes below 2^53), then 8
            // events at a time (`n` is a multiple of 8, see BatchEvaluator).
            let xs = UnsafeMutableRawPointer(scratch).bindMemory(to: Double.self, capacity: inputCount * lanes)
            let blocks = (n + 7) / 8
            for k in 0..<inputCount {
                let src = x + k * lanes, dst = xs + k * lanes
                for e in 0..<(blocks * 8) { dst[e] = Double(src[e]) }
            }
            weightDouble.withUnsafeBufferPointer { w in
                termInput.withUnsafeBufferPointer { inputs in
                    rowStart.withUnsafeBufferPointer { starts in
                        bias.withUnsafeBufferPointer { b in
                            hepml_dense_f64(xs, lanes, blocks, starts.baseAddress, inputs.baseAddress, w.baseAddress,
                                            outputs, b.baseAddress, Int32(productShift), y)
                        }
                    }
                }
            }
        case .wide:
            termWeight.withUnsafeBufferPointer { w in
                for j in 0..<outputs {
                    let out = y + j * lanes, s = Int64(productShift)
                    for e in 0..<n { out[e] = 0 }
                    for t in rowStart[j]..<rowStart[j + 1] {
                        let wt = w[t], lane = x + termInput[t] * lanes
                        for e in 0..<n { out[e] = out[e] &+ wt &* lane[e] }
                    }
                    let b = bias[j]
                    for e in 0..<n { out[e] = b &+ (out[e] &<< s) }
                }
            }
        }
        let tmp = scratch + (inputCount + 1) * lanes
        for j in 0..<outputs {
            let out = y + j * lanes
            // The accumulator wraps at W_A bits.
            if accumulatorSigned {
                let s = accumulatorShift
                if s > 0 { for e in 0..<n { out[e] = (out[e] &<< s) &>> s } }
            } else {
                let m = accumulatorMask
                for e in 0..<n { out[e] = out[e] & m }
            }
            pre?.apply(out, count: n)
            activation.apply(out, out, count: n, tmp: tmp)
        }
    }

    /// Event by event with the scalar plan (products quantized one by one).
    func runExact(_ x: UnsafeMutablePointer<Int64>, _ y: UnsafeMutablePointer<Int64>, outputs: Int,
                  lanes: Int, count n: Int, scratch: UnsafeMutablePointer<Int64>) {
        let xs = UnsafeMutableBufferPointer(start: scratch, count: inputCount)
        let ys = UnsafeMutableBufferPointer(start: scratch + inputCount, count: outputs)
        for e in 0..<n {
            for k in 0..<inputCount { xs[k] = x[k * lanes + e] }
            plan.evaluate(UnsafeBufferPointer(xs), into: ys, output: activation.output)
            for j in 0..<outputs { y[j * lanes + e] = ys[j] }
        }
    }
}

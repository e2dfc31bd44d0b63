import FixedPoint
import ModelIR

/// What happened to one value when it was assigned to a type.
public enum OverflowOutcome: Sendable, Equatable {
    case fits
    /// Out of range, clamped or zeroed (`AP_SAT`, `AP_SAT_ZERO`, `AP_SAT_SYM`).
    case saturated
    /// Out of range, high bits dropped (`AP_WRAP`, `AP_WRAP_SM`).
    case wrapped
}

/// Finds values that did not fit their declared type, by recomputing the
/// exact (unbounded) value each quantization in an op receives from the
/// reference's own raw inputs, and comparing it, after rounding to the
/// type's LSB, with the type's range. This is what "the fraction of values
/// that saturated or wrapped" in the report counts; it follows the
/// arithmetic of each `LoweredKind` (docs/numerics.md).
public enum OverflowCheck {
    /// Whether `value`, rounded to `type`'s LSB with its quantization mode,
    /// falls outside `type`'s range (for `AP_SAT_SYM`, the most negative
    /// code counts as outside: it is never produced).
    public static func overflows(_ value: ExactValue, _ type: FixedType) -> Bool {
        if value.raw == 0 { return false }
        let shift = value.fractionBits - type.fractionBits
        let floor: Int128
        if shift >= 0 {
            floor = shift >= 127 ? (value.raw < 0 ? -1 : 0) : value.raw >> shift
        } else {
            let bits = 128 - value.raw.magnitude.leadingZeroBitCount
            if bits - shift > 120 { return true }
            floor = value.raw << -shift
        }
        let minR = Int128(type.minRaw), maxR = Int128(type.maxRaw)
        // Rounding moves a value up by at most one LSB from its floor.
        if floor > maxR || floor < minR - 1 { return true }
        let symmetricMin = type.overflow == .satSym && type.isSigned
        if floor > minR && floor < maxR { return false }
        // At the edges the rounding mode decides: round in a type two bits
        // wider, which holds every value from minR - 1 to maxR + 1 exactly.
        let rounded: Int128
        if type.width + 2 <= FixedType.maxWidth,
           let probe = try? FixedType(signed: true, width: type.width + 2, integerBits: type.integerBits + 2,
                                      quantization: type.quantization, overflow: .wrap) {
            rounded = Int128(probe.quantize(value))
        } else {
            rounded = floor
        }
        return rounded > maxR || rounded < minR || (symmetricMin && rounded == minR)
    }

    /// ``overflows(_:_:)`` classified by the type's overflow mode.
    public static func outcome(_ value: ExactValue, _ type: FixedType) -> OverflowOutcome {
        guard overflows(value, type) else { return .fits }
        switch type.overflow {
        case .wrap, .wrapSM: return .wrapped
        case .sat, .satZero, .satSym: return .saturated
        }
    }

    /// Counts for one op over some events.
    public struct Counts: Sendable, Equatable {
        /// Output elements with at least one saturating assignment.
        public var saturated = 0
        /// Output elements with at least one wrapping assignment
        /// (in a dense op this includes an accumulator that wrapped).
        public var wrapped = 0
        /// Table lookups whose index was clamped to the table's ends
        /// (input outside the table's range; harmless for sigmoid/tanh far
        /// from zero, but reported).
        public var clamped = 0
        public init() {}
    }

    /// Adds to `counts` what op `op` did in one event, given every tensor's raw
    /// codes for that event (``FixedPointEvaluator/trace(_:)``).
    public static func count(_ op: LoweredOp, in model: LoweredModel, trace: [[Int64]], into counts: inout Counts) {
        let out = model[op.output].type
        let x = trace[op.inputs[0].index]
        let tx = model[op.inputs[0]].type
        func record(_ outcomes: [OverflowOutcome]) {
            if outcomes.contains(.saturated) { counts.saturated += 1 }
            if outcomes.contains(.wrapped) { counts.wrapped += 1 }
        }
        switch op.kind {
        case .dense, .scale:
            let d = op.kind.denseForm!
            for j in d.rows.indices { record(dense(d, row: j, x: x, inputType: tx, output: out)) }
        case .activation(let a):
            for v in x {
                let (value, _) = pointwise(a, ExactValue(v, of: tx))
                record([outcome(value, out)])
            }
        case .table(let t):
            let shift = t.shift(inputFractionBits: tx.fractionBits)
            for v in x where !indexInRange(v, shift: shift, bits: t.indexBits, centred: true) { counts.clamped += 1 }
        case .softmax(let s):
            softmax(s, x: x, inputType: tx, output: out, counts: &counts)
        case .add, .subtract, .multiply:
            let y = trace[op.inputs[1].index], ty = model[op.inputs[1]].type
            for i in x.indices {
                let r = op.kind.exactBinary(ExactValue(x[i], of: tx), ExactValue(y[i], of: ty))!
                record([outcome(r, out)])
            }
        case .sum:
            var total: Int128 = 0
            for v in x { total += Int128(v) }
            record([outcome(ExactValue(raw: total, fractionBits: tx.fractionBits), out)])
        case .quantize:
            for v in x { record([outcome(ExactValue(v, of: tx), out)]) }
        case .concatenate:
            break
        case .maximum(let m):
            for g in m.groups { record([outcome(ExactValue(g.map { x[$0] }.max()!, of: tx), out)]) }
        case .gather(let g):
            for k in g.indices { record([outcome(ExactValue(x[k], of: tx), out)]) }
        case .threshold(let t):
            // Exact by construction: every output is a code of the output type.
            for (i, v) in x.enumerated() { record([outcome(ExactValue(t.output(v, element: i), of: out), out)]) }
        case .forest(let f):
            // The sums are exact in the accumulator unless one was declared; count the result's assignment.
            var acc = f.base.map { Int128(f.accumulatorType.quantize(raw: $0, from: f.leafType)) }
            for tree in f.trees {
                if case .leaf(let v) = tree.nodes[f.leafIndex(of: tree, { x[$0] })] {
                    acc[tree.classIndex] += Int128(f.accumulatorType.quantize(raw: v, from: f.leafType))
                }
            }
            for a in acc {
                let outcomes = [outcome(ExactValue(raw: a, fractionBits: f.accumulatorType.fractionBits), f.accumulatorType)]
                let wrapped = f.accumulatorType.rawFromBits(f.accumulatorType.bits(ofRaw: Int64(truncatingIfNeeded: a)))
                record(outcomes.filter { $0 == .wrapped } + [outcome(ExactValue(wrapped, of: f.accumulatorType), out)])
            }
        }
    }

    /// The assignments of one dense output: bias and products to the
    /// accumulator, the exact sum to the accumulator (it wraps by design,
    /// so an out-of-range sum is a wrap), the optional pre-activation type,
    /// then the activation's result to the output type.
    static func dense(_ d: DenseOp, row j: Int, x: [Int64], inputType tx: FixedType, output: FixedType) -> [OverflowOutcome] {
        let a = d.accumulatorType
        var outcomes: [OverflowOutcome] = []
        let bias = ExactValue(d.bias[j], of: d.biasType)
        outcomes.append(outcome(bias, a))
        var sum = Int128(a.quantize(bias))
        let productFraction = d.weightType.fractionBits + tx.fractionBits
        let shift = a.fractionBits - productFraction
        // Products rounded to the accumulator's LSB (without its range): a
        // 64-bit signed type with the accumulator's binary point and mode.
        let wide = shift < 0 ? try? FixedType(signed: true, width: 64, integerBits: 64 - a.fractionBits,
                                              quantization: a.quantization, overflow: .wrap) : nil
        for term in d.rows[j] {
            let p = Int128(term.weight) * Int128(x[term.input])
            if shift >= 0 {
                sum += p << shift
            } else if let wide {
                sum += Int128(wide.quantize(ExactValue(raw: p, fractionBits: productFraction)))
            } else {
                sum += p >> -shift
            }
        }
        let exactSum = ExactValue(raw: sum, fractionBits: a.fractionBits)
        outcomes.append(outcome(exactSum, a))
        var v = ExactValue(a.quantize(exactSum), of: a)
        if let pre = d.preActivationType {
            outcomes.append(outcome(v, pre))
            v = ExactValue(pre.quantize(v), of: pre)
        }
        outcomes.append(outcome(pointwise(d.activation, v).value, output))
        return outcomes
    }

    /// The exact result of ReLU / LeakyReLU / identity.
    static func pointwise(_ a: PointwiseActivation, _ v: ExactValue) -> (value: ExactValue, negative: Bool) {
        let negative = v.raw < 0
        switch a {
        case .linear: return (v, negative)
        case .relu: return (negative ? ExactValue(raw: 0, fractionBits: 0) : v, negative)
        case .leakyReLU(let alpha, let alphaType):
            return (negative ? v * ExactValue(alpha, of: alphaType) : v, negative)
        }
    }

    /// Whether `(x >> shift) + offset` lies in `[0, 2^bits)` (the same index
    /// as the reference's table lookup, before its clamp).
    static func indexInRange(_ x: Int64, shift: Int, bits: Int, centred: Bool) -> Bool {
        let v = Int128(x)
        var i: Int128 = shift >= 0 ? (shift >= 127 ? (v < 0 ? -1 : 0) : v >> shift) : v << min(-shift, 60)
        if centred { i += Int128(1) << (bits - 1) }
        return i >= 0 && i < (Int128(1) << bits)
    }

    static func softmax(_ s: SoftmaxOp, x: [Int64], inputType tx: FixedType, output: FixedType, counts: inout Counts) {
        guard let m = x.max() else { return }
        let expShift = s.expShift(inputFractionBits: tx.fractionBits)
        let top = (1 << s.expIndexBits) - 1
        var e: [Int64] = []
        var sum: Int64 = 0
        for v in x {
            let d = Int128(m) - Int128(v)
            let raw: Int128 = expShift >= 0 ? d >> expShift : d << min(-expShift, 60)
            let idx = Int(min(raw, Int128(top)))
            e.append(s.expValues[idx])
            sum += s.expValues[idx]
        }
        if !indexInRange(sum, shift: s.inverseShift, bits: s.inverseIndexBits, centred: false) { counts.clamped += 1 }
        let invIndex: Int = {
            let v = Int128(sum), shift = s.inverseShift
            let i: Int128 = shift >= 0 ? v >> shift : v << min(-shift, 60)
            return Int(min(max(i, 0), Int128((1 << s.inverseIndexBits) - 1)))
        }()
        let inv = ExactValue(s.inverseValues[invIndex], of: s.inverseType)
        for ei in e {
            switch outcome(ExactValue(ei, of: s.expType) * inv, output) {
            case .saturated: counts.saturated += 1
            case .wrapped: counts.wrapped += 1
            case .fits: break
            }
        }
    }
}

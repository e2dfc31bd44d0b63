import FixedPoint
import Foundation
import ModelIR
import Passes

/// A `Quant` whose scale does not cancel to a power of two (Brevitas's float
/// activation scales: a 3-bit ReLU with scale 1/7 and the like), on a
/// computed tensor of integer codes `v` (ONNX value `p · v · 2^-F`, `p` the
/// pending scale): a threshold node (issue 26). The executor computes
/// `code(v) = round(clip(x / s + z)) − z` in float32 (float64 for DOUBLE
/// models) with `x = p · v · 2^-F` held exactly; every step is monotone
/// non-decreasing in `x` (correctly rounded division and addition, a clamp,
/// a rounding), so `code` is a staircase in `v` whose thresholds — the first
/// `v` reaching each code — are found by binary search over the input's
/// codes, evaluating the executor's float function itself. The output is the
/// integer code with the node's scale pending on it, kept only when
/// `code · s` is exact in float32 for every code (the executor casts a
/// Quant's output to float32, in DOUBLE models too; its product then rounds
/// nothing).
extension GraphImporter {
    /// The threshold node for `node` reading `x`, or an error naming the node
    /// and what cannot be exact.
    mutating func importFloatScaleQuant(_ input: DynamicTensor, _ p: QuantParameters, _ node: Onnx_NodeProto) throws(QONNXError) -> DynamicTensor {
        var x = input
        let n = x.count
        let scales = inIROrder(try broadcast(p.scale, to: x.dims, node, "scale"), x)
        let zeros = try broadcast(p.zeroPoint, to: x.dims, node, "zeropt")
        guard let z = zeros.first, zeros.allSatisfy({ $0 == z }), z == z.rounded(), abs(z) < 0x1p40 else {
            throw error(node, "zeropt", "a float-scale Quant on a computed tensor needs one integer zero point (got \(zeros.prefix(4)))")
        }
        let chain = x.chain ?? FloatChain()
        let sources = x.chainSources
        // A float32 sum of unfixed order before the chain (FloatSums.swift): its bound and constant.
        let slack = x.slack, offset = x.offset ?? Array(repeating: 0, count: n)
        x.chain = nil
        x.slack = nil
        x.offset = nil
        let pending = x.pending ?? Array(repeating: 1, count: n)
        x.pending = nil
        if let bad = pending.first(where: { $0 == 0 || !$0.isFinite }) {
            throw error(node, nil, "reads a tensor scaled by \(bad); a float-scale Quant needs non-zero finite earlier scales")
        }
        if chain.steps.isEmpty, let bad = pending.first(where: { !($0 > 0) }) {
            throw error(node, nil, "reads a tensor scaled by \(bad); a float-scale Quant needs positive earlier scales (a monotone staircase)")
        }
        if let (k, i, v) = chain.badConstant() {
            throw error(node, nil, "the float chain's \(sources[k]) has constant \(v) at element \(i): the result is not finite")
        }
        let mantissa = mantissaBits
        func codeBits(_ t: FixedType) -> Int { 64 - max(t.minRaw.magnitude, t.maxRaw.magnitude).leadingZeroBitCount }
        for (i, q) in pending.enumerated() where slack == nil && Self.significantBits(q) + codeBits(x.type) > mantissa {
            throw error(node, "input", "the input's \(codeBits(x.type))-bit codes times its scale \(q) (element \(i)) are not exact in \(elementIsDouble ? "float64" : "float32"); the executor rounds them")
        }
        // Each element's direction: the pending sign times the chain's. A
        // decreasing element is read negated (an exact ±1 scaling, folded
        // into the producing layer when it can be), so every staircase rises.
        let signs = (0..<n).map { i in (pending[i] < 0 ? -1.0 : 1.0) * chain.direction(element: i) }
        if signs.contains(-1) {
            x = try emitAffine(x, scale: signs, shift: Array(repeating: 0, count: n), node: node, hint: hint(node, suffix: "_dir"))
        }
        let f = x.type.fractionBits
        let lo = x.type.minRaw, hi = x.type.maxRaw
        let (qmin, qmax) = quantIntegerRange(signed: p.signed, narrow: p.narrow, bitWidth: p.bitWidth)
        let steps = Int(qmax - qmin)
        guard steps >= 1, steps <= 4096 else {
            throw error(node, "bitwidth", "a float-scale Quant becomes \(steps) thresholds; at most 4096 (12 bits) are supported")
        }
        // The exact accumulator value for code y of element i (y is the negated code on a decreasing element),
        // plus the sum's constant: the nominal value of a float32 sum (FloatSums.swift).
        func accumulator(_ y: Int64, _ i: Int) -> Double {
            pending[i] * signs[i] * Double(sign: y < 0 ? .minus : .plus, exponent: -f, significand: Double(y.magnitude)) + offset[i]
        }
        // The bound around that value within which the executor's sum lies (0 when exact), widened
        // by the rounding of the nominal value in Double.
        func margin(_ v: Double, _ i: Int) -> Double {
            guard let slack else { return 0 }
            return slack[i] + abs(v) * 0x1p-50
        }
        // Every value of the chain must be finite over the whole range (each step is monotone: its ends suffice).
        for i in 0..<n {
            for end in [lo, hi] {
                let v = accumulator(end, i), d = margin(v, i)
                for point in [v - d, v + d] {
                    if let bad = chain.trace(point, element: i, double: elementIsDouble).first(where: { !$0.value.isFinite }) {
                        throw error(node, nil, "the float chain's \(sources[bad.step]) gives \(bad.value) for element \(i) at the accumulator's \(end == lo ? "minimum" : "maximum"); a float chain must stay finite over the accumulator's range")
                    }
                }
            }
        }
        // The executor's output code for input code y of element i.
        func code(_ y: Int64, _ i: Int) -> Double { codeOf(accumulator(y, i), i) }
        // The lowest and highest code the executor can give within the sum's bound (both rise with y).
        func lowCode(_ y: Int64, _ i: Int) -> Double {
            let v = accumulator(y, i), d = margin(v, i)
            return min(codeOf(v - d, i), codeOf(v + d, i))
        }
        func highCode(_ y: Int64, _ i: Int) -> Double {
            let v = accumulator(y, i), d = margin(v, i)
            return max(codeOf(v - d, i), codeOf(v + d, i))
        }
        // The executor's output code for the value v (before the chain) of element i.
        func codeOf(_ v: Double, _ i: Int) -> Double {
            let value = chain.evaluate(v, element: i, double: elementIsDouble)
            if elementIsDouble {
                return qonnxIntQuant(value, scale: scales[i], zeroPoint: z, bitWidth: p.bitWidth, signed: p.signed,
                                     narrow: p.narrow, rounding: p.rounding).code
            }
            return Double(qonnxIntQuant(Float(value), scale: Float(scales[i]), zeroPoint: Float(z), bitWidth: p.bitWidth,
                                        signed: p.signed, narrow: p.narrow, rounding: p.rounding).code)
        }
        let bottom = qmin - z
        // One list per element (searched once per distinct set of parameters),
        // then shared when every element has the same.
        var lists: [[Int64]] = []
        var searched: [[Double]: (list: [Int64], ambiguous: Int)] = [:]
        var ambiguous = 0
        // The first y whose code reaches target (hi + 1 when none does).
        func first(_ target: Double, _ i: Int, _ code: (Int64, Int) -> Double) -> Int64 {
            if code(lo, i) >= target { return lo }
            if code(hi, i) < target { return hi + 1 }
            var (a, b) = (lo, hi)   // code(a) < target <= code(b)
            while b - a > 1 {
                let m = a + (b - a) / 2
                if code(m, i) >= target { b = m } else { a = m }
            }
            return b
        }
        for i in 0..<n {
            let key = [pending[i], scales[i], signs[i], offset[i], slack?[i] ?? 0] + chain.constants(element: i)
            if let known = searched[key] {
                lists.append(known.list)
                ambiguous += known.ambiguous
                continue
            }
            var list: [Int64] = []
            var near = 0
            for level in 1...steps {
                let target = bottom + Double(level)
                list.append(first(target, i, code))
                // The accumulator values where the executor may give a code below or at this level.
                if slack != nil { near += Int(first(target, i, lowCode) - first(target, i, highCode)) }
            }
            searched[key] = (list, near)
            lists.append(list)
            ambiguous += near
        }
        let channels = irShapes[x.tensor]?.last ?? x.dims.last ?? 1
        let shared: [[Int64]]
        if lists.allSatisfy({ $0 == lists[0] }) {
            shared = [lists[0]]
        } else if n % channels == 0, lists.indices.allSatisfy({ lists[$0] == lists[$0 % channels] }) {
            shared = Array(lists[0..<channels])
        } else {
            throw error(node, "scale", "the thresholds differ along an axis other than the last; per-channel scales on the last axis are supported")
        }
        // code · s exact in float32 for every code: the scale stays pending on the codes. Otherwise (a
        // scale such as 1/7) the executor's float32 product is a chain step, which only a Quant or a
        // graph output may read (in a DOUBLE model the Quant's float32 cast is not a chain step: refused).
        var roundsProducts = false
        for s in Set(scales) where s != 1 {
            for k in 0...steps {
                let c = bottom + Double(k)
                let product = c * s
                // Exact in Double when the rounding error (an fma) is zero; then exact in float32 when it survives
                // the conversion: the executor's Quant casts its output to float32, in DOUBLE models too.
                if (-product).addingProduct(c, s) != 0 || Double(Float(product)) != product {
                    guard !elementIsDouble else {
                        throw error(node, "scale", "its scale \(s) is not a power of two, and the executor rounds code \(Int(c)) times it to float32 (a Quant's output is float32): in a DOUBLE model a float scale on a computed tensor is supported when every code times it is exact")
                    }
                    roundsProducts = true
                }
            }
        }
        let thresholds = shared.map { list in list.map { Double(sign: $0 < 0 ? .minus : .plus, exponent: -f, significand: Double($0.magnitude)) } }
        let type = try exactType([bottom, bottom + Double(steps)], node, "codes")
        let name = try emit(hint(node), .threshold(Thresholds(thresholds: thresholds, outScale: 1, outBias: bottom)), inputs: [x.tensor],
                        precision: LayerPrecision(result: type), absorbable: false, source: node)
        if let slack {
            let values = Double(n) * (Double(hi) - Double(lo) + 1)
            floatSumNotes.append(FloatSumNote(node: Self.label(node), layer: name, ambiguous: ambiguous, values: values,
                                              bound: slack.max() ?? 0))
        }
        let exactScales = scales.allSatisfy { $0 == 1 }
        var out = DynamicTensor(tensor: name, dims: x.dims, type: type, pending: exactScales || roundsProducts ? nil : scales,
                                soleUse: true, batchAxis: x.batchAxis, layout: x.layout)
        if roundsProducts {
            out.chain = FloatChain(steps: [.multiply(scales)])
            out.chainSources = [Self.label(node)]
        }
        return out
    }

    /// The significant bits of `v`'s binary mantissa (1 for a power of two).
    static func significantBits(_ v: Double) -> Int {
        guard v != 0, v.isFinite else { return 0 }
        let m = v.significandBitPattern | (UInt64(1) << 52)
        return 53 - m.trailingZeroBitCount
    }
}

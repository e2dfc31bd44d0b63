import FixedPoint
import ModelIR

/// A second, deliberately naive evaluator written straight from the doc
/// comments of ``LoweredKind`` with exact arithmetic everywhere (no fast
/// paths, no 64-bit shortcuts). The reference must agree with it bit for bit.
struct SpecEvaluator {
    let m: LoweredModel

    func run(_ inputs: [Int64]) -> [Int64] {
        var t: [[Int64]] = m.tensors.map { Array(repeating: 0, count: $0.size) }
        var k = 0
        for id in m.inputs { for i in 0..<m[id].size { t[id.index][i] = inputs[k]; k += 1 } }
        for op in m.ops {
            let out = m[op.output].type
            let xt = m[op.inputs[0]].type
            let x = t[op.inputs[0].index]
            func exact(_ v: Int64, _ type: FixedType) -> ExactValue { ExactValue(v, of: type) }
            var y: [Int64] = []
            switch op.kind {
            case .dense(let d):
                let a = d.accumulatorType
                for j in d.rows.indices {
                    var acc = exact(a.quantize(exact(d.bias[j], d.biasType)), a)
                    for term in d.rows[j] {
                        let p = a.quantize(exact(term.weight, d.weightType) * exact(x[term.input], xt))
                        acc = exact(a.quantize(acc + exact(p, a)), a)   // each addition wraps in A
                    }
                    var v = acc
                    if let pre = d.preActivationType { v = exact(pre.quantize(v), pre) }
                    y.append(activate(d.activation, v, out))
                }
            case .scale(let s):
                let a = s.accumulatorType
                for i in x.indices {
                    let bias = a.quantize(exact(s.bias[i], s.biasType))
                    let product = a.quantize(exact(s.weights[i], s.weightType) * exact(x[i], xt))
                    var v = exact(a.quantize(exact(bias, a) + exact(product, a)), a)   // the addition wraps in A
                    if let pre = s.preActivationType { v = exact(pre.quantize(v), pre) }
                    y.append(activate(s.activation, v, out))
                }
            case .activation(let act):
                y = x.map { activate(act, exact($0, xt), out) }
            case .table(let tab):
                let range = ExactValue(raw: 1, fractionBits: -tab.rangeLog2)
                y = x.map { v in
                    // index = floor((x + R) * N / (2R)), clamped.
                    let shifted = exact(v, xt) + range
                    let scaled = ExactValue(raw: shifted.raw, fractionBits: shifted.fractionBits - tab.indexBits + tab.rangeLog2 + 1)
                    let i = floorInt(scaled)
                    return tab.values[Int(min(max(i, 0), Int128(tab.values.count - 1)))]
                }
            case .softmax(let s):
                let mx = x.max()!
                let e = x.map { v -> Int64 in
                    let d = ExactValue(raw: Int128(mx) - Int128(v), fractionBits: xt.fractionBits)
                    let i = floorInt(ExactValue(raw: d.raw, fractionBits: d.fractionBits - s.expIndexBits + s.expRangeLog2))
                    return s.expValues[Int(min(i, Int128(s.expValues.count - 1)))]
                }
                let sum = ExactValue(raw: e.reduce(Int128(0)) { $0 + Int128($1) }, fractionBits: s.expType.fractionBits)
                let i = floorInt(ExactValue(raw: sum.raw, fractionBits: sum.fractionBits - s.inverseIndexBits + s.inverseRangeLog2))
                let inv = s.inverseValues[Int(min(i, Int128(s.inverseValues.count - 1)))]
                y = e.map { out.quantize(exact($0, s.expType) * exact(inv, s.inverseType)) }
            case .add, .subtract, .multiply:
                let bt = m[op.inputs[1]].type
                let b = t[op.inputs[1].index]
                y = x.indices.map { i in
                    let u = exact(x[i], xt), v = exact(b[i], bt)
                    switch op.kind {
                    case .add: return out.quantize(u + v)
                    case .subtract: return out.quantize(u - v)
                    default: return out.quantize(u * v)
                    }
                }
            case .concatenate:
                y = op.inputs.flatMap { t[$0.index] }
            case .sum:
                y = [out.quantize(x.reduce(ExactValue(raw: 0, fractionBits: 0)) { $0 + exact($1, xt) })]
            case .quantize:
                y = x.map { out.quantize(exact($0, xt)) }
            case .forest(let f):
                // Walk each tree from the doc comment of ForestOp; each addition wraps in A.
                let a = f.accumulatorType
                var acc = f.base.map { exact(a.quantize(exact($0, f.leafType)), a) }
                for tree in f.trees {
                    var n = 0
                    while case .split(let feature, let c, let l, let r) = tree.nodes[n] { n = x[feature] < c ? l : r }
                    guard case .leaf(let v) = tree.nodes[n] else { continue }
                    let k = tree.classIndex
                    acc[k] = exact(a.quantize(acc[k] + exact(a.quantize(exact(v, f.leafType)), a)), a)
                }
                y = acc.map { out.quantize($0) }
            case .maximum(let m):
                // The largest exact value of each group, then assigned to out.
                y = m.groups.map { g in out.quantize(g.map { exact(x[$0], xt) }.max { ($0 - $1).raw < 0 }!) }
            case .gather(let g):
                y = g.indices.map { out.quantize(exact(x[$0], xt)) }
            case .threshold(let th):
                // Count the list's thresholds the code reaches, one by one; the code is then exact.
                y = x.indices.map { i in
                    let list = th.thresholds[i % th.thresholds.count]
                    return th.outputBias + th.outputStep * Int64(list.filter { x[i] >= $0 }.count)
                }
            }
            t[op.output.index] = y
        }
        return m.outputs.flatMap { t[$0.index] }
    }

    func activate(_ a: PointwiseActivation, _ v: ExactValue, _ out: FixedType) -> Int64 {
        switch a {
        case .linear: return out.quantize(v)
        case .relu: return out.quantize(v.raw < 0 ? ExactValue(raw: 0, fractionBits: 0) : v)
        case .leakyReLU(let alpha, let type):
            return out.quantize(v.raw < 0 ? v * ExactValue(alpha, of: type) : v)
        }
    }

    /// floor(v) for an exact value.
    func floorInt(_ v: ExactValue) -> Int128 {
        v.fractionBits >= 0 ? v.raw >> v.fractionBits : v.raw << -v.fractionBits
    }
}

import FixedPoint
import ModelIR

/// Checks the invariants every consumer of the lowered IR relies on.
/// Run after each pass; a failure is a compiler bug, reported with the pass name.
public enum Verify {
    /// `explicitQuantize`: whether ``InsertQuantize`` has run, so that a
    /// concatenation's inputs must already have its type.
    public static func run(_ m: LoweredModel, after pass: String, explicitQuantize: Bool = true) throws(LoweringError) {
        func fail(_ op: String?, _ message: String) -> LoweringError {
            LoweringError(layer: op, message: "internal error after \(pass): \(message)")
        }
        var defined = Set(m.inputs)
        var names = Set<String>()
        for t in m.tensors {
            guard t.size >= 1 else { throw fail(nil, "tensor '\(t.name)' is empty") }
            guard names.insert(t.name).inserted else { throw fail(nil, "tensor name '\(t.name)' used twice") }
        }
        for op in m.ops {
            for i in op.inputs {
                guard i.index < m.tensors.count else { throw fail(op.name, "reads unknown tensor \(i)") }
                guard defined.contains(i) else { throw fail(op.name, "reads \(m[i].name) before it is written") }
            }
            guard op.output.index < m.tensors.count, !defined.contains(op.output) else {
                throw fail(op.name, "writes a tensor that is already defined")
            }
            defined.insert(op.output)
            let out = m[op.output]
            let ins = op.inputs.map { m[$0] }
            switch op.kind {
            case .dense(let d):
                guard ins.count == 1 else { throw fail(op.name, "dense takes one input") }
                guard d.rows.count == out.size, d.bias.count == out.size else { throw fail(op.name, "row/bias count differs from the output size") }
                guard wraps(d.accumulatorType) else { throw fail(op.name, "the accumulator must wrap") }
                for row in d.rows {
                    for t in row where t.input < 0 || t.input >= ins[0].size || t.weight < d.weightType.minRaw || t.weight > d.weightType.maxRaw {
                        throw fail(op.name, "weight term \(t) out of range")
                    }
                }
                if let mux = d.multiplex, let problem = multiplexProblem(mux, d, inputSize: ins[0].size) { throw fail(op.name, problem) }
            case .scale(let s):
                guard ins.count == 1, ins[0].size == out.size else { throw fail(op.name, "element-wise op changes the size") }
                guard s.weights.count == out.size, s.bias.count == out.size else {
                    throw fail(op.name, "weight/bias count differs from the output size")
                }
                guard wraps(s.accumulatorType) else { throw fail(op.name, "the accumulator must wrap") }
                for (i, w) in s.weights.enumerated() where w < s.weightType.minRaw || w > s.weightType.maxRaw {
                    throw fail(op.name, "weight \(w) of element \(i) out of range")
                }
            case .activation, .table, .softmax, .quantize:
                guard ins.count == 1, ins[0].size == out.size else { throw fail(op.name, "element-wise op changes the size") }
                if case .table(let t) = op.kind, t.values.count != 1 << t.indexBits { throw fail(op.name, "table size is not 2^indexBits") }
                if case .softmax(let s) = op.kind,
                   s.expValues.count != 1 << s.expIndexBits || s.inverseValues.count != 1 << s.inverseIndexBits {
                    throw fail(op.name, "softmax table size is not 2^indexBits")
                }
            case .add, .subtract, .multiply:
                guard ins.count == 2, ins[0].size == out.size, ins[1].size == out.size else { throw fail(op.name, "binary op sizes differ") }
            case .concatenate:
                guard ins.reduce(0, { $0 + $1.size }) == out.size else { throw fail(op.name, "concatenation size differs") }
                guard !explicitQuantize || ins.allSatisfy({ $0.type == out.type }) else { throw fail(op.name, "concatenated inputs must have the output type") }
            case .sum:
                guard ins.count == 1, out.size == 1 else { throw fail(op.name, "sum has one input and one output") }
            case .forest(let f):
                guard ins.count == 1 else { throw fail(op.name, "a forest takes one input") }
                if let problem = ForestVerify.problem(f, input: ins[0], outputSize: out.size) { throw fail(op.name, problem) }
            case .maximum(let m):
                guard ins.count == 1, m.groups.count == out.size else { throw fail(op.name, "maximum has one input and a group per output") }
                guard m.groups.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 >= 0 && $0 < ins[0].size } }) else {
                    throw fail(op.name, "a group is empty or reads outside the input")
                }
            case .threshold(let t):
                guard ins.count == 1, out.size == ins[0].size else { throw fail(op.name, "threshold has one input and an output per element") }
                if let problem = ThresholdVerify.problem(t, inputType: ins[0].type, outputType: out.type) { throw fail(op.name, problem) }
            case .gather(let g):
                guard ins.count == 1, g.indices.count == out.size else { throw fail(op.name, "gather has one input and an index per output") }
                guard g.indices.allSatisfy({ $0 >= 0 && $0 < ins[0].size }) else { throw fail(op.name, "an index reads outside the input") }
            }
        }
        for o in m.outputs where !defined.contains(o) { throw fail(nil, "output \(o) is never written") }
    }

    /// Why a dense op's kernel layout does not state its rows (nil when it does).
    static func multiplexProblem(_ m: TimeMultiplex, _ d: DenseOp, inputSize: Int) -> String? {
        let f = m.kernel.count
        guard m.reuse >= 2, m.reuse <= m.positions, f >= 1, m.positions * f == d.rows.count else {
            return "time-multiplex layout: reuse \(m.reuse), \(m.positions) positions x \(f) filters for \(d.rows.count) rows"
        }
        for w in m.windows {
            for case let k? in w where k < 0 || k >= inputSize { return "time-multiplex window reads element \(k) outside the input" }
        }
        for (j, kernelRow) in m.kernel.enumerated() {
            for t in kernelRow where m.windows.contains(where: { t.input < 0 || t.input >= $0.count }) {
                return "time-multiplex kernel row \(j) reads slot \(t.input) outside a window"
            }
        }
        func sorted(_ r: [WeightTerm]) -> [WeightTerm] { r.filter { $0.weight != 0 }.sorted { $0.input < $1.input } }
        for p in 0..<m.positions {
            for j in 0..<f where sorted(d.rows[p * f + j]) != sorted(m.row(position: p, filter: j)) || d.bias[p * f + j] != d.bias[j] {
                return "time-multiplex layout differs from row \(p * f + j) (position \(p), filter \(j))"
            }
        }
        return nil
    }

    /// The accumulator of a dense or scale op wraps (no saturation), so the
    /// order of its additions never changes the result.
    static func wraps(_ a: FixedType) -> Bool { a.overflow == .wrap && a.saturationBits == 0 }
}

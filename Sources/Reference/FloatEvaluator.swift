import Foundation
import ModelIR
import Passes
import TensorIO

/// Evaluates the graph IR in Double: the unquantized model, the baseline that
/// fixed-point results are compared with.
public struct FloatEvaluator: Sendable {
    /// The graph with its tensor ops rewritten flat (``ExpandTensorOps``).
    public let graph: Graph

    /// `graph` must pass ``ValidateGraph`` (a decoded or lowered model does).
    public init(_ graph: Graph) { self.graph = FloatEvaluator.flat(graph) }

    /// The graph's flat form, which the evaluators run: the same arithmetic
    /// in float as the lowered ops in fixed point.
    static func flat(_ graph: Graph) -> Graph {
        // A graph that does not expand fails ValidateGraph, which every loader runs first.
        return (try? ExpandTensorOps.run(graph)) ?? graph
    }

    /// Every tensor's values for one event, by name.
    public func trace(_ inputs: ArraySlice<Double>) -> [String: [Double]] {
        var values: [String: [Double]] = [:]
        var i = inputs.startIndex
        for input in graph.inputs {
            values[input.name] = Array(inputs[i..<(i + input.size)])
            i += input.size
        }
        for node in graph.nodes {
            let x = values[node.inputs[0]]!
            values[node.name] = Self.apply(node.op, x, node.inputs.dropFirst().map { values[$0]! })
        }
        return values
    }

    /// Outputs (concatenated in the order of ``Graph/outputs``) for each event.
    public func run(_ inputs: EventTable) -> EventTable {
        var rows: [[Double]] = []
        for r in 0..<inputs.rows {
            let t = trace(inputs[row: r])
            rows.append(graph.outputs.flatMap { t[$0]! })
        }
        return EventTable(rows)
    }

    static func apply(_ op: Op, _ x: [Double], _ others: [[Double]]) -> [Double] {
        switch op {
        case .dense(let d):
            return d.weights.indices.map { j in
                var acc = d.bias[j]
                for k in x.indices { acc += d.weights[j][k] * x[k] }
                return acc
            }
        case .batchNorm(let bn):
            let (scale, shift) = bn.scaleAndShift
            return x.indices.map { scale[$0] * x[$0] + shift[$0] }
        case .activation(let a):
            switch a {
            case .linear: return x
            case .relu: return x.map { max($0, 0) }
            case .leakyReLU(let alpha): return x.map { $0 >= 0 ? $0 : alpha * $0 }
            case .sigmoid: return x.map { 1 / (1 + exp(-$0)) }
            case .tanh: return x.map { Foundation.tanh($0) }
            case .softmax:
                let m = x.max()!
                let e = x.map { exp($0 - m) }
                let s = e.reduce(0, +)
                return e.map { $0 / s }
            }
        case .add: return zip(x, others[0]).map { $0 + $1 }
        case .subtract: return zip(x, others[0]).map { $0 - $1 }
        case .multiply: return zip(x, others[0]).map { $0 * $1 }
        case .concatenate: return x + others.flatMap { $0 }
        case .sum: return [x.reduce(0, +)]
        case .forest(let f): return f.scores { x[$0] }
        case .linear(let l):
            return l.rows.indices.map { j in
                var acc = l.bias[l.biasIndex[j]]
                for t in l.rows[j] { acc += l.weights[t.parameter] * x[t.input] }
                return acc
            }
        case .maximum(let groups): return groups.map { g in g.dropFirst().reduce(x[g[0]]) { max($0, x[$1]) } }
        case .gather(let indices): return indices.map { x[$0] }
        case .threshold(let t): return x.indices.map { t.evaluate(x[$0], element: $0) }
        case .conv, .pool, .reduce, .reshape, .transpose:
            preconditionFailure("\(op.kindName) is evaluated in its flat form (ExpandTensorOps)")
        }
    }
}

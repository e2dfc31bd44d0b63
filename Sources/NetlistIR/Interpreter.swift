import FixedPoint

/// Evaluates a netlist on integers, the way the hardware does: each node's
/// operation is computed exactly and the result is what a wire of the
/// node's width holds (two's complement when the node is signed). Registers
/// pass their value through (timing is the simulator's concern). For every
/// event whose inputs lie in their ports' ranges the outputs are the raw
/// codes the Verilog computes.
public struct Interpreter: Sendable {
    public let netlist: Netlist

    public init(_ netlist: Netlist) { self.netlist = netlist }

    /// Output raw codes for one event: `ports[p][i]` is element `i` of port `p`.
    public func evaluate(_ ports: [[Int64]]) -> [Int64] {
        var values = [Int128](repeating: 0, count: netlist.nodes.count)
        for (i, node) in netlist.nodes.enumerated() {
            let v = value(node, values, ports)
            values[i] = Interval.wrap(v, width: node.width, signed: node.isSigned)
        }
        return netlist.outputs.map { Int64(truncatingIfNeeded: values[$0.index]) }
    }

    func value(_ node: Node, _ v: [Int128], _ ports: [[Int64]]) -> Int128 {
        switch node.operation {
        case let .input(port, element): return Int128(ports[port][element])
        case let .constant(c): return c
        case let .add(a, ka, b, kb, subtract):
            return subtract ? (v[a.index] << ka) - (v[b.index] << kb) : (v[a.index] << ka) + (v[b.index] << kb)
        case let .add3(a, b, c):
            return [a, b, c].reduce(Int128(0)) { sum, t in
                let x = v[t.node.index] << t.shift
                return t.negative ? sum - x : sum + x
            }
        case let .negate(a): return -v[a.index]
        case let .wrap(a, _), let .view(a), let .register(a): return v[a.index]
        case let .quantize(a, type):
            return Int128(type.quantize(ExactValue(raw: v[a.index], fractionBits: -netlist[a].scale)))
        case let .relu(a): return max(v[a.index], 0)
        case let .maximum(a, b): return max(v[a.index], v[b.index])
        case let .select(test, negative, otherwise): return v[test.index] < 0 ? v[negative.index] : v[otherwise.index]
        case let .offsetBinary(a, bits): return Interval.wrap(v[a.index], width: bits, signed: true) + (Int128(1) << (bits - 1))
        case let .lookup(table, index):
            let words = netlist.tables[table].values
            let i = Int(truncatingIfNeeded: v[index.index])
            return i >= 0 && i < words.count ? Int128(words[i]) : 0
        case let .multiply(a, b): return v[a.index] * v[b.index]
        }
    }
}

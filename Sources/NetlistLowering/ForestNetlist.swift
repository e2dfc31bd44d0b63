import FixedPoint
import ModelIR
import NetlistIR

/// A forest as logic (``ForestOp``): one comparator per distinct
/// `(feature, threshold)` pair, shared by every tree that tests it (the
/// sign of `x[f] - c` is the path bit `x[f] < c`); each tree a mux tree on
/// its path bits choosing among its leaves, held as constants already in
/// the accumulator type; each class an adder tree over its trees and its base
/// score, wrapping in the accumulator, then assigned to the output type. The
/// comparators all work in parallel and the pipeline places registers by the
/// delay model like any other op.
extension OpNetlists {
    static func forest(_ f: ForestOp, _ x: [NodeID], inputType: FixedType, out: FixedType, _ b: inout OpNetlist) throws(NetlistLoweringError) -> [NodeID] {
        let A = f.accumulatorType
        let scale = -A.fractionBits
        let comparisons = f.comparisons
        b.notes.append("\(f.trees.count) trees, \(comparisons.count) shared comparators, \(f.classCount) class sums")
        b.notes.append("leaves \(f.leafType) -> acc \(A) (wraps), output \(out)")
        b.netlist.section("// comparators: d = x[f] - c; its sign is the path bit x[f] < c (shared by every tree)")
        var comparator: [ForestComparison: NodeID] = [:]
        for c in comparisons {
            let threshold = b.netlist.constant(Int128(c.threshold), scale: -inputType.fractionBits, name: "c\(c.feature)_\(Self.tag(c.threshold))")
            comparator[c] = b.netlist.add(x[c.feature], threshold, subtract: true, name: "lt\(c.feature)_\(Self.tag(c.threshold))")
        }
        var perClass = [[Netlist.Term]](repeating: [], count: f.classCount)
        for (t, tree) in f.trees.enumerated() {
            b.netlist.section("// tree \(t) (class \(tree.classIndex)): \(tree.nodes.count) nodes, the leaf chosen by its path bits")
            func build(_ n: Int) -> NodeID {
                switch tree.nodes[n] {
                case .leaf(let v):
                    let code = A.quantize(raw: v, from: f.leafType)
                    return b.netlist.constant(Int128(code), exactScale: scale, name: "t\(t)_leaf\(n)")
                case let .split(feature, c, l, r):
                    let left = build(l), right = build(r)
                    return b.netlist.select(comparator[ForestComparison(feature: feature, threshold: c)]!,
                                            negative: left, otherwise: right, name: "t\(t)_n\(n)")
                }
            }
            perClass[tree.classIndex].append(Netlist.Term(build(0)))
        }
        var outs: [NodeID] = []
        for k in 0..<f.classCount {
            let base = A.quantize(raw: f.base[k], from: f.leafType)
            b.netlist.section("// y[\(k)] = Q_A(base \(base)) + the leaves of \(perClass[k].count) trees, then assigned to \(out)")
            var terms = perClass[k]
            if base != 0 { terms.append(Netlist.Term(b.netlist.constant(Int128(base), scale: scale, name: "y\(k)_base"))) }
            let sum = b.netlist.sum(terms, wrap: (bits: A.width, scale: scale), name: "y\(k)_acc")
            outs.append(b.netlist.quantize(sum, to: out, name: "y\(k)"))
        }
        return outs
    }

    /// A threshold code as part of an identifier (`m5` for -5).
    static func tag(_ c: Int64) -> String { c < 0 ? "m\(c.magnitude)" : "\(c)" }
}

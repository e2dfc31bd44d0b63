/// Moves logic across a pipeline boundary where that takes fewer register
/// bits, after the ASAP schedule of ``Pipeline``.
///
/// ASAP puts every node in the earliest stage it fits, so the registers at a
/// boundary hold whatever was computed last before it. A node whose readers
/// are all in later stages can instead be computed just after the boundary:
/// its own register disappears, and each of its inputs that was not already
/// carried across the boundary needs one. When the inputs are carried anyway
/// (a shared subexpression or an input read by other, later adders) the move
/// saves the node's whole width. Moves are taken node by node, from the
/// outputs back, only where they save bits and every node of the next stage
/// still fits its depth budget; the latency never changes.
enum RegisterSinking {
    static func improve(_ netlist: Netlist, stage: inout [Int], depth: inout [Int], cost: [Int], budget: Int,
                        outputRead: [Int: Int], isConstant: (Int) -> Bool) {
        let nodes = netlist.nodes
        var readers = Array(repeating: [Int](), count: nodes.count)
        for (i, node) in nodes.enumerated() {
            for j in Set(node.operation.operands.map(\.index)) where !isConstant(j) { readers[j].append(i) }
        }
        func readStage(_ j: Int) -> Int {
            max(readers[j].map { stage[$0] }.max() ?? stage[j], outputRead[j] ?? stage[j])
        }
        for i in nodes.indices.reversed() {
            guard cost[i] > 0, !isConstant(i) else { continue }
            if case .input = nodes[i].operation { continue }
            let s = stage[i]
            guard readers[i].allSatisfy({ stage[$0] > s }), (outputRead[i] ?? s + 1) > s else { continue }
            let inputs = Set(nodes[i].operation.operands.map(\.index)).filter { !isConstant($0) }
            let added = inputs.filter { readStage($0) <= s }.reduce(0) { $0 + nodes[$1].width }
            guard nodes[i].width > added else { continue }
            // The node starts stage s+1 (its inputs come from registers);
            // its readers there get deeper: they must still fit.
            var newDepth: [Int: Int] = [i: cost[i]]
            var pending = readers[i].filter { stage[$0] == s + 1 }.sorted()
            var feasible = true
            while let m = pending.first, feasible {
                pending.removeFirst()
                let d = nodes[m].operation.operands.map(\.index).filter { !isConstant($0) && (stage[$0] == s + 1 || $0 == i) }
                    .map { newDepth[$0] ?? depth[$0] }.max() ?? 0
                let dm = d + cost[m]
                if dm > budget { feasible = false; break }
                if dm > (newDepth[m] ?? depth[m]) {
                    newDepth[m] = dm
                    pending += readers[m].filter { stage[$0] == s + 1 }
                }
            }
            guard feasible else { continue }
            stage[i] = s + 1
            for (k, d) in newDepth { depth[k] = d }
        }
    }
}

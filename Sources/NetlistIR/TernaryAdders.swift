/// Ternary adders: `a + b + c` in one LUT and one carry bit per result bit.
///
/// On a Xilinx slice a binary adder spends one LUT per bit on the
/// propagate signal of the carry chain. A LUT6_2 has two outputs, so bit
/// `i`'s LUT can also compute the majority of its three inputs (a
/// carry-save bit) for bit `i + 1`'s LUT, which folds it into its own
/// propagate signal: three operands for the LUTs and carry chain of one
/// (docs/verilog-backend.md, "Ternary adders"; the module is
/// `templates/verilog/ternary_adder.v`). Synthesis does not find
/// this on its own: `a + b + c` becomes two carry chains, or a carry-save
/// tree of LUT full adders.
///
/// Most ternary adds are built with the sums themselves
/// (``Netlist/ternarySums``, `--ternary-adders all`). This pass is the other
/// way in, for netlists built binary (`--ternary-adders latency`):
/// ``merge(_:)`` rewrites a combinational netlist so that an add whose
/// operand is another add that nothing else reads becomes one
/// ``Operation/add3(_:_:_:)`` when that computes fewer bits than the two
/// adders did. The sum is the same integer on every input (the interpreter
/// checks it on every model).
public enum TernaryAdders {
    /// `n` (combinational) with adds merged into ternary adds wherever that
    /// saves bits. Outputs, parallel reads and adds that already read a
    /// merged one stay binary; an add keeps its operand add whose
    /// wrap-around the merged sum would not reproduce. Deterministic: the
    /// outermost adds choose first, each the operand that saves the most
    /// bits (the first on a tie).
    ///
    /// A ternary adder is slower than the second of two binary ones (its
    /// propagate LUT waits for the carry-save bit of the LUT below: one more
    /// LUT and net, ``DelayModel/ternaryAdder(width:)``), so on a critical
    /// path a merge lengthens the path, and the pipeline may need more
    /// stages. ``merge(_:longestPath:inputDepth:delay:)`` keeps to a path length.
    public static func merge(_ n: Netlist) -> Netlist { merge(n, timing: nil) }

    /// `n` (combinational, its inputs `inputDepth` into the first stage)
    /// with the merges that keep every output's logic within `longestPath`
    /// picoseconds (``Timing``); the pipeliner then decides what that costs.
    public static func merge(_ n: Netlist, longestPath: Int, inputDepth: Int, delay: DelayModel) -> Netlist {
        merge(n, timing: Timing(n, delay: delay, longestPath: longestPath, inputDepth: inputDepth))
    }

    /// The picoseconds of logic from the inputs to the latest output of
    /// combinational `n`, its inputs `inputDepth` in.
    public static func longestPath(_ n: Netlist, inputDepth: Int, delay: DelayModel) -> Int {
        Timing(n, delay: delay, longestPath: 0, inputDepth: inputDepth).latestOutput
    }

    static func merge(_ n: Netlist, timing: Timing?) -> Netlist {
        var timing = timing
        let nodes = n.nodes
        var readers = [Int](repeating: 0, count: nodes.count)
        for node in nodes { for a in node.operation.operands { readers[a.index] += 1 } }
        for o in n.outputs { readers[o.index] += 1 }
        var absorbed = [Bool](repeating: false, count: nodes.count)
        var merged: [Int: Operation] = [:]
        for i in nodes.indices.reversed() where !absorbed[i] {
            defer { timing?.require(operandsOf: merged[i] ?? nodes[i].operation, at: i) }
            guard case let .add(a, ka, b, kb, subtract) = nodes[i].operation else { continue }
            let x = nodes[i]
            let own = x.width - x.operation.passThroughBits
            var best: (child: Int, operation: Operation, saving: Int)?
            for (operand, other) in [(Netlist.Term(a, shift: ka), Netlist.Term(b, shift: kb, negative: subtract)),
                                     (Netlist.Term(b, shift: kb, negative: subtract), Netlist.Term(a, shift: ka))] {
                let c = operand.node.index
                guard readers[c] == 1, nodes[c].stage == x.stage,
                      let terms = terms(of: operand, in: n, reader: x) else { continue }
                let ordered = positiveFirst(terms + [other])
                guard !ordered[0].negative, !ordered.contains(where: { isMux($0.node, n) }) else { continue }
                let operation = Operation.add3(ordered[0], ordered[1], ordered[2])
                if let timing, !timing.meets(operation, at: i) { continue }
                let child = nodes[c]
                let saving = own + (child.width - child.operation.passThroughBits) - (x.width - operation.passThroughBits)
                if saving > 0 && saving > (best?.saving ?? 0) { best = (c, operation, saving) }
            }
            if let best {
                merged[i] = best.operation
                absorbed[best.child] = true
            }
        }
        guard !merged.isEmpty else { return n }
        return rebuilt(n, merged: merged, absorbed: absorbed)
    }

    /// Arrival and required times (picoseconds of logic from the inputs of
    /// a combinational netlist) for merging within a longest path. Arrivals
    /// are the binary netlist's, the inputs arriving at the input depth;
    /// every output is required by the longest path allowed, and required
    /// times are passed down as the merges are decided, outermost first,
    /// through each node's logic as decided. A merge is made only when its
    /// three terms arrive in time for it, so every node can still be built
    /// binary within its required time, and whatever merges below it keeps
    /// to the times it passes down: no output's logic ends later than allowed.
    struct Timing {
        let netlist: Netlist
        let delay: DelayModel
        let arrival: [Int]
        var required: [Int]

        init(_ n: Netlist, delay: DelayModel, longestPath: Int, inputDepth: Int) {
            netlist = n
            self.delay = delay
            var ends: [Int] = []
            for node in n.nodes {
                if case .input = node.operation {
                    ends.append(inputDepth)
                } else {
                    ends.append((node.operation.operands.map { ends[$0.index] }.max() ?? 0) + delay.picoseconds(node, in: n))
                }
            }
            arrival = ends
            required = [Int](repeating: Int.max, count: n.nodes.count)
            for o in n.outputs { required[o.index] = longestPath }
        }

        /// When the latest output's logic ends.
        var latestOutput: Int { netlist.outputs.map { arrival[$0.index] }.max() ?? 0 }

        /// The logic of node `i` computed by `operation`.
        func picoseconds(_ operation: Operation, at i: Int) -> Int {
            var node = netlist.nodes[i]
            node.operation = operation
            return delay.picoseconds(node, in: netlist)
        }

        /// Whether node `i` computed by `operation` ends within its required time.
        func meets(_ operation: Operation, at i: Int) -> Bool {
            guard required[i] != Int.max else { return true }
            let start = operation.operands.map { arrival[$0.index] }.max() ?? 0
            return start + picoseconds(operation, at: i) <= required[i]
        }

        /// Node `i`, decided to compute `operation`, passes its required time down.
        mutating func require(operandsOf operation: Operation, at i: Int) {
            guard required[i] != Int.max else { return }
            let latest = required[i] - picoseconds(operation, at: i)
            for a in operation.operands { required[a.index] = min(required[a.index], latest) }
        }
    }

    /// The two terms of the add `term` reads, scaled and signed as the
    /// reader sees them; nil unless `term` is a binary add whose value the
    /// reader can take unwrapped (it is exact, or wide enough that its
    /// wrap-around falls above the reader's bits).
    static func terms(of term: Netlist.Term, in n: Netlist, reader: Node) -> [Netlist.Term]? {
        let y = n[term.node]
        guard case let .add(a, ka, b, kb, subtract) = y.operation else { return nil }
        let ia = n[a].interval.shifted(by: ka), ib = n[b].interval.shifted(by: kb)
        let exact = subtract ? ia - ib : ia + ib
        let wrapsBelowReader = y.width + term.shift < reader.width
        guard (y.interval.lo <= exact.lo && exact.hi <= y.interval.hi) || !wrapsBelowReader else { return nil }
        return [Netlist.Term(a, shift: term.shift + ka, negative: term.negative),
                Netlist.Term(b, shift: term.shift + kb, negative: term.negative != subtract)]
    }

    /// A mux, which a binary adder's LUTs absorb and a ternary adder's
    /// primitives cannot: it stays beside a binary adder.
    static func isMux(_ id: NodeID, _ n: Netlist) -> Bool {
        if case .select = n[id].operation { return true }
        return false
    }

    /// The terms with the non-negative ones first, each group in its order.
    static func positiveFirst(_ terms: [Netlist.Term]) -> [Netlist.Term] {
        terms.filter { !$0.negative } + terms.filter(\.negative)
    }

    /// The netlist without the absorbed adds, the merged ones rewritten; an
    /// absorbed node's section comments go to the next node kept.
    static func rebuilt(_ n: Netlist, merged: [Int: Operation], absorbed: [Bool]) -> Netlist {
        var out = n
        var newIndex = [Int](repeating: -1, count: n.nodes.count)
        var kept: [Node] = []
        var sections: [Int: [String]] = [:]
        var carried: [String] = []
        for (i, node) in n.nodes.enumerated() {
            carried += n.sections[i] ?? []
            guard !absorbed[i] else { continue }
            var node = node
            node.operation = Pipeline.remap(merged[i] ?? node.operation) { NodeID(newIndex[$0.index]) }
            if !carried.isEmpty {
                sections[kept.count] = carried
                carried = []
            }
            newIndex[i] = kept.count
            kept.append(node)
        }
        if !carried.isEmpty { sections[kept.count] = carried }
        out.replaceNodes(kept, outputs: n.outputs.map { NodeID(newIndex[$0.index]) }, sections: sections)
        return out
    }
}

/// Pipelining of a combinational netlist: each node gets a stage, and
/// registers are inserted where a value is read in a later stage.
///
/// The rule (ASAP with a delay budget per stage, picoseconds of a
/// ``DelayModel``): a node starts in the latest stage of its inputs, after
/// the slowest of those inputs; if its logic would take that stage past the
/// budget, it starts the next stage instead and reads its inputs from
/// registers. Inputs are in stage 0 and arrive `inputDepth` picoseconds into
/// it (the logic of the op before them in the same clock cycle); constants
/// are in every stage.
///
/// With `registerOutputs` the outputs are registered at the end (the latency
/// is one more than the last output's stage, or 0 for pure wiring);
/// without, the last stage's logic continues into whatever reads the
/// outputs, and ``Result/outputDepth`` says how deep it already is.
public enum Pipeline {
    public struct Result: Sendable {
        public var netlist: Netlist
        /// Register levels between the inputs and the outputs.
        public var latency: Int
        /// Picoseconds of logic the outputs have behind them in the cycle
        /// they are ready (0 when registered).
        public var outputDepth: Int
    }

    public static func run(_ comb: Netlist, budget: Int, delay: DelayModel) -> (netlist: Netlist, latency: Int) {
        let r = run(comb, budget: budget, delay: delay, inputDepth: 0, registerOutputs: true)
        return (r.netlist, r.latency)
    }

    public static func run(_ comb: Netlist, budget: Int, delay: DelayModel, inputDepth: Int, registerOutputs: Bool) -> Result {
        let nodes = comb.nodes
        var stage = Array(repeating: 0, count: nodes.count)
        var depth = Array(repeating: 0, count: nodes.count)
        let cost = nodes.map { min(delay.picoseconds($0, in: comb), budget) }
        func isConstant(_ i: Int) -> Bool { if case .constant = nodes[i].operation { return true } else { return false } }
        for (i, node) in nodes.enumerated() {
            if case .input = node.operation {
                depth[i] = min(inputDepth, budget)
                continue
            }
            let c = cost[i]
            let inputs = node.operation.operands.map(\.index).filter { !isConstant($0) }
            var s = inputs.map { stage[$0] }.max() ?? 0
            var d = inputs.filter { stage[$0] == s }.map { depth[$0] }.max() ?? 0
            if c > 0 && d + c > budget {
                s += 1
                d = c
            } else {
                d += c
            }
            stage[i] = s
            depth[i] = d
        }
        let live = comb.outputs.map(\.index).filter { !isConstant($0) }
        let lastStage = live.map { stage[$0] }.max() ?? 0
        let lastDepth = live.filter { stage[$0] == lastStage }.map { depth[$0] }.max() ?? 0
        let latency: Int
        let outputDepth: Int
        if registerOutputs {
            latency = lastDepth > 0 ? lastStage + 1 : lastStage
            outputDepth = 0
        } else {
            latency = lastStage
            outputDepth = lastDepth
        }

        var outputRead: [Int: Int] = [:]
        for o in live { outputRead[o] = max(outputRead[o] ?? 0, latency) }
        RegisterSinking.improve(comb, stage: &stage, depth: &depth, cost: cost, budget: budget,
                                outputRead: outputRead, isConstant: isConstant)

        // Rebuild with register chains: node `i` read in stage `t > stage[i]`
        // is read from its `(t - stage[i])`-th register.
        var out = comb
        var rebuilt: [Node] = []
        var newIndex: [Int] = []
        var chains: [Int: [NodeID]] = [:]
        var sections: [Int: [String]] = [:]
        func read(_ old: NodeID, at t: Int) -> NodeID {
            let base = NodeID(newIndex[old.index])
            let lag = isConstant(old.index) ? 0 : t - stage[old.index]
            precondition(lag >= 0, "read of \(nodes[old.index].name) before it is computed")
            guard lag > 0 else { return base }
            var chain = chains[old.index] ?? []
            while chain.count < lag {
                let source = chain.last ?? base
                var reg = Node(operation: .register(source), interval: nodes[old.index].interval,
                               scale: nodes[old.index].scale, name: "\(nodes[old.index].name)_q\(chain.count + 1)")
                reg.stage = stage[old.index] + chain.count + 1
                rebuilt.append(reg)
                chain.append(NodeID(rebuilt.count - 1))
            }
            chains[old.index] = chain
            return chain[lag - 1]
        }
        for (i, node) in nodes.enumerated() {
            var n = node
            n.stage = isConstant(i) ? 0 : stage[i]
            n.operation = remap(node.operation) { read($0, at: stage[i]) }
            if let s = comb.sections[i] { sections[rebuilt.count] = s }
            rebuilt.append(n)
            newIndex.append(rebuilt.count - 1)
        }
        let outputs = comb.outputs.map { read($0, at: latency) }
        out.replaceNodes(rebuilt, outputs: outputs, sections: sections)
        return Result(netlist: out, latency: latency, outputDepth: outputDepth)
    }

    /// `op` with every operand replaced.
    static func remap(_ op: Operation, _ f: (NodeID) -> NodeID) -> Operation {
        switch op {
        case .input, .constant: return op
        case let .add(a, ka, b, kb, s): return .add(f(a), shiftA: ka, f(b), shiftB: kb, subtract: s)
        case let .add3(a, b, c):
            func g(_ t: Netlist.Term) -> Netlist.Term { Netlist.Term(f(t.node), shift: t.shift, negative: t.negative) }
            return .add3(g(a), g(b), g(c))
        case let .negate(a): return .negate(f(a))
        case let .wrap(a, bits): return .wrap(f(a), bits: bits)
        case let .quantize(a, t): return .quantize(f(a), t)
        case let .relu(a): return .relu(f(a))
        case let .maximum(a, b): return .maximum(f(a), f(b))
        case let .select(t, n, o): return .select(test: f(t), negative: f(n), otherwise: f(o))
        case let .view(a): return .view(f(a))
        case let .offsetBinary(a, bits): return .offsetBinary(f(a), bits: bits)
        case let .lookup(t, i): return .lookup(table: t, index: f(i))
        case let .multiply(a, b): return .multiply(f(a), f(b))
        case let .register(a): return .register(f(a))
        }
    }
}

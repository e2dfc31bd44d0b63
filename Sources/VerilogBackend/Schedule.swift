/// Pipelining of a ``Netlist``: each node gets a stage, and registers go
/// where a value crosses from one stage to the next.
///
/// The rule (ASAP with a depth budget): a node starts in the latest stage of
/// its inputs, after the deepest of those inputs; if its cost would take
/// that stage past the budget, it starts the next stage instead and all its
/// inputs are read from pipeline registers. Ports are in stage 0, constants
/// in every stage. A module's latency is the number of register levels
/// between its input ports and its output port: 0 when the outputs are pure
/// wiring of the inputs, else one more than the last output's stage (the
/// outputs are always registered).
struct Schedule {
    /// Per node: its stage, and the depth (cost units) it reaches in that stage.
    var stage: [Int]
    var depth: [Int]
    /// Per node: how many pipeline registers follow it (0: none).
    var registers: [Int]
    var latency: Int

    init(_ netlist: Netlist, outputs: [Int], cost: CostModel) {
        let nodes = netlist.nodes
        var stage = Array(repeating: 0, count: nodes.count)
        var depth = Array(repeating: 0, count: nodes.count)
        for (i, node) in nodes.enumerated() {
            guard case .logic(let raw) = node.kind else { continue }
            let c = cost.clamp(raw)
            let inputs = node.inputs.filter { nodes[$0].kind != .constant }
            var s = inputs.map { stage[$0] }.max() ?? 0
            var d = inputs.filter { stage[$0] == s }.map { depth[$0] }.max() ?? 0
            if d + c > cost.budget {
                s += 1
                d = c
            } else {
                d += c
            }
            stage[i] = s
            depth[i] = d
        }
        var latency = 0
        for o in outputs where nodes[o].kind != .constant {
            latency = max(latency, depth[o] > 0 ? stage[o] + 1 : stage[o])
        }
        self.latency = latency
        self.stage = stage
        self.depth = depth
        // The last stage in which each node is read.
        var lastRead = stage
        for (i, node) in nodes.enumerated() {
            for j in node.inputs { lastRead[j] = max(lastRead[j], stage[i]) }
        }
        for o in outputs { lastRead[o] = max(lastRead[o], latency) }
        registers = nodes.indices.map { nodes[$0].kind == .constant ? 0 : lastRead[$0] - stage[$0] }
    }

    /// The Verilog name under which node `n` is seen in stage `t`: its wire
    /// in its own stage, else its `(t - stage)`-th pipeline register.
    func name(of n: Int, in t: Int, _ netlist: Netlist) -> String {
        let node = netlist.nodes[n]
        if node.kind == .constant || t == stage[n] { return node.name }
        precondition(t > stage[n], "read of \(node.name) before it is computed")
        return Self.registerName(node.name, t - stage[n])
    }

    static func registerName(_ base: String, _ k: Int) -> String { "\(base)_q\(k)" }

    /// How many register bits the schedule adds.
    func registerBits(_ netlist: Netlist) -> Int {
        zip(netlist.nodes, registers).reduce(0) { $0 + $1.0.width * $1.1 }
    }
}

import ModelIR
import NetlistLowering
import NetlistIR

/// Every op of a model as the pipelined netlist the emitter prints, and the
/// model evaluated through them: the netlist interpreter applied op by op,
/// with tensors routed as the top module routes them. Tests hold it against
/// the reference; the emitter prints it.
public struct NetlistModel: Sendable {
    public let model: LoweredModel
    /// Per op, in model order: the pipelined netlist and its latency.
    public let ops: [(netlist: Netlist, latency: Int, notes: [String])]
    /// Clock cycles from the model inputs to the (registered) model outputs.
    public var latency: Int { schedule.latency }
    /// Each op's start cycle and the top's delay lines.
    let schedule: TopSchedule

    /// Ops are scheduled in model order as the top module connects them: an
    /// op starts in the cycle its last input is ready, that far into the
    /// cycle's logic (inputs ready earlier come through delay registers);
    /// its outputs are registered only where they are model outputs, so an
    /// op's last adders and the next op's first share a clock cycle.
    public init(_ model: LoweredModel, options: VerilogOptions) throws(VerilogError) {
        try self.init(model, built: try Self.buildOps(model, options: options), options: options)
    }

    /// Every op's combinational netlist, before pipelining; with ternary
    /// adders ``TernaryAdderUse/all``, its sums built as ternary trees.
    public static func buildOps(_ model: LoweredModel, options: VerilogOptions) throws(VerilogError) -> [OpNetlist] {
        var built: [OpNetlist] = []
        // Per tensor, per element: the low bits its producer always leaves
        // zero (none for the model inputs), which a reading op may drop.
        var zeros: [[Int]?] = Array(repeating: nil, count: model.tensors.count)
        for op in model.ops {
            let b: OpNetlist
            let inputZeros = op.inputs.map { zeros[$0.index] ?? [] }
            do {
                b = try OpNetlists.build(op, in: model, sharing: options.shareSubexpressions, dspMultipliers: options.dspMultipliers,
                                         ternarySums: options.ternaryAdders == .all, inputZeros: inputZeros)
            } catch {
                switch error { case let .unsupported(name, message): throw VerilogError.unsupported(op: name, message) }
            }
            try verify(b.netlist, op: op.name, after: "lowering to the netlist")
            // A time-multiplexed op's outputs pass through collection registers (MultiplexModule): none claimed.
            if multiplex(op) == nil { zeros[op.output.index] = NetlistCost.outputZeroLowBits(b.netlist, inputZeros: inputZeros) }
            built.append(b)
        }
        return built
    }

    /// The ops' netlists `built` (``buildOps(_:options:)``) pipelined.
    public init(_ model: LoweredModel, built: [OpNetlist], options: VerilogOptions) throws(VerilogError) {
        self.model = model
        let budget = options.effectiveStageBudget
        let delay = options.delayModel
        var ready: [(cycle: Int, depth: Int)?] = Array(repeating: nil, count: model.tensors.count)
        for id in model.inputs { ready[id.index] = (0, 0) }
        let modelOutputs = Set(model.outputs.map(\.index))
        var ops: [(netlist: Netlist, latency: Int, notes: [String])] = []
        var starts: [Int] = []
        for (op, built) in zip(model.ops, built) {
            var start = 0, depth = 0
            for id in op.inputs {
                guard let r = ready[id.index] else {
                    throw VerilogError.unsupported(op: op.name, "reads tensor '\(model[id].name)' before it is written")
                }
                if r.cycle > start { (start, depth) = (r.cycle, r.depth) } else if r.cycle == start { depth = max(depth, r.depth) }
            }
            starts.append(start)
            // A time-multiplexed op reads its held input from registers, and
            // its kernels' outputs go to collection registers (MultiplexModule).
            let multiplex = Self.multiplex(op)
            if multiplex != nil { depth = 0 }
            let registerOutputs = modelOutputs.contains(op.output.index) && multiplex == nil
            var result = Pipeline.run(built.netlist, budget: budget, delay: delay, inputDepth: depth,
                                      registerOutputs: registerOutputs)
            try Self.verify(result.netlist, op: op.name, after: "Pipeline", timing: (budget, delay, depth))
            if options.ternaryAdders == .latency {
                result = Self.ternaryWithinLatency(built.netlist, binary: result, budget: budget, delay: delay, inputDepth: depth,
                                                   registerOutputs: registerOutputs)
                try Self.verify(result.netlist, op: op.name, after: "TernaryAdders and Pipeline", timing: (budget, delay, depth))
            }
            if let m = multiplex {
                // Held at the start, R phases, then collected: see MultiplexModule.
                let latency = MultiplexModule.latency(kernel: result.latency, layout: m)
                ready[op.output.index] = (start + latency, 0)
                ops.append((result.netlist, latency, built.notes))
                continue
            }
            ready[op.output.index] = (start + result.latency, result.outputDepth)
            ops.append((result.netlist, result.latency, built.notes))
        }
        self.ops = ops
        schedule = TopSchedule(model: model, startCycles: starts, opLatencies: ops.map(\.latency))
    }

    /// The layout of a time-multiplexed op (a dense op with a kernel layout), else nil.
    static func multiplex(_ op: LoweredOp) -> MultiplexLayout? {
        if case .dense(let d) = op.kind, let m = d.multiplex { return MultiplexLayout(m) }
        return nil
    }

    /// The initiation interval: the largest reuse factor of a
    /// time-multiplexed op, 1 when there is none.
    public var initiationInterval: Int {
        model.ops.compactMap { Self.multiplex($0)?.reuse }.max() ?? 1
    }

    /// ``NetlistVerifier`` after a netlist pass (and the stage budget after
    /// pipelining); a broken rule is a compiler bug, reported as such.
    static func verify(_ n: Netlist, op: String, after pass: String,
                       timing: (budget: Int, delay: DelayModel, inputDepth: Int)? = nil) throws(VerilogError) {
        do {
            try NetlistVerifier.verify(n, after: pass)
            if let timing {
                try NetlistVerifier.verifyTiming(n, budget: timing.budget, delay: timing.delay, inputDepth: timing.inputDepth, after: pass)
            }
        } catch {
            throw .invalidNetlist(op: op, error)
        }
    }

    /// Ternary adders ``TernaryAdderUse/latency``: the op's netlist with the
    /// merges that keep its logic within the longest path `L` found
    /// (``TernaryAdders/merge(_:longestPath:inputDepth:delay:)``), pipelined,
    /// for the largest `L` (a binary search to 50 ps) whose pipeline has no
    /// more stages, output depth or register bits than `binary`, the binary
    /// netlist's. Stage boundaries make the pipeline's length a step
    /// function of the paths, so `L` may end below the binary path.
    static func ternaryWithinLatency(_ comb: Netlist, binary: Pipeline.Result, budget: Int, delay: DelayModel, inputDepth: Int,
                                     registerOutputs: Bool) -> Pipeline.Result {
        let binaryRegisters = NetlistCost(binary.netlist).registerBits
        func attempt(_ longest: Int) -> Pipeline.Result? {
            let merged = TernaryAdders.merge(comb, longestPath: longest, inputDepth: inputDepth, delay: delay)
            let r = Pipeline.run(merged, budget: budget, delay: delay, inputDepth: inputDepth, registerOutputs: registerOutputs)
            guard r.latency <= binary.latency, r.outputDepth <= binary.outputDepth,
                  NetlistCost(r.netlist).registerBits <= binaryRegisters else { return nil }
            return r
        }
        let path = TernaryAdders.longestPath(comb, inputDepth: inputDepth, delay: delay)
        var lo = 0, hi = path + budget * (binary.latency + 1)
        var best = binary
        if let r = attempt(hi) { return r }
        while hi - lo > 50 {
            let mid = (lo + hi) / 2
            if let r = attempt(mid) { best = r; lo = mid } else { hi = mid }
        }
        return best
    }

    /// Raw output codes of one event (all outputs concatenated) from its raw
    /// input codes (all inputs concatenated).
    public func evaluate(_ inputs: [Int64]) -> [Int64] {
        var tensors: [[Int64]?] = Array(repeating: nil, count: model.tensors.count)
        var offset = 0
        for id in model.inputs {
            let n = model[id].size
            tensors[id.index] = Array(inputs[offset..<(offset + n)])
            offset += n
        }
        for (op, built) in zip(model.ops, ops) {
            let ports = op.inputs.map { tensors[$0.index] ?? [] }
            if let m = Self.multiplex(op) {
                // Every phase through the kernels, then the collection registers' order.
                let phases = (0..<m.reuse).map { k in
                    Interpreter(built.netlist).evaluate(ports + [(0..<m.phaseBits).map { Int64(-((k >> $0) & 1)) }])
                }
                tensors[op.output.index] = (0..<(m.positions * m.filters)).map { e in
                    let s = m.source(ofOutput: e)
                    return phases[s.phase][s.kernelOutput]
                }
                continue
            }
            tensors[op.output.index] = Interpreter(built.netlist).evaluate(ports)
        }
        return model.outputs.flatMap { tensors[$0.index] ?? [] }
    }
}

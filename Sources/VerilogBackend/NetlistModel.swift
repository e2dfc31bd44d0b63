import ModelIR
import NetlistIR

/// Every op of a model as the pipelined netlist the emitter prints, and the
/// model evaluated through them: the netlist interpreter applied op by op,
/// with tensors routed as the top module routes them. Tests hold it against
/// the reference; the emitter prints it.
public struct NetlistModel: Sendable {
    public let model: LoweredModel
    /// Per op, in model order: the pipelined netlist and its latency.
    public let ops: [(netlist: Netlist, latency: Int, notes: [String])]

    public init(_ model: LoweredModel, options: VerilogOptions) throws(VerilogError) {
        self.model = model
        let budget = options.effectiveAddersPerStage * LogicDepth.adder
        var ops: [(netlist: Netlist, latency: Int, notes: [String])] = []
        for op in model.ops {
            let built = try OpNetlists.build(op, in: model, sharing: options.shareSubexpressions)
            let (netlist, latency) = Pipeline.run(built.netlist, budget: budget)
            ops.append((netlist, latency, built.notes))
        }
        self.ops = ops
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
            tensors[op.output.index] = Interpreter(built.netlist).evaluate(ports)
        }
        return model.outputs.flatMap { tensors[$0.index] ?? [] }
    }
}

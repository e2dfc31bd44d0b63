import ModelIR

/// When each tensor of the top module is ready and how long it must be
/// kept: the schedule the top module's printer (``TopPrinter``) writes out.
///
/// A model input is ready at cycle 0; an op starts when its last input is
/// ready and its output is ready `latency(op)` cycles later; inputs that are
/// ready earlier are delayed to the op's start. The design's latency is the
/// latest output's ready cycle; earlier outputs are delayed to it.
struct TopSchedule: Sendable, Equatable {
    /// Clock cycles from the model inputs to the aligned model outputs.
    let latency: Int
    /// Per op (in model order): the cycle its inputs are read.
    let startCycles: [Int]
    /// Per op (in model order): its own latency, as given.
    let opLatencies: [Int]
    /// Per tensor: the cycle it is ready at (nil: never written).
    let ready: [Int?]
    /// Per tensor: the delay registers it passes through (the cycles between
    /// ready and its last read).
    let delayDepths: [Int]
    /// The delay registers' bits: each tensor's depth times its bits.
    let delayRegisterBits: Int

    init(model: LoweredModel, opLatencies: [Int]) throws(VerilogError) {
        var ready: [Int?] = Array(repeating: nil, count: model.tensors.count)
        for id in model.inputs { ready[id.index] = 0 }
        var starts: [Int] = []
        for (op, latency) in zip(model.ops, opLatencies) {
            var start = 0
            for id in op.inputs {
                guard let r = ready[id.index] else {
                    throw VerilogError.unsupported(op: op.name, "reads tensor '\(model[id].name)' before it is written")
                }
                start = max(start, r)
            }
            starts.append(start)
            ready[op.output.index] = start + latency
        }
        let latency = model.outputs.map { ready[$0.index] ?? 0 }.max() ?? 0
        // The last cycle each tensor is read in.
        var lastRead = ready.map { $0 ?? 0 }
        for (op, start) in zip(model.ops, starts) {
            for id in op.inputs { lastRead[id.index] = max(lastRead[id.index], start) }
        }
        for id in model.outputs { lastRead[id.index] = max(lastRead[id.index], latency) }
        let depths = model.tensors.indices.map { i in ready[i].map { max(lastRead[i] - $0, 0) } ?? 0 }
        self.latency = latency
        self.startCycles = starts
        self.opLatencies = opLatencies
        self.ready = ready
        self.delayDepths = depths
        self.delayRegisterBits = model.tensors.indices.reduce(0) { $0 + depths[$1] * model.tensors[$1].size * model.tensors[$1].type.width }
    }
}

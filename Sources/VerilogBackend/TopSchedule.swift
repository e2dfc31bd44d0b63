import ModelIR

/// When each tensor of the top module is ready and how long it must be
/// kept: the schedule the top module's printer (``TopPrinter``) writes out.
///
/// The op start cycles come from the one scheduler, ``NetlistModel`` (an op
/// starts when its last input is ready; its output is ready `latency(op)`
/// cycles later); this derives what the top needs from them: inputs that
/// are ready earlier are delayed to the op's start, and earlier model
/// outputs to the latest one, the design's latency.
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

    /// The schedule of ops starting at `starts` with latencies `opLatencies` (model order).
    init(model: LoweredModel, startCycles starts: [Int], opLatencies: [Int]) {
        var ready: [Int?] = Array(repeating: nil, count: model.tensors.count)
        for id in model.inputs { ready[id.index] = 0 }
        for (op, (start, latency)) in zip(model.ops, zip(starts, opLatencies)) { ready[op.output.index] = start + latency }
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

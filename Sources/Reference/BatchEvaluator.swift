import FixedPoint
import ModelIR
import TensorIO

/// The bit-exact reference on many events at once: the same raw codes as
/// ``FixedPointEvaluator``, computed a batch of events at a time with the
/// events innermost, so that each op is a simple loop over `lanes` events
/// that the compiler vectorizes (a dense op is, per weight, one
/// multiply-add over the batch; see docs/numerics.md, "Batched evaluation").
///
/// Tensor element `i` of event `e` lives at `i * lanes + e` in one scratch
/// buffer per call, so the evaluator itself is immutable and one value can
/// serve every thread. ``FixedPointEvaluator/runRaw(_:threads:)`` splits a
/// table into chunks and evaluates them on several threads with it.
public struct BatchEvaluator: Sendable {
    public let model: LoweredModel
    /// Events per batch: a multiple of 8 (the dense loops take 8 at a time).
    public let lanes: Int
    let offsets: [Int]
    let bufferSize: Int
    let steps: [BatchStep]
    /// Per input tensor (in the order of ``LoweredModel/inputs``): its
    /// offset in the buffer, its size and how a real value becomes its code.
    let inputs: [(offset: Int, size: Int, quantizer: InputQuantizer)]
    let inputWidth: Int
    /// Per output element: its offset in the buffer.
    let outputs: [Int]
    /// Scratch lanes the steps need beyond the tensors (Int64 units).
    let scratchSize: Int

    public init(_ model: LoweredModel, lanes: Int = 64) {
        self.model = model
        self.lanes = (max(1, lanes) + 7) / 8 * 8
        var offsets: [Int] = []
        var total = 0
        for t in model.tensors { offsets.append(total); total += t.size }
        self.offsets = offsets
        bufferSize = total
        steps = model.ops.map { BatchStep(op: $0, model: model, offsets: offsets) }
        inputs = model.inputs.map { id in (offsets[id.index], model[id].size, InputQuantizer(model[id].type)) }
        inputWidth = model.inputWidth
        outputs = model.outputs.flatMap { id in (0..<model[id].size).map { offsets[id.index] + $0 } }
        scratchSize = steps.map(\.scratchElements).max() ?? 0
    }

    /// Raw outputs (``LoweredModel/outputWidth`` per event, row-major) of
    /// `events` real-valued events (``LoweredModel/inputWidth`` per event).
    public func runRaw(_ values: UnsafeBufferPointer<Double>, events: Int, into out: UnsafeMutableBufferPointer<Int64>) {
        let width = inputWidth
        evaluate(events: events, into: out) { buffer, first, n in
            var column = 0
            for (offset, size, quantizer) in inputs {
                quantizer.codes(values.baseAddress! + first * width + column, width: width, size: size, rows: n,
                                into: buffer + offset * lanes, stride: lanes)
                column += size
            }
        }
    }

    /// Raw outputs of events given as raw input codes (row-major).
    public func runRaw(codes: UnsafeBufferPointer<Int64>, events: Int, into out: UnsafeMutableBufferPointer<Int64>) {
        evaluate(events: events, into: out) { buffer, first, n in
            var column = 0
            for (offset, size, _) in inputs {
                for e in 0..<n {
                    for i in 0..<size { buffer[(offset + i) * lanes + e] = codes[(first + e) * inputWidth + column + i] }
                }
                column += size
            }
        }
    }

    /// Batch by batch: `load` fills the input lanes of events `first..<first+n`.
    func evaluate(events: Int, into out: UnsafeMutableBufferPointer<Int64>,
                  load: (UnsafeMutablePointer<Int64>, Int, Int) -> Void) {
        precondition(out.count >= events * outputs.count, "BatchEvaluator: output buffer too small")
        let buffer = UnsafeMutablePointer<Int64>.allocate(capacity: max(1, (bufferSize + scratchSize) * lanes))
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0, count: max(1, (bufferSize + scratchSize) * lanes))
        let scratch = buffer + bufferSize * lanes
        var first = 0
        while first < events {
            let n = min(lanes, events - first)
            load(buffer, first, n)
            // Steps run on whole blocks of 8 lanes; lanes past `n` hold codes
            // of earlier events (or zeros), valid for every type.
            let padded = min(lanes, (n + 7) / 8 * 8)
            for step in steps { step.run(buffer, lanes: lanes, count: padded, scratch: scratch) }
            for (k, offset) in outputs.enumerated() {
                let lane = buffer + offset * lanes
                for e in 0..<n { out[(first + e) * outputs.count + k] = lane[e] }
            }
            first += n
        }
    }
}

extension FixedPointEvaluator {
    /// Raw outputs of events given as raw input codes (row-major), in
    /// chunks on up to `threads` threads, in order.
    public func runRaw(codes: [Int64], events: Int, threads: Int) -> [Int64] {
        let width = model.outputWidth, columns = model.inputWidth
        let batch = BatchEvaluator(model)
        let chunks = Parallel.ranges(events, pieces: (events + Self.chunkEvents - 1) / Self.chunkEvents)
        return codes.withUnsafeBufferPointer { values in
            nonisolated(unsafe) let input = values
            return [Int64](unsafeUninitializedCapacity: events * width) { out, count in
                nonisolated(unsafe) let output = out
                _ = Parallel.map(chunks.count, threads: threads) { i in
                    let r = chunks[i]
                    batch.runRaw(codes: UnsafeBufferPointer(rebasing: input[(r.lowerBound * columns)..<(r.upperBound * columns)]),
                                 events: r.count,
                                 into: UnsafeMutableBufferPointer(rebasing: output[(r.lowerBound * width)..<(r.upperBound * width)]))
                }
                count = events * width
            }
        }
    }

    /// Events per chunk handed to one thread: large enough to amortize the
    /// hand-over, small enough to balance two or more threads on a block.
    public static let chunkEvents = 4096

    /// Raw outputs of every event of `table` (row-major,
    /// ``LoweredModel/outputWidth`` per event): chunks of events evaluated
    /// on up to `threads` threads, in order. Bit-identical to evaluating
    /// event by event with ``runRaw(_:)-([Int64])``.
    public func runRaw(_ table: EventTable, threads: Int) -> [Int64] {
        let width = model.outputWidth
        let batch = BatchEvaluator(model)
        let chunks = Parallel.ranges(table.rows, pieces: (table.rows + Self.chunkEvents - 1) / Self.chunkEvents)
        return table.values.withUnsafeBufferPointer { values in
            nonisolated(unsafe) let input = values
            return [Int64](unsafeUninitializedCapacity: table.rows * width) { out, count in
                nonisolated(unsafe) let output = out
                _ = Parallel.map(chunks.count, threads: threads) { i in
                    let r = chunks[i]
                    batch.runRaw(UnsafeBufferPointer(rebasing: input[(r.lowerBound * table.columns)..<(r.upperBound * table.columns)]),
                                 events: r.count,
                                 into: UnsafeMutableBufferPointer(rebasing: output[(r.lowerBound * width)..<(r.upperBound * width)]))
                }
                count = table.rows * width
            }
        }
    }
}

import Datasets
import Foundation
import ModelIR
import Reference
import TensorIO

/// Float and bit-exact fixed-point anomaly scores of a one-output model on
/// streams of events too large to hold: generated in independent chunks
/// (``L1AnomalyGenerator/backgroundChunk(_:count:)``), or read from a file
/// in blocks. Only the two scores of each event are kept (16 bytes an
/// event); chunks are generated and evaluated on every core, and the
/// scores come out in event order whatever the thread count.
public struct AnomalyScores: Sendable {
    public let float: BatchFloatEvaluator
    public let fixed: BatchEvaluator
    public let threads: Int
    let lsb: Double

    public init(graph: Graph, lowered: LoweredModel, threads: Int = Parallel.defaultThreads) {
        float = BatchFloatEvaluator(graph)
        fixed = BatchEvaluator(lowered)
        self.threads = max(1, threads)
        lsb = lowered.outputTypes.first?.lsb ?? 1
    }

    /// Both scores of each event of a table.
    public func scores(_ t: EventTable) -> (float: [Double], fixed: [Double]) {
        var f = [Double](repeating: 0, count: t.rows), codes = [Int64](repeating: 0, count: t.rows)
        t.values.withUnsafeBufferPointer { v in
            f.withUnsafeMutableBufferPointer { float.run(v, events: t.rows, into: $0) }
            codes.withUnsafeMutableBufferPointer { fixed.runRaw(v, events: t.rows, into: $0) }
        }
        return (f, codes.map { Double($0) * lsb })
    }

    /// Scores of `count` generated events: chunk `i` is `make(i, size)`,
    /// every chunk but the last of ``L1AnomalyGenerator/chunkEvents``.
    /// `progress` hears the events done so far.
    public func generated(count: Int, make: @Sendable (Int, Int) -> EventTable,
                          progress: (Int) -> Void = { _ in }) -> (float: [Double], fixed: [Double]) {
        let size = L1AnomalyGenerator.chunkEvents
        let chunks = (count + size - 1) / size
        var result: (float: [Double], fixed: [Double]) = ([], [])
        result.float.reserveCapacity(count)
        result.fixed.reserveCapacity(count)
        // A few chunks per thread at a time: memory stays at a few chunks' events.
        let wave = threads * 4
        for start in stride(from: 0, to: chunks, by: wave) {
            let parts = Parallel.map(min(wave, chunks - start), threads: threads) { i in
                let c = start + i
                return scores(make(c, min(size, count - c * size)))
            }
            for p in parts { result.float += p.float; result.fixed += p.fixed }
            progress(result.float.count)
        }
        return result
    }

    /// Scores of every event of a file, read in blocks.
    public func file(_ reader: any EventReader, progress: (Int) -> Void = { _ in }) throws(TensorIOError) -> (float: [Double], fixed: [Double]) {
        var result: (float: [Double], fixed: [Double]) = ([], [])
        while let block = try reader.next() {
            let chunks = Parallel.ranges(block.rows, pieces: (block.rows + FixedPointEvaluator.chunkEvents - 1) / FixedPointEvaluator.chunkEvents)
            let parts = Parallel.map(chunks.count, threads: threads) { i in
                let r = chunks[i]
                return scores(EventTable(rows: r.count, columns: block.columns,
                                         values: Array(block.values[(r.lowerBound * block.columns)..<(r.upperBound * block.columns)])))
            }
            for p in parts { result.float += p.float; result.fixed += p.fixed }
            progress(result.float.count)
        }
        return result
    }
}

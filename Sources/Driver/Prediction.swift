import FileSafety
import FixedPoint
import Foundation
import ModelIR
import Reference
import TensorIO

/// `predict` on an event file of any size: the events are read, evaluated
/// and written a block at a time, so memory stays flat (a few blocks of
/// ~4 MB) whatever the file's size. Each block is cut into chunks that are
/// evaluated and encoded on every core and written in order.
///
/// A bad event anywhere in the input stops the run with its row (CSV) or
/// event (`.npy`) named, and leaves no output file: the output is written to
/// a temporary file that replaces the target only at the end (a terminal,
/// a FIFO or `-` receives the blocks as they come).
public struct Prediction: Sendable {
    public enum Arithmetic: Sendable { case fixed, raw, float }

    public var input: String
    public var output: String
    public var arithmetic: Arithmetic = .fixed
    public var threads: Int = Parallel.defaultThreads
    public var quiet = false
    /// The events are input codes already (``FloatInputs`` is not applied).
    public var inputCodes = false

    public init(input: String, output: String) {
        self.input = input
        self.output = output
    }

    /// The `.npy` element type of `--raw` codes: 32 bits when every output type fits.
    public static func rawType(_ model: LoweredModel) -> NPYType {
        model.outputTypes.allSatisfy { $0.width <= ($0.isSigned ? 32 : 31) } ? .int32 : .int64
    }

    /// Runs the model on every event; returns the number of events.
    public func run(_ loaded: LoadedModel) throws(DriverError) -> Int {
        let model = loaded.model
        let reader: any EventReader
        do { reader = try EventFile.reader(path: input, expectedColumns: model.inputWidth, threads: threads) } catch {
            throw .data(error)
        }
        let format = EventEncoding.format(forPath: output, npyType: arithmetic == .raw ? Self.rawType(model) : .float64)
        let writer: EventWriter
        do {
            writer = try EventWriter(path: output, format: format, columns: model.outputWidth, expectedRows: reader.totalRows)
        } catch {
            throw .refused(error)
        }
        let evaluate = ChunkEvaluation(loaded: loaded, arithmetic: arithmetic, format: format, inputCodes: inputCodes)
        let progress = ProgressMeter("predict", quiet: quiet)
        defer { progress.finish() }
        var events = 0
        do {
            while let block = try reader.next() {
                let chunks = Parallel.ranges(block.rows, pieces: (block.rows + FixedPointEvaluator.chunkEvents - 1) / FixedPointEvaluator.chunkEvents)
                let encoded = block.values.withUnsafeBufferPointer { values in
                    nonisolated(unsafe) let shared = values
                    return Parallel.map(chunks.count, threads: threads) { i in
                        let r = chunks[i]
                        return evaluate(UnsafeBufferPointer(rebasing: shared[(r.lowerBound * block.columns)..<(r.upperBound * block.columns)]), events: r.count)
                    }
                }
                for (bytes, r) in zip(encoded, chunks) { try writer.write(bytes, rows: r.count) }
                events += block.rows
                progress.update(done: events, total: reader.totalRows)
            }
            try writer.finish()
        } catch let error as TensorIOError {
            writer.discard()
            throw .data(error)
        } catch let error as FileSafetyError {
            writer.discard()
            throw .refused(error)
        } catch {
            writer.discard()
            throw .io("\(error)")
        }
        return events
    }
}

/// Evaluates and encodes one chunk of events (a pure function of the chunk).
struct ChunkEvaluation: Sendable {
    let batch: BatchEvaluator
    let float: FloatEvaluator?
    let arithmetic: Prediction.Arithmetic
    let format: EventEncoding.Format
    let types: [FixedType]
    let floatOutputs: FloatOutputs?
    let floatInputs: FloatInputs?

    init(loaded: LoadedModel, arithmetic: Prediction.Arithmetic, format: EventEncoding.Format, inputCodes: Bool = false) {
        floatOutputs = FloatOutputs(loaded.graph)
        floatInputs = inputCodes ? nil : FloatInputs(loaded.graph)
        batch = BatchEvaluator(loaded.model)
        float = arithmetic == .float ? FloatEvaluator(loaded.graph) : nil
        self.arithmetic = arithmetic
        self.format = format
        types = loaded.model.outputTypes
    }

    func callAsFunction(_ events: UnsafeBufferPointer<Double>, events count: Int) -> [UInt8] {
        guard let floatInputs else { return evaluate(events, events: count) }
        var codes = Array(events)
        floatInputs.apply(&codes, width: codes.count / max(1, count))
        return codes.withUnsafeBufferPointer { evaluate($0, events: count) }
    }

    func evaluate(_ values: UnsafeBufferPointer<Double>, events: Int) -> [UInt8] {
        let width = types.count
        if let float {
            let rows = float.run(EventTable(rows: events, columns: values.count / max(1, events), values: Array(values)))
            return rows.values.withUnsafeBufferPointer { EventEncoding.encode($0, columns: rows.columns, as: format) }
        }
        var codes = [Int64](repeating: 0, count: events * width)
        codes.withUnsafeMutableBufferPointer { batch.runRaw(values, events: events, into: $0) }
        if arithmetic == .raw {
            return codes.withUnsafeBufferPointer { EventEncoding.encode($0, columns: width, as: format) }
        }
        let lsb = types.map(\.lsb)
        var real = [Double](unsafeUninitializedCapacity: codes.count) { out, count in
            for i in 0..<codes.count { out[i] = Double(codes[i]) * lsb[i % width] }
            count = codes.count
        }
        floatOutputs?.apply(&real, width: width)
        return real.withUnsafeBufferPointer { EventEncoding.encode($0, columns: width, as: format) }
    }
}

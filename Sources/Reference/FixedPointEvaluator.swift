import FixedPoint
import ModelIR
import TensorIO

/// The bit-exact Swift reference: evaluates the lowered IR on integers only,
/// following the arithmetic documented on each ``LoweredKind``.
/// The HLS C++ and the Verilog must produce the same raw codes.
///
/// All tensors of one event live in one flat buffer (``offsets`` gives each
/// tensor's start), so evaluating an event allocates nothing per op.
public struct FixedPointEvaluator: Sendable {
    public let model: LoweredModel
    let steps: [Step]
    /// Start of each tensor in the flat buffer, and the total size.
    let offsets: [Int]
    let bufferSize: Int

    public init(_ model: LoweredModel) {
        self.model = model
        var offsets: [Int] = []
        var total = 0
        for t in model.tensors { offsets.append(total); total += t.size }
        self.offsets = offsets
        self.bufferSize = total
        self.steps = model.ops.map { Step(op: $0, model: model, offsets: offsets) }
    }

    /// Converts one event's real inputs to raw codes, each with its input
    /// tensor's type (Q and O modes), in the order of ``LoweredModel/inputs``.
    public func quantizeInputs(_ values: ArraySlice<Double>) -> [Int64] {
        var out: [Int64] = []
        out.reserveCapacity(values.count)
        var i = values.startIndex
        for id in model.inputs {
            let t = model[id]
            for _ in 0..<t.size {
                out.append(t.type.quantize(values[i]))
                i += 1
            }
        }
        return out
    }

    /// Evaluates into `buffer` (``bufferSize`` elements).
    func evaluate(_ inputs: [Int64], into buffer: UnsafeMutableBufferPointer<Int64>) {
        var k = 0
        for id in model.inputs {
            let start = offsets[id.index]
            for i in 0..<model[id].size { buffer[start + i] = inputs[k]; k += 1 }
        }
        for i in steps.indices { steps[i].run(buffer) }
    }

    /// Raw outputs (concatenated in the order of ``LoweredModel/outputs``) for
    /// raw inputs (concatenated in the order of ``LoweredModel/inputs``).
    public func runRaw(_ inputs: [Int64]) -> [Int64] {
        var buffer = [Int64](repeating: 0, count: bufferSize)
        return buffer.withUnsafeMutableBufferPointer { b in
            evaluate(inputs, into: b)
            var out: [Int64] = []
            out.reserveCapacity(model.outputWidth)
            for id in model.outputs {
                let start = offsets[id.index]
                for i in 0..<model[id].size { out.append(b[start + i]) }
            }
            return out
        }
    }

    /// Every tensor's raw values for one event, indexed by ``TensorID``.
    public func trace(_ inputs: [Int64]) -> [[Int64]] {
        var buffer = [Int64](repeating: 0, count: bufferSize)
        buffer.withUnsafeMutableBufferPointer { evaluate(inputs, into: $0) }
        return model.tensors.indices.map { Array(buffer[offsets[$0]..<(offsets[$0] + model.tensors[$0].size)]) }
    }

    /// Real-valued outputs for real-valued events (one event a row),
    /// evaluated in batches on up to `threads` threads.
    public func run(_ inputs: EventTable, threads: Int = Parallel.defaultThreads) -> EventTable {
        model.outputTable(flat: runRaw(inputs, threads: threads))
    }

    /// Raw outputs for real-valued events, one array per event.
    public func runRaw(_ inputs: EventTable) -> [[Int64]] {
        let flat = runRaw(inputs, threads: Parallel.defaultThreads)
        let width = model.outputWidth
        return (0..<inputs.rows).map { Array(flat[($0 * width)..<(($0 + 1) * width)]) }
    }
}

extension LoweredModel {
    /// The real value of each output element's codes: one type per column.
    public var outputTypes: [FixedType] { outputs.flatMap { id in Array(repeating: self[id].type, count: self[id].size) } }

    /// Raw output codes, row-major (``outputWidth`` per event), as real values.
    public func outputTable(flat raw: [Int64]) -> EventTable {
        let types = outputTypes
        let width = types.count
        let values = raw.indices.map { types[$0 % width].value(ofRaw: raw[$0]) }
        return EventTable(rows: width == 0 ? 0 : raw.count / width, columns: width, values: values)
    }

    /// Raw output codes (one array per event, outputs concatenated) as real
    /// values, each with its output tensor's type.
    public func outputTable(_ raw: [[Int64]]) -> EventTable {
        let types = outputs.flatMap { id in Array(repeating: self[id].type, count: self[id].size) }
        var values: [Double] = []
        values.reserveCapacity(raw.count * types.count)
        for row in raw {
            for (v, t) in zip(row, types) { values.append(t.value(ofRaw: v)) }
        }
        return EventTable(rows: raw.count, columns: types.count, values: values)
    }
}

import FixedPoint
import ModelIR
import TensorIO

/// The bit-exact Swift reference: evaluates the lowered IR on integers only,
/// following the arithmetic documented on each ``LoweredKind``.
/// The HLS C++ and the Verilog must produce the same raw codes.
public struct FixedPointEvaluator: Sendable {
    public let model: LoweredModel
    let steps: [Step]

    public init(_ model: LoweredModel) {
        self.model = model
        self.steps = model.ops.map { Step(op: $0, model: model) }
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

    /// Raw outputs (concatenated in the order of ``LoweredModel/outputs``) for
    /// raw inputs (concatenated in the order of ``LoweredModel/inputs``).
    public func runRaw(_ inputs: [Int64]) -> [Int64] {
        let buffers = trace(inputs)
        return model.outputs.flatMap { buffers[$0.index] }
    }

    /// Every tensor's raw values for one event, indexed by ``TensorID``.
    public func trace(_ inputs: [Int64]) -> [[Int64]] {
        var buffers: [[Int64]] = model.tensors.map { [Int64](repeating: 0, count: $0.size) }
        var offset = 0
        for id in model.inputs {
            let n = model[id].size
            buffers[id.index] = Array(inputs[offset..<(offset + n)])
            offset += n
        }
        for step in steps { step.run(&buffers) }
        return buffers
    }

    /// Real-valued outputs for real-valued events (one event a row).
    public func run(_ inputs: EventTable) -> EventTable {
        let outputTypes = model.outputs.flatMap { id in Array(repeating: model[id].type, count: model[id].size) }
        var values: [Double] = []
        values.reserveCapacity(inputs.rows * outputTypes.count)
        for r in 0..<inputs.rows {
            let raw = runRaw(quantizeInputs(inputs[row: r]))
            for (v, t) in zip(raw, outputTypes) { values.append(t.value(ofRaw: v)) }
        }
        return EventTable(rows: inputs.rows, columns: outputTypes.count, values: values)
    }

    /// Raw outputs for real-valued events.
    public func runRaw(_ inputs: EventTable) -> [[Int64]] {
        (0..<inputs.rows).map { runRaw(quantizeInputs(inputs[row: $0])) }
    }
}

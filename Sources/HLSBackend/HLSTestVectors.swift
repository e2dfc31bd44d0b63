import FixedPoint
import ModelIR
import Reference
import TensorIO
import SeededRandomness

/// The testbench's vectors: `tb_data/tb_input_features.dat` (events as
/// given, one a line) and `tb_data/tb_output_predictions.dat` (the Swift
/// reference's outputs as exact decimals of their raw codes).
public enum HLSTestVectors {
    static func files(_ model: LoweredModel, events: EventTable) throws(HLSError) -> [GeneratedFile] {
        if let problem = events.inputProblem(width: model.inputWidth) { throw .testInputs(problem) }
        let outputTypes = model.outputs.flatMap { id in Array(repeating: model[id].type, count: model[id].size) }
        let evaluator = FixedPointEvaluator(model)
        var inputText = "", outputText = ""
        for r in 0..<events.rows {
            let row = events[row: r]
            inputText += row.map(number).joined(separator: " ") + "\n"
            let raw = evaluator.runRaw(evaluator.quantizeInputs(row))
            outputText += zip(raw, outputTypes).map { HLSLiterals.decimal($0, fractionBits: $1.fractionBits) }.joined(separator: " ") + "\n"
        }
        return [GeneratedFile(path: "tb_data/tb_input_features.dat", contents: inputText),
                GeneratedFile(path: "tb_data/tb_output_predictions.dat", contents: outputText)]
    }

    /// `events` seeded random events, each input uniform over its type's range.
    public static func sample(_ model: LoweredModel, events: Int, seed: UInt64 = 0x4845_504D_4C) -> EventTable {
        var random = SplitMix64(seed: seed)
        func next() -> Double { random.unit() }
        let types = model.inputs.flatMap { id in Array(repeating: model[id].type, count: model[id].size) }
        var values: [Double] = []
        values.reserveCapacity(events * types.count)
        for _ in 0..<events {
            for t in types { values.append(t.minValue + (t.maxValue - t.minValue) * next()) }
        }
        return EventTable(rows: events, columns: types.count, values: values)
    }

    /// The shortest text that reads back as exactly `v` (C++ streams and
    /// `strtod` round correctly).
    public static func number(_ v: Double) -> String {
        "\(v)"
    }
}

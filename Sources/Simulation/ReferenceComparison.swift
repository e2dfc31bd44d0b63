import Dispatch
import ModelIR
import Reference
import TensorIO

/// One output code of a generated design that differs from the Swift reference.
public struct OutputMismatch: Sendable, Equatable, CustomStringConvertible {
    /// Which implementation produced `actual`: "C simulation" or "RTL".
    public var implementation: String
    public var event: Int
    /// Index in the concatenated outputs.
    public var output: Int
    public var expected: Int64
    public var actual: Int64

    public var description: String {
        "event \(event), output \(output): \(implementation) \(actual), reference \(expected) (raw codes)"
    }
}

/// The raw output codes of a simulation run, compared with the Swift
/// reference: what the C simulation and the RTL simulation both report.
public struct ComparedOutputs: Sendable {
    /// How many events were simulated.
    public var events: Int
    /// Raw output codes per event that came out, in order.
    public var outputs: [[Int64]]
    /// Up to ``maxListedMismatches`` differing codes, in event order.
    public var mismatches: [OutputMismatch]
    /// All differing output codes, plus every output code of an event that never came out.
    public var mismatchCount: Int

    /// How many mismatches ``mismatches`` lists at most (all are counted).
    public static let maxListedMismatches = ReferenceComparison.maxListed

    /// The outputs as real values, one row per event.
    public func realOutputs(_ model: LoweredModel) -> EventTable { model.outputTable(outputs) }
}

/// The comparison both simulations end with: every raw output code against
/// the bit-exact reference.
enum ReferenceComparison {
    /// How many mismatches are listed one by one (all are counted).
    static let maxListed = 100

    /// Compares `actual[r]` with the reference's outputs for `inputs[r]`.
    /// An event with no output counts every one of its codes as a mismatch.
    /// The reference runs batched on every core; its speed is returned too.
    static func compare(_ model: LoweredModel, inputs: [[Int64]], actual: [[Int64]],
                        implementation: String) -> (compared: ComparedOutputs, referenceEventsPerSecond: Double) {
        compare(model, codes: inputs.flatMap { $0 }, events: inputs.count, actual: actual, implementation: implementation)
    }

    /// The same, with the inputs event after event in one array.
    static func compare(_ model: LoweredModel, codes: [Int64], events: Int, actual: [[Int64]],
                        implementation: String) -> (compared: ComparedOutputs, referenceEventsPerSecond: Double) {
        let width = model.outputWidth
        let start = DispatchTime.now().uptimeNanoseconds
        let expected = FixedPointEvaluator(model).runRaw(codes: codes, events: events, threads: Parallel.defaultThreads)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var listed: [OutputMismatch] = []
        var count = 0
        for r in 0..<events {
            guard r < actual.count else {
                count += width
                continue
            }
            for k in 0..<width where expected[r * width + k] != actual[r][k] {
                count += 1
                if listed.count < maxListed {
                    listed.append(OutputMismatch(implementation: implementation, event: r, output: k,
                                                 expected: expected[r * width + k], actual: actual[r][k]))
                }
            }
        }
        return (ComparedOutputs(events: events, outputs: actual, mismatches: listed, mismatchCount: count),
                seconds > 0 ? Double(events) / seconds : 0)
    }
}

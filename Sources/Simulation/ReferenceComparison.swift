import ModelIR
import Reference

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

/// The comparison both simulations end with: every raw output code against
/// the bit-exact reference.
enum ReferenceComparison {
    /// How many mismatches are listed one by one (all are counted).
    static let maxListed = 100

    /// Compares `actual[r]` with the reference's outputs for `inputs[r]`.
    /// An event with no output counts every one of its codes as a mismatch.
    static func compare(_ model: LoweredModel, inputs: [[Int64]], actual: [[Int64]],
                        implementation: String) -> (listed: [OutputMismatch], count: Int) {
        let evaluator = FixedPointEvaluator(model)
        var listed: [OutputMismatch] = []
        var count = 0
        for (r, input) in inputs.enumerated() {
            let expected = evaluator.runRaw(input)
            guard r < actual.count else {
                count += expected.count
                continue
            }
            for (k, (want, got)) in zip(expected, actual[r]).enumerated() where want != got {
                count += 1
                if listed.count < maxListed {
                    listed.append(OutputMismatch(implementation: implementation, event: r, output: k, expected: want, actual: got))
                }
            }
        }
        return (listed, count)
    }
}

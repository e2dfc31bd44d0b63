import FixedPoint
import ModelIR

/// A ``ForestOp`` prepared for evaluation: leaves and base scores already
/// in accumulator codes, so that one event is a walk per tree and a sum.
struct ForestPlan: Sendable {
    let op: ForestOp
    let accumulator: FixedType
    let output: FixedType
    /// Per tree, per node: the leaf's `Q_A(leaf)` (0 for splits).
    let leafCodes: [[Int64]]
    let base: [Int64]

    init(_ f: ForestOp, output: FixedType) {
        op = f
        accumulator = f.accumulatorType
        self.output = output
        leafCodes = f.trees.map { tree in
            tree.nodes.map { node in
                if case .leaf(let v) = node { return f.accumulatorType.quantize(raw: v, from: f.leafType) }
                return 0
            }
        }
        base = f.base.map { f.accumulatorType.quantize(raw: $0, from: f.leafType) }
    }

    /// Scores for one event: `x(i)` is input code `i`; `y(k, code)` receives output `k`.
    @inline(__always)
    func evaluate(_ x: (Int) -> Int64, _ y: (Int, Int64) -> Void) {
        var acc = base
        for (t, tree) in op.trees.enumerated() {
            acc[tree.classIndex] = acc[tree.classIndex] &+ leafCodes[t][op.leafIndex(of: tree, x)]
        }
        for k in acc.indices {
            // The accumulator wraps at its width (the inferred one never does).
            let a = accumulator.rawFromBits(accumulator.bits(ofRaw: acc[k]))
            y(k, output.quantize(raw: a, from: accumulator))
        }
    }
}

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

/// A ``ForestPlan``'s trees as flat arrays, for the batched reference: per
/// tree, a walk over the events (events innermost), allocation-free.
struct ForestBatch: Sendable {
    let plan: ForestPlan
    /// All trees' nodes end to end; `feature < 0` marks a leaf.
    let feature: [Int]
    let threshold: [Int64]
    let left: [Int]
    let right: [Int]
    /// `Q_A(leaf)` at leaves.
    let leaf: [Int64]
    let roots: [Int]
    let classes: [Int]

    init(_ plan: ForestPlan) {
        self.plan = plan
        var feature: [Int] = [], threshold: [Int64] = [], left: [Int] = [], right: [Int] = [], leaf: [Int64] = []
        var roots: [Int] = [], classes: [Int] = []
        for (t, tree) in plan.op.trees.enumerated() {
            let offset = feature.count
            roots.append(offset)
            classes.append(tree.classIndex)
            for (n, node) in tree.nodes.enumerated() {
                switch node {
                case .leaf:
                    feature.append(-1); threshold.append(0); left.append(0); right.append(0)
                    leaf.append(plan.leafCodes[t][n])
                case let .split(f, c, l, r):
                    feature.append(f); threshold.append(c); left.append(offset + l); right.append(offset + r)
                    leaf.append(0)
                }
            }
        }
        (self.feature, self.threshold, self.left, self.right, self.leaf, self.roots, self.classes)
            = (feature, threshold, left, right, leaf, roots, classes)
    }

    /// Outputs of `n` events: `x` and `y` hold element `i` of event `e` at `i * lanes + e`.
    func run(_ x: UnsafeMutablePointer<Int64>, _ y: UnsafeMutablePointer<Int64>, lanes: Int, count n: Int) {
        let a = plan.accumulator, out = plan.output
        for (k, b) in plan.base.enumerated() { for e in 0..<n { y[k * lanes + e] = b } }
        feature.withUnsafeBufferPointer { feature in
        threshold.withUnsafeBufferPointer { threshold in
        left.withUnsafeBufferPointer { left in
        right.withUnsafeBufferPointer { right in
        leaf.withUnsafeBufferPointer { leaf in
            for (root, k) in zip(roots, classes) {
                let acc = y + k * lanes
                for e in 0..<n {
                    var node = root
                    while feature[node] >= 0 {
                        node = x[feature[node] * lanes + e] < threshold[node] ? left[node] : right[node]
                    }
                    acc[e] = acc[e] &+ leaf[node]
                }
            }
        } } } } }
        for k in plan.base.indices {
            for e in 0..<n {
                let i = k * lanes + e
                y[i] = out.quantize(raw: a.rawFromBits(a.bits(ofRaw: y[i])), from: a)
            }
        }
    }
}

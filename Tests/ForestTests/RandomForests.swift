import ModelIR
import SeededRandomness

/// Deterministic random forests for the tests.
enum RandomForests {
    /// A forest of `trees` full trees of `depth` over `features` features,
    /// thresholds uniform in `range`, leaves from `leaf` (given a uniform number in [0, 1)).
    static func make(seed: UInt64, features: Int, classes: Int = 1, trees: Int, depth: Int,
                     range: ClosedRange<Double>, decision: ForestDecision = .lessThan,
                     leaf: (Double) -> Double) -> Forest {
        var rng = SplitMix64(seed: seed)
        var out: [DecisionTree] = []
        for t in 0..<trees {
            var nodes: [TreeNode] = []
            func build(_ level: Int) -> Int {
                let index = nodes.count
                if level == depth {
                    nodes.append(.leaf(leaf(rng.unit())))
                    return index
                }
                nodes.append(.leaf(0))
                let feature = Int(rng.next() % UInt64(features))
                let threshold = range.lowerBound + rng.unit() * (range.upperBound - range.lowerBound)
                let l = build(level + 1), r = build(level + 1)
                nodes[index] = .split(feature: feature, threshold: threshold, left: l, right: r)
                return index
            }
            _ = build(0)
            out.append(DecisionTree(classIndex: t % classes, nodes: nodes))
        }
        return Forest(featureCount: features, classCount: classes, trees: out,
                      baseScores: (0..<classes).map { Double($0) * 0.25 - 0.125 }, decision: decision)
    }
}

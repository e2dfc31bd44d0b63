import FixedPoint
import ModelIR

/// The invariants of a lowered ``ForestOp`` that every consumer relies on.
enum ForestVerify {
    /// A description of the first broken invariant, or nil.
    static func problem(_ f: ForestOp, input: TensorInfo, outputSize: Int) -> String? {
        guard f.classCount == outputSize, f.base.count == outputSize else { return "class count differs from the output size" }
        guard Verify.wraps(f.accumulatorType) else { return "the accumulator must wrap" }
        let leaf = f.leafType, x = input.type
        for b in f.base where b < leaf.minRaw || b > leaf.maxRaw { return "base score \(b) out of range" }
        for (t, tree) in f.trees.enumerated() {
            guard tree.classIndex >= 0, tree.classIndex < f.classCount else { return "tree \(t): class \(tree.classIndex) out of range" }
            guard !tree.nodes.isEmpty else { return "tree \(t) is empty" }
            // Each node other than the root is the child of exactly one earlier node.
            var parents = [Int](repeating: 0, count: tree.nodes.count)
            for (n, node) in tree.nodes.enumerated() {
                switch node {
                case .leaf(let v):
                    guard v >= leaf.minRaw, v <= leaf.maxRaw else { return "tree \(t) node \(n): leaf \(v) out of range" }
                case .split(let feature, let c, let l, let r):
                    guard feature >= 0, feature < input.size else { return "tree \(t) node \(n): feature \(feature) out of range" }
                    guard c > x.minRaw, c <= x.maxRaw else { return "tree \(t) node \(n): threshold \(c) decides nothing" }
                    guard l > n, r > n, l < tree.nodes.count, r < tree.nodes.count, l != r else {
                        return "tree \(t) node \(n): children must be later nodes of the tree"
                    }
                    parents[l] += 1
                    parents[r] += 1
                }
            }
            for n in 1..<max(1, tree.nodes.count) where parents[n] != 1 { return "tree \(t) node \(n) has \(parents[n]) parents" }
        }
        return nil
    }
}

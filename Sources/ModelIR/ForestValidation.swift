/// A defect in a forest's structure, located by tree and node.
public struct ForestProblem: Sendable, Equatable, CustomStringConvertible {
    /// The tree's index in ``Forest/trees``, nil for a forest-level field.
    public var tree: Int?
    /// The node's index in its tree.
    public var node: Int?
    /// The field concerned (`feature`, `left`, `threshold`, ...).
    public var field: String
    public var message: String

    public init(tree: Int? = nil, node: Int? = nil, field: String, message: String) {
        self.tree = tree
        self.node = node
        self.field = field
        self.message = message
    }

    /// The location as a field path, e.g. `trees[3].nodes[5].left`.
    public var path: String {
        var p = tree.map { "trees[\($0)]" } ?? ""
        if let node { p += ".nodes[\(node)]" }
        return p.isEmpty ? field : p + "." + field
    }

    public var description: String { "\(path): \(message)" }
}

extension Forest {
    /// Deepest tree accepted: evaluation and lowering walk a tree recursively
    /// or by its depth, and no trigger forest comes near it.
    public static let maxDepth = 256

    /// The first structural defect, or nil: counts, finite numbers, features
    /// in range, children inside their tree, every node reached from the
    /// root exactly once (no cycle, no shared or unreachable node).
    public func problem() -> ForestProblem? {
        guard featureCount >= 1 else { return ForestProblem(field: "features", message: "a forest needs at least one feature") }
        guard classCount >= 1 else { return ForestProblem(field: "n_classes", message: "a forest needs at least one class") }
        guard baseScores.count == classCount else {
            return ForestProblem(field: "base_score", message: "expected \(classCount) values (one per class), got \(baseScores.count)")
        }
        for (k, b) in baseScores.enumerated() where !b.isFinite {
            return ForestProblem(field: "base_score[\(k)]", message: "\(b) is not a finite number")
        }
        guard !trees.isEmpty else { return ForestProblem(field: "trees", message: "a forest needs at least one tree") }
        for (t, tree) in trees.enumerated() {
            if let p = tree.problem(featureCount: featureCount, classCount: classCount) {
                return ForestProblem(tree: t, node: p.node, field: p.field, message: p.message)
            }
        }
        return nil
    }
}

extension DecisionTree {
    func problem(featureCount: Int, classCount: Int) -> ForestProblem? {
        guard classIndex >= 0, classIndex < classCount else {
            return ForestProblem(field: "class", message: "class \(classIndex) is not one of the forest's \(classCount) classes")
        }
        guard !nodes.isEmpty else { return ForestProblem(field: "nodes", message: "a tree needs at least one node") }
        for (n, node) in nodes.enumerated() {
            switch node {
            case .leaf(let v):
                guard v.isFinite else { return ForestProblem(node: n, field: "value", message: "\(v) is not a finite number") }
            case .split(let f, let t, let l, let r):
                guard f >= 0, f < featureCount else {
                    return ForestProblem(node: n, field: "feature", message: "feature \(f) is not one of the forest's \(featureCount) features (0 to \(featureCount - 1))")
                }
                guard t.isFinite else { return ForestProblem(node: n, field: "threshold", message: "\(t) is not a finite number") }
                for (field, child) in [("left", l), ("right", r)] where child < 0 || child >= nodes.count {
                    return ForestProblem(node: n, field: field, message: "child \(child) is outside the tree (nodes 0 to \(nodes.count - 1))")
                }
            }
        }
        // Walk from the root: a node reached twice means a cycle or a shared child.
        var reached = [Bool](repeating: false, count: nodes.count)
        var stack = [(node: 0, depth: 0)]
        reached[0] = true
        while let (n, depth) = stack.popLast() {
            guard case .split(_, _, let l, let r) = nodes[n] else { continue }
            guard depth < Forest.maxDepth else {
                return ForestProblem(node: n, field: "left", message: "the tree is deeper than \(Forest.maxDepth) levels")
            }
            for (field, child) in [("left", l), ("right", r)] {
                guard !reached[child] else {
                    return ForestProblem(node: n, field: field, message: child == 0 || child == n
                        ? "child \(child) leads back up the tree (a cycle)"
                        : "node \(child) is reached a second time (a cycle, or a child shared by two splits)")
                }
                reached[child] = true
                stack.append((child, depth + 1))
            }
        }
        if let n = reached.firstIndex(of: false) {
            return ForestProblem(node: n, field: "nodes", message: "node \(n) cannot be reached from the root (node 0)")
        }
        return nil
    }
}

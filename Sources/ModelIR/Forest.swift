import FixedPoint

/// A forest of decision trees in floating point, as model.json and the
/// importers (XGBoost JSON) give it: every tree adds one leaf value to the
/// score of its class. The post-transform (sigmoid, softmax) is not part of
/// the forest: it is the activation node that follows it.
///
/// The float semantics, which the lowered forest reproduces on every input
/// code (docs/numerics.md, "Forests"): a split sends `x` left when
/// `round_P(x) < round_P(threshold)` (``ForestDecision/lessThan``, XGBoost)
/// or `round_P(x) <= round_P(threshold)` (``ForestDecision/lessOrEqual``,
/// scikit-learn), with `round_P` the round-to-nearest-even conversion to the
/// forest's ``ThresholdPrecision`` (float32 for XGBoost).
public struct Forest: Sendable, Equatable {
    /// Number of input features (the size of the tensor the forest reads).
    public var featureCount: Int
    /// Number of scores the forest outputs (1 for a binary classifier or a regressor).
    public var classCount: Int
    public var trees: [DecisionTree]
    /// Per class, the score before any tree adds to it (XGBoost's margin of `base_score`).
    public var baseScores: [Double]
    public var decision: ForestDecision
    public var thresholdPrecision: ThresholdPrecision

    public init(featureCount: Int, classCount: Int, trees: [DecisionTree], baseScores: [Double],
                decision: ForestDecision = .lessThan, thresholdPrecision: ThresholdPrecision = .float32) {
        self.featureCount = featureCount
        self.classCount = classCount
        self.trees = trees
        self.baseScores = baseScores
        self.decision = decision
        self.thresholdPrecision = thresholdPrecision
    }
}

/// The comparison a split makes; the `true` outcome goes to the left child.
public enum ForestDecision: String, Sendable, Equatable {
    /// `x < t` goes left (XGBoost, LightGBM's `<=` on the next float aside).
    case lessThan = "lt"
    /// `x <= t` goes left (scikit-learn, ONNX-ML `BRANCH_LEQ`).
    case lessOrEqual = "le"
}

/// The floating-point format in which the float forest compares a feature
/// with a threshold: both are rounded (to nearest, ties to even) to it first.
public enum ThresholdPrecision: String, Sendable, Equatable {
    /// XGBoost, LightGBM, ONNX-ML: features and thresholds are float32.
    case float32
    /// Exact comparison of the input value with the threshold as a Double.
    case float64
}

/// One tree: node 0 is the root; every node is reachable from it exactly once.
public struct DecisionTree: Sendable, Equatable {
    /// The score this tree adds to.
    public var classIndex: Int
    public var nodes: [TreeNode]

    public init(classIndex: Int, nodes: [TreeNode]) {
        self.classIndex = classIndex
        self.nodes = nodes
    }
}

/// A split (`feature`, `threshold`, the children's node indices) or a leaf.
public enum TreeNode: Sendable, Equatable {
    case split(feature: Int, threshold: Double, left: Int, right: Int)
    case leaf(Double)
}

/// A forest on integers. With `x` the raw input codes (type `In`), `L` the
/// leaf type and `A` the accumulator type:
/// ```
/// walk(tree):  node = 0; while node is split(f, c, l, r): node = x[f] < c ? l : r
/// acc_k   = Q_A(base_k) + sum over trees t of class k of Q_A(leaf(walk(t)))   (exact)
/// out[k]  = Q_out(acc_k)
/// ```
/// Every threshold `c` is a code of `In` strictly inside its range
/// (`minRaw < c <= maxRaw`): a comparison that every input decides the same
/// way is folded away when lowering. Leaves and base scores are raw codes of `L`.
/// `A` is wide enough for every sum (it never wraps).
public struct ForestOp: Sendable, Equatable {
    public var leafType: FixedType
    public var accumulatorType: FixedType
    public var classCount: Int
    /// Per class, the raw base score in `leafType`.
    public var base: [Int64]
    public var trees: [LoweredTree]

    public init(leafType: FixedType, accumulatorType: FixedType, classCount: Int, base: [Int64], trees: [LoweredTree]) {
        self.leafType = leafType
        self.accumulatorType = accumulatorType
        self.classCount = classCount
        self.base = base
        self.trees = trees
    }

    /// The distinct `(feature, threshold)` comparisons of the whole forest, sorted:
    /// the comparators a parallel implementation builds once and shares.
    public var comparisons: [ForestComparison] {
        var seen = Set<ForestComparison>()
        for tree in trees {
            for node in tree.nodes {
                if case .split(let f, let c, _, _) = node { seen.insert(ForestComparison(feature: f, threshold: c)) }
            }
        }
        return seen.sorted()
    }

    /// The leaf of `tree` that the input codes `x` reach (its node index).
    @inline(__always)
    public func leafIndex(of tree: LoweredTree, _ x: (Int) -> Int64) -> Int {
        var n = 0
        while case .split(let f, let c, let l, let r) = tree.nodes[n] { n = x(f) < c ? l : r }
        return n
    }
}

/// One comparison `x[feature] < threshold` on raw codes.
public struct ForestComparison: Hashable, Sendable, Comparable {
    public var feature: Int
    public var threshold: Int64
    public init(feature: Int, threshold: Int64) {
        self.feature = feature
        self.threshold = threshold
    }
    public static func < (a: ForestComparison, b: ForestComparison) -> Bool {
        (a.feature, a.threshold) < (b.feature, b.threshold)
    }
}

/// A lowered tree: node 0 is the root.
public struct LoweredTree: Sendable, Equatable {
    public var classIndex: Int
    public var nodes: [LoweredTreeNode]
    public init(classIndex: Int, nodes: [LoweredTreeNode]) {
        self.classIndex = classIndex
        self.nodes = nodes
    }

    /// The leaves' raw codes, in node order.
    public var leafValues: [Int64] {
        nodes.compactMap { if case .leaf(let v) = $0 { return v } else { return nil } }
    }
}

/// A split on a raw code (`x[feature] < threshold` goes to `left`) or a leaf's raw code.
public enum LoweredTreeNode: Sendable, Equatable {
    case split(feature: Int, threshold: Int64, left: Int, right: Int)
    case leaf(Int64)
}

extension Forest {
    /// Whether the float forest sends feature value `x` left at `threshold`
    /// (both rounded to ``thresholdPrecision`` first).
    @inline(__always)
    public func goesLeft(_ x: Double, threshold: Double) -> Bool {
        switch (thresholdPrecision, decision) {
        case (.float32, .lessThan): return Float(x) < Float(threshold)
        case (.float32, .lessOrEqual): return Float(x) <= Float(threshold)
        case (.float64, .lessThan): return x < threshold
        case (.float64, .lessOrEqual): return x <= threshold
        }
    }

    /// The index of the leaf of `tree` that `x` reaches.
    public func leafIndex(of tree: DecisionTree, _ x: (Int) -> Double) -> Int {
        var n = 0
        while case .split(let f, let t, let l, let r) = tree.nodes[n] { n = goesLeft(x(f), threshold: t) ? l : r }
        return n
    }

    /// The float scores (margins, before any post-transform), in Double.
    public func scores(_ x: (Int) -> Double) -> [Double] {
        var s = baseScores
        for tree in trees {
            if case .leaf(let v) = tree.nodes[leafIndex(of: tree, x)] { s[tree.classIndex] += v }
        }
        return s
    }
}

extension Forest {
    /// Per class, the largest difference leaf rounding can make to the score:
    /// the base score's rounding error plus, for each tree of the class, the
    /// largest rounding error among its leaves (a tree adds exactly one leaf).
    /// Exact decisions make this a bound on every input.
    public func leafRoundingBound(leafType: FixedType) -> [Double] {
        func error(_ v: Double) -> Double { abs(leafType.value(ofRaw: leafType.quantize(v)) - v) }
        var bound = baseScores.map(error)
        for tree in trees {
            var worst = 0.0
            for node in tree.nodes { if case .leaf(let v) = node { worst = max(worst, error(v)) } }
            bound[tree.classIndex] += worst
        }
        return bound
    }
}

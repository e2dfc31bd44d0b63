import FixedPoint
import ModelIR

/// Lowering of a ``Forest`` node to a ``ForestOp``: exact integer splits
/// (``ForestThresholds``), leaves and base scores rounded to the leaf type
/// (the layer's `precision.leaf`, else the model's weight default, else the
/// default precision), an accumulator that holds every sum exactly unless one
/// is declared, and the accumulator type as the result unless one is declared.
extension Lower {
    mutating func lowerForest(_ node: Node, _ forest: Forest, input x: TensorID) throws(LoweringError) {
        let inType = tensors[x.index].type
        guard forest.featureCount <= tensors[x.index].size else {
            throw LoweringError(layer: node.name, field: "features",
                                message: "the forest reads \(forest.featureCount) features but its input has \(tensors[x.index].size) elements")
        }
        let leafType = node.precision.weight ?? graph.defaults.weight ?? base
        var leafQuantizer = ParameterQuantizer(node, tensor: "leaves", type: leafType)
        var baseQuantizer = ParameterQuantizer(node, tensor: "base_score", type: leafType)
        let baseCodes = forest.baseScores.map { baseQuantizer.quantize($0) }
        // Each feature's codes: narrower than the type when the input
        // gathers features of narrower types (per-feature input types).
        let featureCodes = (0..<forest.featureCount).map { f -> ClosedRange<Int64> in
            let r = ranges[x.index][f].fractionBits == inType.fractionBits ? ranges[x.index][f] : ranges[x.index][f].quantized(to: inType)
            let lo = max(Int128(inType.minRaw), r.lo), hi = min(Int128(inType.maxRaw), r.hi)
            return lo <= hi ? Int64(lo)...Int64(hi) : inType.minRaw...inType.maxRaw
        }
        var trees: [LoweredTree] = []
        for tree in forest.trees {
            var nodes: [LoweredTreeNode] = []
            Self.foldTree(tree, forest: forest, inputType: inType, featureCodes: { featureCodes[$0] },
                          quantizeLeaf: { leafQuantizer.quantize($0) }, into: &nodes)
            trees.append(LoweredTree(classIndex: tree.classIndex, nodes: nodes))
        }
        overflows += [leafQuantizer.overflow, baseQuantizer.overflow].compactMap { $0 }

        let accumulatorType: FixedType
        var sumRanges: [ValueRange] = []
        let fraction = leafType.fractionBits
        for k in 0..<forest.classCount {
            var r = ValueRange(lo: Int128(baseCodes[k]), hi: Int128(baseCodes[k]), fractionBits: fraction)
            for tree in trees where tree.classIndex == k {
                let leaves = tree.leafValues
                r = r + ValueRange(lo: Int128(leaves.min()!), hi: Int128(leaves.max()!), fractionBits: fraction)
            }
            sumRanges.append(r)
        }
        if let declared = node.precision.accumulator ?? graph.defaults.accumulator {
            accumulatorType = declared
            let full = ValueRange(of: declared)
            sumRanges = sumRanges.map { r in
                let q = r.quantized(to: declared)
                return q.lo < full.lo || q.hi > full.hi ? full : q
            }
        } else {
            let all = sumRanges.reduce(sumRanges[0]) { $0.union($1) }
            accumulatorType = try PrecisionInference.exactAccumulator(sumRange: all, layer: node.name)
        }
        let resultType = declaredResult(node) ?? accumulatorType
        let op = ForestOp(leafType: leafType, accumulatorType: accumulatorType, classCount: forest.classCount,
                          base: baseCodes, trees: trees)
        emit(node, .forest(op), inputs: [x], size: forest.classCount, type: resultType,
             ranges: sumRanges.map { $0.quantized(to: accumulatorType) })
    }

    /// Appends the lowered form of `tree` to `nodes`: splits that every code
    /// of the input type decides the same way, or every code the feature can
    /// hold (`featureCodes`), are replaced by the child they always take, so
    /// the unreachable side disappears.
    static func foldTree(_ tree: DecisionTree, forest: Forest, inputType: FixedType,
                         featureCodes: (Int) -> ClosedRange<Int64> = { _ in Int64.min...Int64.max },
                         quantizeLeaf: (Double) -> Int64, into nodes: inout [LoweredTreeNode]) {
        func build(_ n: Int) -> Int {
            switch tree.nodes[n] {
            case .leaf(let v):
                nodes.append(.leaf(quantizeLeaf(v)))
                return nodes.count - 1
            case .split(let feature, let threshold, let left, let right):
                switch ForestThresholds.integerSplit(threshold: threshold, decision: forest.decision,
                                                     precision: forest.thresholdPrecision, type: inputType) {
                case .alwaysLeft: return build(left)
                case .alwaysRight: return build(right)
                case .lessThan(let c) where c <= featureCodes(feature).lowerBound: return build(right)
                case .lessThan(let c) where c > featureCodes(feature).upperBound: return build(left)
                case .lessThan(let c):
                    let index = nodes.count
                    nodes.append(.leaf(0))
                    let l = build(left)
                    let r = build(right)
                    nodes[index] = .split(feature: feature, threshold: c, left: l, right: r)
                    return index
                }
            }
        }
        _ = build(0)
    }
}

import FixedPoint
import ModelIR
import TensorIO

/// The forest section of a report: per tree and per feature, what the
/// fixed-point forest is and how often its decisions follow the float
/// forest's on the report's events (the float forest reads the events'
/// real values; the fixed-point one their codes in the input type, so a
/// difference is the input quantization, never the thresholds).
public struct ForestReport: Codable, Sendable, Equatable {
    public struct Tree: Codable, Sendable, Equatable {
        public var index: Int
        public var classIndex: Int
        /// Splits on the longest root-to-leaf path, after folding.
        public var depth: Int
        public var leaves: Int
        /// Splits that every input code decides alike, folded away when lowering.
        public var foldedSplits: Int
        /// Largest difference between a leaf and its rounded value.
        public var leafRoundingError: Double
        /// Events on which the fixed-point tree reaches the float tree's leaf.
        public var agreeingEvents: Int
    }

    public struct Feature: Codable, Sendable, Equatable {
        public var index: Int
        /// Split nodes (all trees) that test this feature.
        public var splits: Int
        /// Distinct thresholds: the comparators the Verilog builds for it.
        public var comparators: Int
        /// Event-split pairs where the quantized input goes the other way.
        public var flippedDecisions: Int
    }

    public var layer: String
    public var events: Int
    public var trees: [Tree]
    public var features: [Feature]
    /// Per class, the largest score error leaf rounding can cause.
    public var leafRoundingBound: [Double]

    /// The forests of `graph` that read model inputs (directly, or gathered
    /// by a concatenation: per-feature input types), on the first `events`
    /// (real values, model inputs end to end).
    public static func build(graph: Graph, model: LoweredModel, events: EventTable) -> [ForestReport] {
        var reports: [ForestReport] = []
        for node in graph.nodes {
            guard case .forest(let forest) = node.op,
                  let op = model.ops.first(where: { $0.sourceLayers.contains(node.name) }),
                  case .forest(let lowered) = op.kind,
                  let sources = featureSources(op.inputs[0], model), sources.count >= forest.featureCount else { continue }
            reports.append(build(forest, lowered, name: node.name, sources: Array(sources.prefix(forest.featureCount)), events: events))
        }
        return reports
    }

    /// Where a feature comes from: its column in the events and the types
    /// its value is assigned to on the way, the model input's first.
    struct FeatureSource {
        var column: Int
        var types: [FixedType]

        /// The code the forest compares, from the real value.
        func code(_ real: Double) -> Int64 {
            var code = types[0].quantize(real)
            for (from, to) in zip(types, types.dropFirst()) { code = to.quantize(raw: code, from: from) }
            return code
        }
    }

    /// The sources of each element of tensor `t`, if it is a model input or
    /// made of model inputs by concatenations and quantizations alone.
    static func featureSources(_ t: TensorID, _ model: LoweredModel) -> [FeatureSource]? {
        if let i = model.inputs.firstIndex(of: t) {
            let offset = model.inputs.prefix(i).reduce(0) { $0 + model[$1].size }
            return (0..<model[t].size).map { FeatureSource(column: offset + $0, types: [model[t].type]) }
        }
        guard let op = model.ops.first(where: { $0.output == t }) else { return nil }
        var sources: [FeatureSource] = []
        switch op.kind {
        case .concatenate, .quantize:
            for input in op.inputs {
                guard let s = featureSources(input, model) else { return nil }
                sources += s
            }
        default:
            return nil
        }
        return sources.map { FeatureSource(column: $0.column, types: $0.types + [model[t].type]) }
    }

    static func build(_ forest: Forest, _ lowered: ForestOp, name: String, sources: [FeatureSource], events: EventTable) -> ForestReport {
        let leafType = lowered.leafType
        let type = sources.map { $0.types.last! }
        var trees: [Tree] = []
        for (t, tree) in forest.trees.enumerated() {
            let low = lowered.trees[t]
            let floatSplits = tree.nodes.count { if case .split = $0 { return true } else { return false } }
            let lowSplits = low.nodes.count { if case .split = $0 { return true } else { return false } }
            var worst = 0.0
            for node in tree.nodes { if case .leaf(let v) = node { worst = max(worst, abs(leafType.value(ofRaw: leafType.quantize(v)) - v)) } }
            trees.append(Tree(index: t, classIndex: tree.classIndex, depth: depth(low), leaves: low.nodes.count - lowSplits,
                              foldedSplits: floatSplits - lowSplits, leafRoundingError: worst, agreeingEvents: 0))
        }
        var features = (0..<forest.featureCount).map { Feature(index: $0, splits: 0, comparators: 0, flippedDecisions: 0) }
        for tree in forest.trees { for node in tree.nodes { if case .split(let f, _, _, _) = node { features[f].splits += 1 } } }
        for c in lowered.comparisons { features[c.feature].comparators += 1 }
        for e in 0..<events.rows {
            let row = events[row: e]
            let real: (Int) -> Double = { row[row.startIndex + sources[$0].column] }
            let codes = (0..<forest.featureCount).map { sources[$0].code(real($0)) }
            for (t, tree) in forest.trees.enumerated() {
                let low = lowered.trees[t]
                guard case .leaf(let v) = tree.nodes[forest.leafIndex(of: tree, real)],
                      case .leaf(let reached) = low.nodes[lowered.leafIndex(of: low, { codes[$0] })] else { continue }
                if leafType.quantize(v) == reached { trees[t].agreeingEvents += 1 }
                for node in tree.nodes {
                    guard case .split(let f, let threshold, _, _) = node else { continue }
                    if forest.goesLeft(real(f), threshold: threshold) != forest.goesLeft(type[f].value(ofRaw: codes[f]), threshold: threshold) {
                        features[f].flippedDecisions += 1
                    }
                }
            }
        }
        return ForestReport(layer: name, events: events.rows, trees: trees, features: features,
                            leafRoundingBound: forest.leafRoundingBound(leafType: leafType))
    }

    static func depth(_ tree: LoweredTree) -> Int {
        var depth = [Int](repeating: 0, count: tree.nodes.count), deepest = 0
        for (n, node) in tree.nodes.enumerated() {
            if case .split(_, _, let l, let r) = node { depth[l] = depth[n] + 1; depth[r] = depth[n] + 1 } else { deepest = max(deepest, depth[n]) }
        }
        return deepest
    }

    /// The text section: a line per forest, per tree and per feature.
    public func text() -> [String] {
        var out = ["Forest '\(layer)': \(trees.count) trees, \(features.reduce(0) { $0 + $1.comparators }) comparators; largest score error from leaf rounding \(leafRoundingBound.map { ReportFormat.number($0) }.joined(separator: ", ")) (per class)"]
        let pct: (Int) -> String = { ReportFormat.percent(events == 0 ? 0 : Double($0) / Double(events), digits: 1) }
        out.append(formatTable([["tree", "class", "depth", "leaves", "folded", "leaf err", "same leaf as float"]] + trees.map {
            ["\($0.index)", "\($0.classIndex)", "\($0.depth)", "\($0.leaves)", "\($0.foldedSplits)", ReportFormat.number($0.leafRoundingError), pct($0.agreeingEvents)]
        }))
        out.append(formatTable([["feature", "splits", "comparators", "decisions flipped by input quantization"]] + features.map {
            ["\($0.index)", "\($0.splits)", "\($0.comparators)", "\($0.flippedDecisions)"]
        }))
        return out
    }
}

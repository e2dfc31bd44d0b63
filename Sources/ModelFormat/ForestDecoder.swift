import ModelIR

/// Decodes a `forest` layer (docs/model-format.md, "Forests"):
/// ```json
/// { "name": "bdt", "type": "forest", "features": 4, "n_classes": 1, "base_score": [0.0],
///   "decision": "lt", "threshold_precision": "float32",
///   "trees": [ { "class": 0, "nodes": [ {"feature": 0, "threshold": 0.5, "left": 1, "right": 2},
///                                     {"leaf": 0.25}, {"leaf": -0.5} ] } ] }
/// ```
extension LayerDecoder {
    static let forestKeys: Set<String> = ["features", "n_classes", "base_score", "decision", "threshold_precision", "trees"]

    /// Most trees and nodes per tree a forest may have (a hostile file must not exhaust memory).
    static let maxTrees = 100_000
    static let maxNodesPerTree = 1 << 20

    func decodeForest(_ r: FieldReader, inputSize: Int) throws(ModelFormatError) -> Forest {
        let features = r.has("features") ? try r.integer("features", atLeast: 1) : inputSize
        guard features <= inputSize else {
            throw r.error("features", "the forest reads \(features) features but its input has \(inputSize) elements")
        }
        let classes = r.has("n_classes") ? try r.integer("n_classes", atLeast: 1) : 1
        guard classes <= 10_000 else { throw r.error("n_classes", "\(classes) classes is more than the supported 10000") }
        let base = r.has("base_score") ? try r.vector("base_score", count: classes) : Array(repeating: 0, count: classes)
        let decision: ForestDecision
        switch try r.optionalString("decision") ?? "lt" {
        case "lt": decision = .lessThan
        case "le": decision = .lessOrEqual
        case let other: throw r.error("decision", "unknown decision '\(other)'; supported: lt (x < threshold goes left), le (x <= threshold goes left)")
        }
        let precision: ThresholdPrecision
        switch try r.optionalString("threshold_precision") ?? "float32" {
        case "float32": precision = .float32
        case "float64": precision = .float64
        case let other: throw r.error("threshold_precision", "unknown precision '\(other)'; supported: float32, float64")
        }
        let treeItems = try r.array("trees")
        guard treeItems.count <= Self.maxTrees else { throw r.error("trees", "\(treeItems.count) trees is more than the supported \(Self.maxTrees)") }
        var trees: [DecisionTree] = []
        trees.reserveCapacity(treeItems.count)
        for (t, item) in treeItems.enumerated() {
            let tr = try FieldReader(file: file, layer: r.layer, path: "trees[\(t)]", value: item)
            try tr.onlyKeys(["class", "nodes"])
            let classIndex = tr.has("class") ? try tr.integer("class", atLeast: 0) : 0
            let nodeItems = try tr.array("nodes")
            guard nodeItems.count <= Self.maxNodesPerTree else {
                throw tr.error("nodes", "\(nodeItems.count) nodes is more than the supported \(Self.maxNodesPerTree)")
            }
            var nodes: [TreeNode] = []
            nodes.reserveCapacity(nodeItems.count)
            for (n, nodeItem) in nodeItems.enumerated() {
                let nr = try FieldReader(file: file, layer: r.layer, path: "trees[\(t)].nodes[\(n)]", value: nodeItem)
                if nr.has("leaf") {
                    try nr.onlyKeys(["leaf"])
                    nodes.append(.leaf(try nr.number("leaf")))
                } else {
                    try nr.onlyKeys(["feature", "threshold", "left", "right"])
                    nodes.append(.split(feature: try nr.integer("feature", atLeast: 0), threshold: try nr.number("threshold"),
                                        left: try nr.integer("left", atLeast: 0), right: try nr.integer("right", atLeast: 0)))
                }
            }
            trees.append(DecisionTree(classIndex: classIndex, nodes: nodes))
        }
        let forest = Forest(featureCount: features, classCount: classes, trees: trees, baseScores: base,
                            decision: decision, thresholdPrecision: precision)
        if let problem = forest.problem() { throw r.error(problem.path, problem.message) }
        return forest
    }
}

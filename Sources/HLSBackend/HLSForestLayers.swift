import FixedPoint
import ModelIR

/// A forest as `nnet::forest` (nnet_forest.h): its trees' nodes end to end
/// in constant arrays (feature, threshold in the input's type, children,
/// leaf in the accumulator type), the tree roots and classes, the base scores.
extension HLSLayerPlanner {
    /// The layer-library header only forest models need.
    static let forestHeader = "nnet_forest.h"

    mutating func planForest(_ f: ForestOp, _ site: HLSOpSite) throws(HLSError) -> HLSLayer {
        let base = site.base, name = site.op.name
        let inputT = site.dataTypes[0]
        let inputType = site.inputs[0].type
        let A = f.accumulatorType
        let accumT = names.make(base + "_accum_t")
        let config = names.make("config_" + base)
        var layer = HLSLayer(op: site.op, summary: "\(name): forest of \(f.trees.count) trees, \(f.classCount) classes, \(f.comparisons.count) distinct comparisons\(site.from)")
        layer.typedefs = [HLSTypedef(name: accumT, type: A, comment: "accumulator of \(name) (wraps); leaves and base scores")]
        layer.definitions = ["#include \"nnet_utils/\(Self.forestHeader)\""]

        var feature: [String] = [], threshold: [String] = [], left: [String] = [], right: [String] = [], leaf: [String] = []
        var roots: [String] = [], classes: [String] = []
        var maxDepth = 0
        for tree in f.trees {
            let offset = feature.count
            roots.append("\(offset)")
            classes.append("\(tree.classIndex)")
            var depth = [Int](repeating: 0, count: tree.nodes.count)
            for (n, node) in tree.nodes.enumerated() {
                switch node {
                case .leaf(let v):
                    feature.append("-1"); threshold.append("0.0"); left.append("-1"); right.append("-1")
                    leaf.append(HLSLiterals.literal(A.quantize(raw: v, from: f.leafType), of: A, typeName: accumT))
                    maxDepth = max(maxDepth, depth[n])
                case let .split(fi, c, l, r):
                    feature.append("\(fi)")
                    threshold.append(HLSLiterals.literal(c, of: inputType, typeName: inputT))
                    left.append("\(offset + l)"); right.append("\(offset + r)"); leaf.append("0.0")
                    // Children come after their parent (the lowered tree is in preorder).
                    depth[l] = depth[n] + 1
                    depth[r] = depth[n] + 1
                }
            }
        }
        let nodes = feature.count
        let names = ["feature", "threshold", "left", "right", "leaf", "tree_root", "tree_class", "base"].map { self.names.make(base + "_" + $0) }
        layer.header = base
        layer.arrays = [
            HLSArray(comment: "split features of \(name) (-1: a leaf)", typeName: "int", name: names[0], size: nodes, lines: Self.chunks(feature)),
            HLSArray(comment: "split thresholds of \(name), \(inputType): x[f] < c goes left", typeName: inputT, name: names[1], size: nodes, lines: Self.chunks(threshold)),
            HLSArray(comment: "left children of \(name) (absolute node indices)", typeName: "int", name: names[2], size: nodes, lines: Self.chunks(left)),
            HLSArray(comment: "right children of \(name)", typeName: "int", name: names[3], size: nodes, lines: Self.chunks(right)),
            HLSArray(comment: "leaf values of \(name), \(A)", typeName: accumT, name: names[4], size: nodes, lines: Self.chunks(leaf)),
            HLSArray(comment: "first node of each tree of \(name)", typeName: "int", name: names[5], size: f.trees.count, lines: Self.chunks(roots)),
            HLSArray(comment: "class each tree of \(name) adds to", typeName: "int", name: names[6], size: f.trees.count, lines: Self.chunks(classes)),
            HLSArray(comment: "base scores of \(name), \(A)", typeName: accumT, name: names[7], size: f.classCount,
                     lines: Self.chunks(f.base.map { HLSLiterals.literal(A.quantize(raw: $0, from: f.leafType), of: A, typeName: accumT) })),
        ]
        layer.config = HLSConfig(name: config, base: "forest_config", members: [
            "static const unsigned n_features = \(site.inputs[0].size);",
            "static const unsigned n_classes = \(f.classCount);",
            "static const unsigned n_trees = \(f.trees.count);",
            "static const unsigned n_nodes = \(nodes);",
            "static const unsigned max_depth = \(max(1, maxDepth));",
            "static const unsigned reuse_factor = \(site.reuseFactor);",
            "typedef \(accumT) accum_t;",
        ])
        layer.calls = [site.call("forest", config: config, extra: names)]
        return layer
    }
}

import FixedPoint
import Foundation
import InputFiles
import ModelIR
import SwiftProtobuf

/// Reads an ONNX-ML `TreeEnsembleClassifier` or `TreeEnsembleRegressor`
/// (ai.onnx.ml opsets 1–3, as skl2onnx and onnxmltools write them) into a
/// graph: an input `x`, a ``Forest`` node `margin`, and the post-transform
/// (`LOGISTIC` → sigmoid, `SOFTMAX` → softmax) unless `raw`. Nodes around the
/// ensemble (`Cast`, `ZipMap`, `Identity`) are accepted and ignored.
///
/// ONNX-ML compares the float32 input with float32 thresholds per node mode;
/// every mode is written as `x <= t` with float32 arithmetic: `x < t` is
/// `x <= nextDown(t)` on float32 values, `x > t` and `x >= t` swap the
/// children. `BRANCH_EQ`/`BRANCH_NEQ` are refused. A leaf that adds to
/// several classes (a random forest's class probabilities) becomes one tree
/// per class with the same splits; `AVERAGE` divides the leaves by the
/// number of trees. A binary classifier whose weights all go to one class
/// outputs that class's score (one output).
public enum TreeEnsembleImporter {
    static let ensembles: Set<String> = ["TreeEnsembleClassifier", "TreeEnsembleRegressor"]
    static let ignored: Set<String> = ["Cast", "ZipMap", "Identity"]

    /// The graph of the file at `path` when it holds a tree ensemble, else nil (a QONNX model).
    public static func loadIfTreeEnsemble(path: String, inputType: FixedType?, raw: Bool = false) throws(QONNXError) -> Graph? {
        let label = (path as NSString).lastPathComponent
        return try ifTreeEnsemble(QONNXImporter.readModel(path: path), file: label, inputType: inputType, raw: raw)
    }

    /// The graph of a decoded ONNX model when it holds a tree ensemble, else
    /// nil. ``QONNXImporter`` asks this first of every model it decodes, so
    /// an `.onnx` file is read and decoded once, whatever it holds.
    static func ifTreeEnsemble(_ model: Onnx_ModelProto, file label: String, inputType: FixedType?, raw: Bool) throws(QONNXError) -> Graph? {
        guard let node = model.graph.node.first(where: { ensembles.contains($0.opType) }) else { return nil }
        return try importEnsemble(node, model: model, file: label, name: ModelNameFromFile.from(label), inputType: inputType, raw: raw)
    }

    static func importEnsemble(_ node: Onnx_NodeProto, model: Onnx_ModelProto, file: String, name: String,
                               inputType: FixedType?, raw: Bool) throws(QONNXError) -> Graph {
        let label = "'\(node.name)' (\(node.opType))"
        func fail(_ field: String?, _ message: String) -> QONNXError { QONNXError(file: file, node: label, field: field, message: message) }
        for other in model.graph.node where other.opType != node.opType && !ignored.contains(other.opType) {
            throw QONNXError(file: file, node: "'\(other.name)' (\(other.opType))",
                             message: "a tree-ensemble model may hold only the ensemble and Cast, ZipMap or Identity nodes")
        }
        let a = EnsembleAttributes(node: node, fail: fail)
        let classifier = node.opType == "TreeEnsembleClassifier"
        let prefix = classifier ? "class" : "target"
        let treeIDs = try a.ints("nodes_treeids"), nodeIDs = try a.ints("nodes_nodeids")
        let n = treeIDs.count
        let featureIDs = try a.ints("nodes_featureids", count: n), modes = try a.strings("nodes_modes", count: n)
        let values = try a.floats("nodes_values", count: n)
        let trueIDs = try a.ints("nodes_truenodeids", count: n), falseIDs = try a.ints("nodes_falsenodeids", count: n)
        let wTree = try a.ints("\(prefix)_treeids"), wNode = try a.ints("\(prefix)_nodeids", count: wTree.count)
        let wID = try a.ints("\(prefix)_ids", count: wTree.count), wValue = try a.floats("\(prefix)_weights", count: wTree.count)
        let labels = classifier ? max(try a.optionalInts("classlabels_int64s")?.count ?? 0, try a.stringCount("classlabels_strings")) : 0
        var outputs = classifier ? labels : (try a.optionalInt("n_targets") ?? 1)
        guard outputs >= 1, outputs <= 10_000 else { throw fail(classifier ? "classlabels" : "n_targets", "\(outputs) outputs is not supported") }
        let ids = Set(wID)
        guard ids.allSatisfy({ $0 >= 0 && $0 < outputs }) else { throw fail("\(prefix)_ids", "an id is outside 0..<\(outputs)") }
        // Binary classifier with every weight on one class: one score.
        var remap: [Int: Int] = Dictionary(uniqueKeysWithValues: (0..<outputs).map { ($0, $0) })
        if classifier && outputs == 2 && ids.count == 1 { remap = [ids.first!: 0]; outputs = 1 }
        let post = try a.optionalString("post_transform") ?? "NONE"
        let aggregate = try a.optionalString("aggregate_function") ?? "SUM"
        guard aggregate == "SUM" || aggregate == "AVERAGE" else { throw fail("aggregate_function", "'\(aggregate)' is not supported (SUM, AVERAGE)") }
        var base = try a.optionalFloats("base_values") ?? []
        if base.isEmpty { base = Array(repeating: 0, count: outputs) }
        if base.count == 2 && outputs == 1 { base = [base[remap.keys.first!]] }
        guard base.count == outputs else { throw fail("base_values", "expected \(outputs) values, got \(base.count)") }

        // Nodes per tree, by node id.
        var trees: [Int: [Int: Int]] = [:]   // tree id -> node id -> attribute index
        for i in 0..<n { trees[treeIDs[i], default: [:]][nodeIDs[i]] = i }
        var weights: [Int: [(Int, Double)]] = [:]   // attribute index of the leaf -> (output, weight)
        for j in wTree.indices {
            guard let i = trees[wTree[j]]?[wNode[j]] else { throw fail("\(prefix)_nodeids[\(j)]", "no node \(wNode[j]) in tree \(wTree[j])") }
            guard let out = remap[wID[j]] else { continue }
            weights[i, default: []].append((out, wValue[j]))
        }
        let treeCount = trees.count
        let scale = aggregate == "AVERAGE" ? 1 / Double(max(1, treeCount)) : 1
        var forestTrees: [DecisionTree] = []
        for treeID in trees.keys.sorted() {
            let index = trees[treeID]!
            guard let root = index[0] ?? index.keys.min().flatMap({ index[$0] }) else { continue }
            let classes = Set(index.values.flatMap { (weights[$0] ?? []).map(\.0) }).sorted()
            for k in classes.isEmpty ? [0] : classes {
                var nodes: [TreeNode] = []
                var built = Set<Int>()
                func build(_ i: Int, depth: Int) throws(QONNXError) -> Int {
                    guard depth <= Forest.maxDepth, built.insert(i).inserted else {
                        throw fail("nodes_truenodeids", "tree \(treeID) node \(nodeIDs[i]): reached twice or too deep (a cycle?)")
                    }
                    let at = nodes.count
                    nodes.append(.leaf(0))
                    let mode = modes[i]
                    if mode == "LEAF" {
                        let v = (weights[i] ?? []).filter { $0.0 == k }.reduce(0) { $0 + $1.1 }
                        nodes[at] = .leaf(v * scale)
                        return at
                    }
                    guard let t = index[trueIDs[i]], let f = index[falseIDs[i]] else {
                        throw fail("nodes_truenodeids", "tree \(treeID) node \(nodeIDs[i]): a child is not a node of the tree")
                    }
                    let threshold = Float(values[i])
                    let (cut, yes, no): (Float, Int, Int)
                    switch mode {
                    case "BRANCH_LEQ": (cut, yes, no) = (threshold, t, f)
                    case "BRANCH_LT": (cut, yes, no) = (threshold.nextDown, t, f)
                    case "BRANCH_GT": (cut, yes, no) = (threshold, f, t)
                    case "BRANCH_GTE": (cut, yes, no) = (threshold.nextDown, f, t)
                    default:
                        throw fail("nodes_modes", "tree \(treeID) node \(nodeIDs[i]): mode '\(mode)' is not supported (BRANCH_LEQ, BRANCH_LT, BRANCH_GT, BRANCH_GTE, LEAF)")
                    }
                    let l = try build(yes, depth: depth + 1), r = try build(no, depth: depth + 1)
                    nodes[at] = .split(feature: featureIDs[i], threshold: Double(cut), left: l, right: r)
                    return at
                }
                _ = try build(root, depth: 0)
                forestTrees.append(DecisionTree(classIndex: k, nodes: nodes))
            }
        }
        guard let input = model.graph.input.first else { throw fail(nil, "the graph has no input") }
        let dims = input.type.tensorType.shape.dim.map { $0.dimValue }
        let features = max(Int(dims.last ?? 0), (featureIDs.max() ?? 0) + 1)
        let forest = Forest(featureCount: features, classCount: outputs, trees: forestTrees, baseScores: base,
                            decision: .lessOrEqual, thresholdPrecision: .float32)
        if let problem = forest.problem() { throw fail(problem.path, problem.message) }
        var nodes = [Node(name: "margin", op: .forest(forest), inputs: ["x"])]
        switch post {
        case "NONE": break
        case "LOGISTIC":
            if !raw { nodes.append(Node(name: "probability", op: .activation(.sigmoid(TableSettings())), inputs: ["margin"])) }
        case "SOFTMAX":
            guard outputs >= 2 else { throw fail("post_transform", "SOFTMAX needs at least 2 outputs") }
            if !raw { nodes.append(Node(name: "probabilities", op: .activation(.softmax(SoftmaxTableSettings())), inputs: ["margin"])) }
        default:
            throw fail("post_transform", "'\(post)' is not supported (NONE, LOGISTIC, SOFTMAX)")
        }
        return Graph(name: name, inputs: [GraphInput(name: "x", shape: [features], type: inputType)], nodes: nodes,
                     outputs: [nodes.last!.name])
    }
}

/// A model name from a file name (`my-bdt.onnx` → `my_bdt`).
enum ModelNameFromFile {
    static func from(_ file: String) -> String {
        let stem = (file as NSString).deletingPathExtension
        var name = String(stem.unicodeScalars.prefix(60).map { c -> Character in
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" ? Character(c) : "_"
        })
        if name.isEmpty || name.first!.isNumber { name = "m_" + name }
        return name
    }
}

/// Typed access to a tree ensemble's attributes (lists, or `*_as_tensor` in opset 3).
struct EnsembleAttributes {
    let node: Onnx_NodeProto
    let fail: (String?, String) -> QONNXError
    static let maxCount = 1 << 24

    func attribute(_ name: String) -> Onnx_AttributeProto? { node.attribute.first { $0.name == name } }

    func optionalInts(_ name: String) throws(QONNXError) -> [Int]? {
        guard let a = attribute(name) else { return nil }
        guard a.ints.count <= Self.maxCount, a.ints.allSatisfy({ abs($0) < 1 << 40 }) else { throw fail(name, "out of range") }
        return a.ints.map { Int($0) }
    }

    func ints(_ name: String, count: Int? = nil) throws(QONNXError) -> [Int] {
        guard let v = try optionalInts(name) else { throw fail(name, "missing attribute") }
        if let count, v.count != count { throw fail(name, "expected \(count) values, got \(v.count)") }
        return v
    }

    func optionalFloats(_ name: String) throws(QONNXError) -> [Double]? {
        if let a = attribute(name) {
            guard a.floats.count <= Self.maxCount, a.floats.allSatisfy(\.isFinite) else { throw fail(name, "values must be finite") }
            return a.floats.map(Double.init)
        }
        guard let t = attribute(name + "_as_tensor") else { return nil }
        let field = name + "_as_tensor"
        return try ConstantTensor(t.t) { message in fail(field, message) }.values
    }

    func floats(_ name: String, count: Int) throws(QONNXError) -> [Double] {
        guard let v = try optionalFloats(name) else { throw fail(name, "missing attribute") }
        guard v.count == count else { throw fail(name, "expected \(count) values, got \(v.count)") }
        return v
    }

    func strings(_ name: String, count: Int) throws(QONNXError) -> [String] {
        guard let a = attribute(name), a.strings.count == count else { throw fail(name, "expected \(count) strings") }
        return a.strings.map { String(decoding: $0.prefix(40), as: UTF8.self) }
    }

    func stringCount(_ name: String) throws(QONNXError) -> Int { attribute(name)?.strings.count ?? 0 }

    func optionalString(_ name: String) throws(QONNXError) -> String? {
        attribute(name).map { String(decoding: $0.s.prefix(40), as: UTF8.self) }
    }

    func optionalInt(_ name: String) throws(QONNXError) -> Int? {
        guard let a = attribute(name) else { return nil }
        guard abs(a.i) < 1 << 20 else { throw fail(name, "out of range") }
        return Int(a.i)
    }
}

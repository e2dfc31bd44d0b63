import Foundation
import FixedPoint
import InputFiles
import ModelIR

/// How an imported forest becomes a graph.
public struct ForestImportOptions: Sendable, Equatable {
    /// The type of the feature inputs (nil: the model default precision).
    public var inputType: FixedType?
    /// Leave out the post-transform (sigmoid, softmax): the design outputs the margins.
    public var raw: Bool

    public init(inputType: FixedType? = nil, raw: Bool = false) {
        self.inputType = inputType
        self.raw = raw
    }
}

/// Reads an XGBoost model saved as JSON (`Booster.save_model("m.json")`,
/// XGBoost 1.x to 3.x) into a graph: an input `x` of `num_feature`
/// elements, a ``Forest`` node `margin`, and the objective's post-transform
/// (`sigmoid` for `binary:logistic`/`reg:logistic`, `softmax` for
/// `multi:softprob`/`multi:softmax`, nothing for regression and
/// `binary:logitraw`) unless ``ForestImportOptions/raw``.
///
/// XGBoost compares `float32(x) < split_condition` (float32 threshold), so the
/// forest keeps ``ThresholdPrecision/float32`` and ``ForestDecision/lessThan``.
/// Default directions are ignored: a trigger input is never missing (the
/// event readers refuse NaN). Categorical splits and vector leaves are refused.
public enum XGBoostImporter {
    /// Objectives whose margin is turned into a probability by a sigmoid.
    static let logistic: Set<String> = ["binary:logistic", "reg:logistic"]
    static let softmax: Set<String> = ["multi:softprob", "multi:softmax"]
    /// Objectives whose output is the margin itself.
    static let identity: Set<String> = ["reg:squarederror", "reg:linear", "reg:absoluteerror", "reg:pseudohubererror",
                                        "binary:logitraw", "reg:squaredlogerror"]

    /// Whether the file at `path` looks like an XGBoost JSON model: a JSON
    /// object whose first key is `"learner"` (XGBoost writes its keys sorted).
    public static func looksLikeXGBoost(path: String) -> Bool {
        // FileReader refuses a FIFO or a device unopened: the sniff must never block.
        guard path.lowercased().hasSuffix(".json"), let reader = try? FileReader(path: path) else { return false }
        var head = [UInt8](repeating: 0, count: 256)
        let n = head.withUnsafeMutableBytes { (try? reader.read(into: $0)) ?? 0 }
        let text = String(decoding: head[0..<n], as: UTF8.self).filter { !$0.isWhitespace }
        return text.hasPrefix("{\"learner\"")
    }

    /// Reads and imports an XGBoost JSON file.
    public static func load(path: String, options: ForestImportOptions = ForestImportOptions()) throws(ModelFormatError) -> Graph {
        let label = (path as NSString).lastPathComponent
        let data: Data
        do {
            data = try InputFile.read(path, maxBytes: ModelDecoder.maxFileBytes)
        } catch {
            throw ModelFormatError(file: label, message: "cannot read the XGBoost model: \(error)")
        }
        return try decode(data, file: label, name: modelName(fromFile: label), options: options)
    }

    /// An identifier for the model from its file name (`my-bdt.json` → `my_bdt`).
    public static func modelName(fromFile file: String) -> String {
        let stem = (file as NSString).deletingPathExtension
        var name = String(stem.unicodeScalars.prefix(60).map { c -> Character in
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" ? Character(c) : "_"
        })
        if name.isEmpty || name.first!.isNumber { name = "m_" + name }
        return name
    }

    /// Imports XGBoost JSON text; `file` labels the messages.
    public static func decode(_ data: Data, file: String, name: String = "xgboost",
                              options: ForestImportOptions = ForestImportOptions()) throws(ModelFormatError) -> Graph {
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch {
            throw ModelFormatError(file: file, message: "not valid JSON: \(ModelDecoder.describe(error))")
        }
        let top = try FieldReader(file: file, layer: nil, value: root)
        let learner = try top.object("learner")
        let params = try learner.object("learner_model_param")
        let features = try XGBoostFields.integerString(params, "num_feature", atLeast: 1)
        guard features <= 1_000_000 else { throw params.error("num_feature", "\(features) features is more than the supported 1000000") }
        let numClass = params.has("num_class") ? try XGBoostFields.integerString(params, "num_class", atLeast: 0) : 0
        if params.has("num_target"), try XGBoostFields.integerString(params, "num_target", atLeast: 1) != 1 {
            throw params.error("num_target", "multi-target models are not supported (one output per class only)")
        }
        let objective = try learner.object("objective").string("name")
        let classes = max(1, numClass)
        let transform: Activation?
        if Self.logistic.contains(objective) {
            transform = .sigmoid(TableSettings(size: 1024, range: 8))
        } else if Self.softmax.contains(objective) {
            guard classes >= 2 else { throw params.error("num_class", "\(objective) needs at least 2 classes, got \(numClass)") }
            transform = .softmax(SoftmaxTableSettings())
        } else if Self.identity.contains(objective) {
            transform = nil
        } else {
            let known = (Self.logistic.union(Self.softmax).union(Self.identity)).sorted().joined(separator: ", ")
            throw learner.error("objective.name", "unsupported objective '\(objective)'; supported: \(known)")
        }
        let baseScores = try XGBoostFields.baseScores(params, count: classes).map { b throws(ModelFormatError) -> Double in
            // The logistic objectives store base_score as a probability; the
            // margin starts at its logit (binary:logitraw keeps it as it is).
            guard Self.logistic.contains(objective) else { return b }
            guard b > 0, b < 1 else { throw params.error("base_score", "must be in (0, 1) for \(objective), got \(b)") }
            return log(b / (1 - b))
        }
        let booster = try learner.object("gradient_booster")
        let boosterName = try booster.string("name")
        guard boosterName == "gbtree" || boosterName == "dart" else {
            throw booster.error("name", "unsupported booster '\(boosterName)'; supported: gbtree, dart (gblinear is not a forest)")
        }
        let model = boosterName == "dart" ? try booster.object("gbtree").object("model") : try booster.object("model")
        let treeItems = try model.array("trees")
        let treeInfo = model.has("tree_info") ? try model.vector("tree_info", count: treeItems.count) : Array(repeating: 0, count: treeItems.count)
        let weights = boosterName == "dart" && booster.has("weight_drop")
            ? try booster.vector("weight_drop", count: treeItems.count) : Array(repeating: 1, count: treeItems.count)
        var trees: [DecisionTree] = []
        for (t, item) in treeItems.enumerated() {
            let r = try FieldReader(file: file, layer: "trees[\(t)]", value: item)
            let classIndex = Int(treeInfo[t])
            guard Double(classIndex) == treeInfo[t], classIndex >= 0, classIndex < classes else {
                throw model.error("tree_info[\(t)]", "class \(treeInfo[t]) is not one of the model's \(classes) classes")
            }
            trees.append(try XGBoostFields.tree(r, classIndex: classIndex, weight: weights[t]))
        }
        guard !trees.isEmpty else { throw model.error("trees", "the model has no trees") }
        let forest = Forest(featureCount: features, classCount: classes, trees: trees, baseScores: baseScores,
                            decision: .lessThan, thresholdPrecision: .float32)
        if let problem = forest.problem() {
            throw ModelFormatError(file: file, layer: problem.tree.map { "trees[\($0)]" }, field: problem.node.map { "nodes[\($0)] (\(problem.field))" } ?? problem.field,
                                   message: problem.message)
        }
        var nodes = [Node(name: "margin", op: .forest(forest), inputs: ["x"])]
        if let transform, !options.raw {
            nodes.append(Node(name: transform.kindName == "sigmoid" ? "probability" : "probabilities",
                              op: .activation(transform), inputs: ["margin"]))
        }
        return Graph(name: name, inputs: [GraphInput(name: "x", shape: [features], type: options.inputType)],
                     nodes: nodes, outputs: [nodes.last!.name])
    }
}

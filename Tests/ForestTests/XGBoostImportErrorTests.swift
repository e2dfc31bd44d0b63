import Foundation
import ModelFormat
import ModelIR
import Testing

/// Malformed or unsupported XGBoost files: exit-2 errors naming the tree, node and field.
@Suite("XGBoost import errors")
struct XGBoostImportErrorTests {
    /// A one-tree binary:logistic model whose tree and objective can be replaced.
    static func model(tree: String = Self.goodTree, objective: String = "binary:logistic", base: String = "\"5E-1\"") -> Data {
        Data("""
        {"learner": {"attributes": {}, "feature_names": [], "feature_types": [],
          "gradient_booster": {"name": "gbtree", "model": {"gbtree_model_param": {"num_trees": "1"}, "tree_info": [0], "trees": [\(tree)]}},
          "learner_model_param": {"base_score": \(base), "num_class": "0", "num_feature": "2", "num_target": "1"},
          "objective": {"name": "\(objective)"}}, "version": [3, 2, 0]}
        """.utf8)
    }

    static func tree(left: String, right: String, indices: String = "[1, 0, 0]", types: String = "[0, 0, 0]") -> String {
        #"{"left_children": \#(left), "right_children": \#(right), "split_indices": \#(indices), "split_conditions": [0.5, -0.25, 0.75], "split_type": \#(types), "default_left": [0, 0, 0], "tree_param": {"num_nodes": "3", "size_leaf_vector": "1"}}"#
    }

    static let goodTree = tree(left: "[1, -1, -1]", right: "[2, -1, -1]")

    static func error(_ data: Data) -> ModelFormatError? {
        do { _ = try XGBoostImporter.decode(data, file: "m.json") } catch { return error }
        return nil
    }

    @Test("A well-formed model imports: logit of base_score, float32 '<' splits, a sigmoid after the margins")
    func imports() throws {
        let graph = try XGBoostImporter.decode(Self.model(base: "\"[2E-1]\""), file: "m.json")
        guard case .forest(let f) = graph.nodes[0].op else { Issue.record("no forest"); return }
        #expect(abs(f.baseScores[0] - log(0.2 / 0.8)) < 1e-15)
        #expect(f.trees[0].nodes == [.split(feature: 1, threshold: 0.5, left: 1, right: 2), .leaf(-0.25), .leaf(0.75)])
        #expect(f.decision == .lessThan && f.thresholdPrecision == .float32)
        #expect(graph.nodes.map(\.op.kindName) == ["forest", "sigmoid"])
        let raw = try XGBoostImporter.decode(Self.model(), file: "m.json", options: ForestImportOptions(raw: true))
        #expect(raw.nodes.count == 1)
        // binary:logitraw starts at base_score itself (xgboost 3.2: base 0.32 gives margin 0.32), any real number.
        let logitraw = try XGBoostImporter.decode(Self.model(objective: "binary:logitraw", base: "\"1.5\""), file: "m.json")
        guard case .forest(let g) = logitraw.nodes[0].op else { Issue.record("no forest"); return }
        #expect(g.baseScores == [1.5])
        #expect(logitraw.nodes.count == 1)
    }

    static let malformed: [(String, Data, String?, String)] = [
        ("a categorical split", model(tree: tree(left: "[1, -1, -1]", right: "[2, -1, -1]", types: "[1, 0, 0]")), "trees[0]", "split_type[0]"),
        ("a child outside the tree", model(tree: tree(left: "[1, -1, -1]", right: "[5, -1, -1]")), "trees[0]", "right_children[0]"),
        ("a cycle", model(tree: tree(left: "[1, 0, -1]", right: "[2, 2, -1]")), "trees[0]", "nodes[1] (left)"),
        ("an unknown feature", model(tree: tree(left: "[1, -1, -1]", right: "[2, -1, -1]", indices: "[7, 0, 0]")), "trees[0]", "nodes[0] (feature)"),
        ("an unknown objective", model(objective: "rank:pairwise"), nil, "learner.objective.name"),
        ("a base_score that is no probability", model(base: "\"1.5\""), nil, "learner.learner_model_param.base_score"),
    ]

    @Test("Malformed and unsupported models are refused naming the tree, node and field", arguments: malformed)
    func refuses(_ what: String, _ data: Data, _ layer: String?, _ field: String) {
        let e = Self.error(data)
        #expect(e != nil, "\(what) was accepted")
        #expect(e?.layer == layer, "\(what): \(e?.description ?? "")")
        #expect(e?.field == field, "\(what): \(e?.description ?? "")")
        #expect(e?.file == "m.json")
    }

    @Test("Not JSON, and JSON that is not an XGBoost model, are errors too")
    func notAModel() {
        #expect(Self.error(Data("{\"learner\": ".utf8))?.message.contains("not valid JSON") == true)
        #expect(Self.error(Data("{\"learner\": {}}".utf8))?.field == "learner.learner_model_param")
    }
}

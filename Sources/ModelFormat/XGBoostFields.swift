import ModelIR

/// The pieces of an XGBoost JSON model that need more than a field read:
/// numbers XGBoost writes as strings, and one tree's arrays.
enum XGBoostFields {
    /// An integer XGBoost writes as a decimal string (`"num_feature": "4"`), or as a number.
    static func integerString(_ r: FieldReader, _ key: String, atLeast minimum: Int) throws(ModelFormatError) -> Int {
        if case .string(let s) = try r.require(key) {
            guard let v = Int(s), v >= minimum else { throw r.error(key, "expected an integer of at least \(minimum), got \"\(s)\"") }
            return v
        }
        return try r.integer(key, atLeast: minimum)
    }

    /// `base_score`: a number string (`"5E-1"`) or, from XGBoost 3, a list
    /// (`"[5E-1,2E-1]"`, one per class); one value is used for every class.
    static func baseScores(_ r: FieldReader, count: Int) throws(ModelFormatError) -> [Double] {
        guard r.has("base_score") else { return Array(repeating: 0.5, count: count) }
        let text: String
        switch try r.require("base_score") {
        case .string(let s): text = s
        case .number(let d): text = "\(d)"
        case let other: throw r.error("base_score", "expected a number string, got \(other.kindName)")
        }
        let trimmed = text.trimmingCharacters(in: ["[", "]", " "])
        var values: [Double] = []
        for part in trimmed.split(separator: ",") {
            guard let v = Double(part.trimmingCharacters(in: [" "])), v.isFinite else {
                throw r.error("base_score", "'\(text)' is not a number or a list of numbers")
            }
            values.append(v)
        }
        if values.count == 1 { return Array(repeating: values[0], count: count) }
        guard values.count == count else { throw r.error("base_score", "expected 1 or \(count) values, got \(values.count)") }
        return values
    }

    /// One tree from its parallel arrays (`left_children`, `right_children`,
    /// `split_indices`, `split_conditions`; a leaf has `left_children[i] == -1`
    /// and its value in `split_conditions[i]`), leaves scaled by `weight` (DART).
    static func tree(_ r: FieldReader, classIndex: Int, weight: Double) throws(ModelFormatError) -> DecisionTree {
        if r.has("tree_param") {
            let p = try r.object("tree_param")
            if p.has("size_leaf_vector"), try integerString(p, "size_leaf_vector", atLeast: 0) > 1 {
                throw p.error("size_leaf_vector", "vector leaves (multi-target trees) are not supported")
            }
        }
        let left = try r.vector("left_children", count: nil)
        let n = left.count
        guard n >= 1 else { throw r.error("left_children", "a tree needs at least one node") }
        let right = try r.vector("right_children", count: n)
        let indices = try r.vector("split_indices", count: n)
        let conditions = try r.vector("split_conditions", count: n)
        let types = r.has("split_type") ? try r.vector("split_type", count: n) : Array(repeating: 0, count: n)
        var nodes: [TreeNode] = []
        nodes.reserveCapacity(n)
        for i in 0..<n {
            func child(_ v: Double, _ key: String) throws(ModelFormatError) -> Int {
                guard v == v.rounded(), v >= -1, v < Double(n) else {
                    throw r.error("\(key)[\(i)]", "node \(i): child \(v) is outside the tree (nodes 0 to \(n - 1))")
                }
                return Int(v)
            }
            let l = try child(left[i], "left_children"), rr = try child(right[i], "right_children")
            if l == -1 {
                guard rr == -1 else { throw r.error("right_children[\(i)]", "node \(i): a leaf (left child -1) must have right child -1") }
                nodes.append(.leaf(conditions[i] * weight))
                continue
            }
            guard rr != -1 else { throw r.error("right_children[\(i)]", "node \(i): a split needs two children") }
            guard types[i] == 0 else {
                throw r.error("split_type[\(i)]", "node \(i) is a categorical split; only numerical splits (x < threshold) are supported: train with enable_categorical=False or one-hot encode the feature")
            }
            let feature = indices[i]
            guard feature == feature.rounded(), feature >= 0, feature < 1e9 else {
                throw r.error("split_indices[\(i)]", "node \(i): \(feature) is not a feature index")
            }
            nodes.append(.split(feature: Int(feature), threshold: conditions[i], left: l, right: rr))
        }
        return DecisionTree(classIndex: classIndex, nodes: nodes)
    }
}

import Driver
import FixedPoint
import Foundation
import ModelFormat
import ModelIR
import Passes
import Reference
import SeededRandomness
import Testing

/// XGBoost models trained at test time, imported, and compared with
/// xgboost's own `predict(output_margin=True)` and `predict(pred_leaf=True)`.
@Suite("XGBoost import against xgboost", .enabled(if: PythonOracle.xgboostAvailable))
struct XGBoostOracleTests {
    static let script = #"""
import sys
import numpy as np
import xgboost as xgb

mode = sys.argv[1]
if mode == "train":
    name, out = sys.argv[2], sys.argv[3]
    rng = np.random.default_rng(25)
    X = rng.normal(size=(3000, 4)) * 1.5
    if name == "binary":
        y = ((X[:, 0] * X[:, 1] + X[:, 2] - 0.5 * X[:, 3]) > 0.3).astype(int)
        params, rounds = {"objective": "binary:logistic", "max_depth": 3, "eta": 0.3}, 20
    elif name == "multi":
        y = np.digitize(X[:, 0] + 0.5 * X[:, 1], [-0.7, 0.7]).astype(int)
        params, rounds = {"objective": "multi:softprob", "num_class": 3, "max_depth": 3}, 8
    elif name == "softmax":
        y = np.digitize(X[:, 2] - X[:, 3], [-1.0, 1.0]).astype(int)
        params, rounds = {"objective": "multi:softmax", "num_class": 3, "max_depth": 2}, 5
    else:
        y = np.sin(X[:, 0]) + 0.3 * X[:, 2] ** 2
        params, rounds = {"objective": "reg:squarederror", "max_depth": 4, "base_score": 0.25}, 15
    params.update({"seed": 1, "nthread": 1})
    xgb.train(params, xgb.DMatrix(X, label=y), rounds).save_model(out)
else:
    booster = xgb.Booster(model_file=sys.argv[2])
    X = np.loadtxt(sys.argv[3], delimiter=",", ndmin=2)
    d = xgb.DMatrix(X, nthread=1)
    n = len(X)
    np.savetxt(sys.argv[4], booster.predict(d, output_margin=True).reshape(n, -1), delimiter=",", fmt="%.9g")
    np.savetxt(sys.argv[5], booster.predict(d, pred_leaf=True).reshape(n, -1), delimiter=",", fmt="%d")
    np.savetxt(sys.argv[6], booster.predict(d).reshape(n, -1), delimiter=",", fmt="%.9g")
"""#

    /// Events as raw codes of `type`: every code of each feature in turn
    /// (others 0) when the type has at most 12 bits, the codes at and beside
    /// every integer threshold, and random codes around the training data.
    static func events(_ op: ForestOp, type: FixedType, features: Int) -> [[Int64]] {
        var rng = SplitMix64(seed: 2025)
        func randomCode() -> Int64 {
            let normal = (0..<12).reduce(0.0) { s, _ in s + rng.unit() } - 6   // about N(0, 1)
            return min(max(Int64((normal * 1.5 / type.lsb).rounded()), type.minRaw), type.maxRaw)
        }
        var out: [[Int64]] = []
        if type.width <= 12 {
            for f in 0..<features {
                for k in type.minRaw...type.maxRaw { var e = [Int64](repeating: 0, count: features); e[f] = k; out.append(e) }
            }
        }
        for c in op.comparisons {
            for k in [c.threshold - 1, c.threshold, c.threshold + 1] where k <= type.maxRaw {
                var e = (0..<features).map { _ in randomCode() }
                e[c.feature] = k
                out.append(e)
            }
        }
        for _ in 0..<300 { out.append((0..<features).map { _ in randomCode() }) }
        return out
    }

    static let models = ["binary", "multi", "softmax", "regression"]

    @Test("Decisions equal xgboost's on every event (float and fixed point), margins within the leaf-rounding bound", arguments: models)
    func againstXGBoost(_ name: String) throws {
        let folder = try PythonOracle.privateFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let modelFile = folder.appendingPathComponent("\(name).json")
        let train = try PythonOracle.script(Self.script, ["train", name, modelFile.path], in: folder)
        try #require(train.code == 0, "training failed: \(train.err)")

        for type in [FixedType.fixed(10, 4), .fixed(28, 6)] {
            let graph = try XGBoostImporter.load(path: modelFile.path, options: ForestImportOptions(inputType: type, raw: true))
            guard case .forest(let forest) = graph.nodes[0].op else { Issue.record("no forest"); return }
            let lowered = try Pipeline.run(graph).model
            guard case .forest(let op) = lowered.ops[0].kind else { Issue.record("no lowered forest"); return }
            let outType = lowered[lowered.outputs[0]].type
            let bound = forest.leafRoundingBound(leafType: op.leafType)
            let codes = Self.events(op, type: type, features: forest.featureCount)
            let inputs = folder.appendingPathComponent("x.csv")
            try PythonOracle.writeCSV(codes.map { $0.map { type.value(ofRaw: $0) } }, to: inputs)
            let margins = folder.appendingPathComponent("m.csv"), leaves = folder.appendingPathComponent("l.csv")
            let predictions = folder.appendingPathComponent("p.csv")
            let predict = try PythonOracle.script(Self.script, ["predict", modelFile.path, inputs.path, margins.path, leaves.path, predictions.path], in: folder)
            try #require(predict.code == 0, "predict failed: \(predict.err)")
            let xgbMargins = try PythonOracle.readCSV(margins), xgbLeaves = try PythonOracle.readCSV(leaves)
            try #require(xgbMargins.count == codes.count && xgbLeaves.count == codes.count)

            let reference = FixedPointEvaluator(lowered)
            var decisionMismatches = 0, fixedMismatches = 0, worstFloat = 0.0, worstFixed = 0.0
            for (e, event) in codes.enumerated() {
                let x: (Int) -> Double = { type.value(ofRaw: event[$0]) }
                for (t, tree) in forest.trees.enumerated() {
                    // The float forest reaches xgboost's leaf ...
                    let leaf = forest.leafIndex(of: tree, x)
                    if leaf != Int(xgbLeaves[e][t]) { decisionMismatches += 1 }
                    // ... and the integer forest reaches a leaf holding that leaf's rounded value.
                    guard case .leaf(let v) = tree.nodes[Int(xgbLeaves[e][t])] else { decisionMismatches += 1; continue }
                    let reached = op.trees[t].nodes[op.leafIndex(of: op.trees[t], { event[$0] })]
                    if reached != .leaf(op.leafType.quantize(v)) { fixedMismatches += 1 }
                }
                let float = forest.scores(x)
                let fixed = reference.runRaw(event).map { outType.value(ofRaw: $0) }
                for k in float.indices {
                    worstFloat = max(worstFloat, abs(float[k] - xgbMargins[e][k]))
                    worstFixed = max(worstFixed, abs(fixed[k] - xgbMargins[e][k]) - bound[k])
                }
            }
            #expect(decisionMismatches == 0, "\(name) \(type): \(decisionMismatches) tree decisions differ from xgboost's")
            #expect(fixedMismatches == 0, "\(name) \(type): \(fixedMismatches) integer decisions differ from xgboost's")
            // xgboost sums its margins in float32: a few float32 ulps apart.
            #expect(worstFloat < 1e-5, "\(name) \(type): float margins \(worstFloat) from xgboost's")
            #expect(worstFixed < 1e-5, "\(name) \(type): fixed margins beyond the leaf-rounding bound by \(worstFixed)")
        }
    }

    @Test("The Driver reads an XGBoost file wherever a model is read, with its post-transform; import writes model.json")
    func driverReadsXGBoost() throws {
        let folder = try PythonOracle.privateFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let modelFile = folder.appendingPathComponent("my-bdt.json")
        let train = try PythonOracle.script(Self.script, ["train", "binary", modelFile.path], in: folder)
        try #require(train.code == 0, "training failed: \(train.err)")
        #expect(CompilerDriver.isForestModel(modelFile.path))
        let loaded = try CompilerDriver.load(modelPath: modelFile.path, inputType: "ap_fixed<10,4>")
        #expect(loaded.graph.name == "my_bdt")
        #expect(loaded.model.ops.map(\.kind.kindName) == ["forest", "sigmoid"])
        let out = folder.appendingPathComponent("model.json")
        let result = try CompilerDriver.importForest(ForestImportRequest(model: modelFile.path, out: out.path, inputType: "ap_fixed<10,4>", raw: true))
        #expect(result.message.contains("20 trees"))
        let reread = try ModelDecoder.load(path: out.path)
        #expect(reread.nodes.count == 1)
        #expect(reread.inputs[0].type == .fixed(10, 4))

        // With the sigmoid, probabilities within the table's error of xgboost's.
        var codes: [[Int64]] = []
        for i in 0..<200 {
            var event: [Int64] = []
            for f in 0..<4 { event.append(Int64((i * 37 + f * 101) % 1024) - 512) }
            codes.append(event)
        }
        let inputs = folder.appendingPathComponent("x.csv")
        try PythonOracle.writeCSV(codes.map { $0.map { Double($0) / 64 } }, to: inputs)
        let paths = ["m.csv", "l.csv", "p.csv"].map { folder.appendingPathComponent($0).path }
        let predict = try PythonOracle.script(Self.script, ["predict", modelFile.path, inputs.path] + paths, in: folder)
        try #require(predict.code == 0, "predict failed: \(predict.err)")
        let probabilities = try PythonOracle.readCSV(URL(fileURLWithPath: paths[2]))
        let reference = FixedPointEvaluator(loaded.model)
        let outType = loaded.model[loaded.model.outputs[0]].type
        var worst = 0.0
        for (e, event) in codes.enumerated() {
            worst = max(worst, abs(outType.value(ofRaw: reference.runRaw(event)[0]) - probabilities[e][0]))
        }
        #expect(worst < 0.01, "sigmoid table: \(worst) from xgboost's probability")
    }
}

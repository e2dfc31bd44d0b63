import FixedPoint
import Foundation
import ModelIR
import Passes
import QONNX
import Reference
import SeededRandomness
import Testing

/// scikit-learn forests converted by skl2onnx, imported, and compared with
/// onnxruntime on every threshold ±1 LSB and on random codes.
@Suite("ONNX-ML tree ensembles against onnxruntime", .enabled(if: PythonOracle.sklearnAvailable))
struct ONNXMLOracleTests {
    static let script = #"""
import sys
import numpy as np
mode = sys.argv[1]
if mode == "train":
    from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor
    from skl2onnx import to_onnx
    name, out = sys.argv[2], sys.argv[3]
    rng = np.random.default_rng(5)
    X = (rng.normal(size=(2000, 4)) * 1.5).astype(np.float32)
    yb = ((X[:, 0] * X[:, 1] + X[:, 2]) > 0.3).astype(int)
    ym = np.digitize(X[:, 0] + 0.5 * X[:, 1], [-0.7, 0.7])
    yr = np.sin(X[:, 0]) + 0.3 * X[:, 2] ** 2
    m = {"gb_binary": lambda: GradientBoostingClassifier(n_estimators=10, max_depth=3, random_state=0).fit(X, yb),
         "gb_multi": lambda: GradientBoostingClassifier(n_estimators=5, max_depth=2, random_state=0).fit(X, ym),
         "rf_multi": lambda: RandomForestClassifier(n_estimators=5, max_depth=3, random_state=0).fit(X, ym),
         "gb_reg": lambda: GradientBoostingRegressor(n_estimators=10, max_depth=3, random_state=0).fit(X, yr),
         "rf_reg": lambda: RandomForestRegressor(n_estimators=5, max_depth=3, random_state=0).fit(X, yr)}[name]()
    options = {id(m): {"zipmap": False}} if hasattr(m, "classes_") else None
    onx = to_onnx(m, X[:1], options=options, target_opset={"": 17, "ai.onnx.ml": 3})
    open(out, "wb").write(onx.SerializeToString())
else:
    import onnxruntime as ort
    s = ort.InferenceSession(sys.argv[2], providers=["CPUExecutionProvider"])
    X = np.loadtxt(sys.argv[3], delimiter=",", ndmin=2).astype(np.float32)
    y = s.run(None, {s.get_inputs()[0].name: X})[-1]
    np.savetxt(sys.argv[4], np.asarray(y).reshape(len(X), -1), delimiter=",", fmt="%.9g")
"""#

    @Test("Float forest equals onnxruntime on every event; fixed point reaches the float forest's leaves",
          arguments: ["gb_binary", "gb_multi", "rf_multi", "gb_reg", "rf_reg"])
    func againstOnnxruntime(_ name: String) throws {
        let folder = try PythonOracle.privateFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("\(name).onnx")
        let train = try PythonOracle.script(Self.script, ["train", name, file.path], in: folder)
        try #require(train.code == 0, "training failed: \(train.err)")
        let type = FixedType.fixed(18, 6)
        let graph = try #require(try TreeEnsembleImporter.loadIfTreeEnsemble(path: file.path, inputType: type))
        guard case .forest(let forest) = graph.nodes[0].op else { Issue.record("no forest"); return }
        let lowered = try Pipeline.run(graph).model
        guard case .forest(let op) = lowered.ops[0].kind else { Issue.record("no lowered forest"); return }
        let codes = XGBoostOracleTests.events(op, type: type, features: forest.featureCount)
        let inputs = folder.appendingPathComponent("x.csv"), outputs = folder.appendingPathComponent("y.csv")
        try PythonOracle.writeCSV(codes.map { $0.map { type.value(ofRaw: $0) } }, to: inputs)
        let run = try PythonOracle.script(Self.script, ["predict", file.path, inputs.path, outputs.path], in: folder)
        try #require(run.code == 0, "onnxruntime failed: \(run.err)")
        let expected = try PythonOracle.readCSV(outputs)
        try #require(expected.count == codes.count)
        let transform: Activation? = graph.nodes.count > 1 ? { if case .activation(let a) = graph.nodes[1].op { return a } else { return nil } }() : nil
        var worst = 0.0, leafMismatches = 0
        for (e, event) in codes.enumerated() {
            let x: (Int) -> Double = { type.value(ofRaw: event[$0]) }
            var scores = forest.scores(x)
            switch transform {
            case .sigmoid: scores = scores.map { 1 / (1 + exp(-$0)) }
            case .softmax:
                let m = scores.max()!, ex = scores.map { exp($0 - m) }, s = ex.reduce(0, +)
                scores = ex.map { $0 / s }
            default: break
            }
            // A binary classifier's one score is onnxruntime's positive-class column.
            let reference = scores.count == 1 && expected[e].count == 2 ? [expected[e][1]] : expected[e]
            for k in scores.indices { worst = max(worst, abs(scores[k] - reference[k])) }
            for (t, tree) in forest.trees.enumerated() {
                guard case .leaf(let v) = tree.nodes[forest.leafIndex(of: tree, x)] else { continue }
                let low = op.trees[t]
                if low.nodes[op.leafIndex(of: low, { event[$0] })] != .leaf(op.leafType.quantize(v)) { leafMismatches += 1 }
            }
        }
        #expect(worst < 2e-5, "\(name): float forest \(worst) from onnxruntime over \(codes.count) events")
        #expect(leafMismatches == 0, "\(name): \(leafMismatches) integer decisions differ")
    }
}

import Foundation
import ModelIR
import SeededRandomness
import TensorIO
import Testing
import Training

/// The tool's gradient boosting against xgboost's `hist` method with the
/// same settings, on data whose features have at most 256 distinct values
/// (then both use every value as a bin and the partitions agree): the
/// margins on the training events agree to float32 precision, so the trees
/// split the same events the same way with the same leaves.
@Suite("Gradient boosting against xgboost hist", .enabled(if: PythonOracle.xgboostAvailable))
struct BoostingOracleTests {
    static let script = #"""
import sys
import numpy as np
import xgboost as xgb

X = np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)
y = np.loadtxt(sys.argv[2])
depth, eta, lam, mcw, rounds = int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
params = {"objective": "binary:logistic", "tree_method": "hist", "max_bin": 256, "max_depth": depth, "eta": eta,
          "lambda": lam, "min_child_weight": mcw, "base_score": float(y.mean()), "nthread": 1, "seed": 1}
booster = xgb.train(params, xgb.DMatrix(X, label=y), rounds)
np.savetxt(sys.argv[8], booster.predict(xgb.DMatrix(X), output_margin=True), fmt="%.9g")
"""#

    /// 3000 events of four features on grids (200, 3, 80 and ~40 values)
    /// and a noisy label with interactions.
    static func data() -> (EventTable, [Int]) {
        var rng = SplitMix64(seed: 77)
        var values: [Double] = [], labels: [Int] = []
        for _ in 0..<3000 {
            let a = Double(Int(rng.unit() * 200)) / 8, b = Double(4 + Int(rng.unit() * 3)), c = Double(Int(rng.unit() * 80) - 40) / 16
            let d = ((0..<12).reduce(0.0) { s, _ in s + rng.unit() } - 6).rounded() * 2
            values += [a, b, c, d]
            let genuine = (a < 8 && b > 4) || abs(d) < 3 || c > 2
            labels.append((genuine != (rng.unit() < 0.1)) ? 1 : 0)
        }
        return (EventTable(rows: 3000, columns: 4, values: values), labels)
    }

    @Test("Margins equal xgboost's on the training events", arguments: [(3, 0.3, 1.0, 1.0, 10), (4, 0.2, 2.0, 5.0, 20)])
    func againstXGBoost(depth: Int, eta: Double, lambda: Double, minChildWeight: Double, trees: Int) throws {
        let folder = try PythonOracle.privateFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (events, labels) = Self.data()
        let x = folder.appendingPathComponent("x.csv"), y = folder.appendingPathComponent("y.csv")
        try Data(CSVTable.format(events).utf8).write(to: x)
        try Data(labels.map(String.init).joined(separator: "\n").utf8).write(to: y)
        let margins = folder.appendingPathComponent("margins.csv")
        let r = try PythonOracle.script(Self.script, [x.path, y.path, "\(depth)", "\(eta)", "\(lambda)", "\(minChildWeight)", "\(trees)", margins.path],
                                        in: folder)
        try #require(r.code == 0, "\(r.err)")
        let expected = try String(contentsOf: margins, encoding: .utf8).split(separator: "\n").map { Double($0)! }

        var options = BoostingOptions()
        options.maxDepth = depth
        options.learningRate = eta
        options.lambda = lambda
        options.minChildWeight = minChildWeight
        options.trees = trees
        let forest = GradientBoosting.train(events: events, labels: labels, options: options).forest
        var worst = 0.0
        for i in 0..<events.rows {
            let ours = forest.scores { events.values[i * 4 + $0] }[0]
            worst = max(worst, abs(ours - expected[i]))
        }
        // xgboost keeps gradients and leaves in float32: agreement to ~1e-6, far
        // below a single leaf (|leaf| > 1e-3), so a different split would show.
        #expect(worst < 1e-5, "largest margin difference \(worst)")
    }
}

import Foundation
import Testing
import Datasets
import ModelIR
import TensorIO
@testable import Training

struct GradientBoostingTests {
    static func table(_ rows: [[Double]]) -> EventTable {
        EventTable(rows: rows.count, columns: rows[0].count, values: rows.flatMap { $0 })
    }

    static let tracks = TrackQualityGenerator(seed: 11).tracks(count: 1500)

    @Test func fewDistinctValuesGetABinEachWithEdgesBetweenThem() {
        let b = HistogramBinning(events: Self.table([[1], [3], [3], [2], [1]]), bins: 256)
        #expect(b.cuts == [[1.5, 2.5]])
        #expect([1.0, 1.49, 1.5, 2.4, 2.5, 3, 100].map { b.bin($0, feature: 0) } == [0, 0, 1, 1, 2, 2, 2])
        // Adjacent float32 values: the edge is the upper one.
        let a = Float(1), next = a.nextUp
        #expect(HistogramBinning(events: Self.table([[Double(a)], [Double(next)]]), bins: 8).cuts == [[next]])
        #expect(HistogramBinning(events: Self.table([[4], [4]]), bins: 8).cuts == [[]])
    }

    /// Many values: at most `bins` bins, and a value's bin is the forest's
    /// decision: `Float(x) < cuts[b]` exactly when the bin is at most `b`.
    @Test func quantileBinsAgreeWithTheFloat32Split() {
        let events = Self.tracks.features
        let binning = HistogramBinning(events: events, bins: 16)
        for f in 0..<events.columns {
            #expect(binning.binCount(f) <= 16)
            #expect(zip(binning.cuts[f], binning.cuts[f].dropFirst()).allSatisfy { $0 < $1 })
            for r in stride(from: 0, to: events.rows, by: 7) {
                let x = events.values[r * events.columns + f]
                let bin = Int(binning.bin(x, feature: f))
                for (b, cut) in binning.cuts[f].enumerated() { #expect((Float(x) < cut) == (bin <= b)) }
            }
        }
        // nstub takes three values: three bins, whatever the bin count.
        #expect(binning.cuts[3] == [4.5, 5.5])
    }

    /// Feature 1 separates the classes, feature 0 is noise: one depth-1 tree
    /// splits feature 1 halfway between 0.4 and 0.6, with leaves −ηG/(H+λ)
    /// (p = 0.5 at the base score 0: g = ±0.5, h = 0.25 per event).
    @Test func aSeparableProblemGivesTheExpectedSplitAndLeaves() {
        let x: [[Double]] = [[0.3, 0.1], [0.7, 0.2], [0.1, 0.3], [0.9, 0.4], [0.3, 0.6], [0.7, 0.7], [0.1, 0.8], [0.9, 0.9]]
        let labels = [0, 0, 0, 0, 1, 1, 1, 1]
        var options = BoostingOptions()
        options.trees = 1
        options.maxDepth = 1
        options.learningRate = 1
        options.lambda = 1
        options.minChildWeight = 0
        let (forest, _) = GradientBoosting.train(events: Self.table(x), labels: labels, options: options)
        let threshold = Double(Float((Double(Float(0.4)) + Double(Float(0.6))) / 2))
        #expect(forest.baseScores == [0])
        #expect(forest.trees == [DecisionTree(classIndex: 0, nodes: [
            .split(feature: 1, threshold: threshold, left: 1, right: 2), .leaf(-1), .leaf(1),
        ])])
        #expect(forest.decision == .lessThan && forest.thresholdPrecision == .float32)
        // Two rounds of depth 2 classify every event.
        options.trees = 2
        options.maxDepth = 2
        let (deeper, _) = GradientBoosting.train(events: Self.table(x), labels: labels, options: options)
        for (row, label) in zip(x, labels) { #expect((deeper.scores { row[$0] }[0] > 0) == (label == 1)) }
    }

    /// Every round lowers the training loss, and the forest's own margins
    /// (float32 splits on the raw values) give the loss the trainer reports.
    @Test func boostingLowersTheTrainingLossAndTheForestReproducesIt() {
        let events = Self.tracks.features, labels = Self.tracks.labels
        var options = BoostingOptions()
        options.trees = 12
        options.maxDepth = 3
        let (forest, history) = GradientBoosting.train(events: events, labels: labels, options: options)
        #expect(history.count == 12 && forest.trees.count == 12)
        #expect(history[0].trainLoss < log(2))
        for (a, b) in zip(history, history.dropFirst()) { #expect(b.trainLoss < a.trainLoss) }
        #expect(history.last!.trainLoss < 0.4)
        let margins = (0..<events.rows).map { r in forest.scores { events.values[r * events.columns + $0] }[0] }
        let loss = GradientBoosting.logisticLoss(margins, labels.map(Double.init))
        #expect(abs(loss - history.last!.trainLoss) < 1e-12)
        for tree in forest.trees { #expect(Self.depth(tree) <= 3) }
        #expect(forest.problem() == nil)
    }

    @Test func aSeedGivesTheSameForestAndSubsamplingDependsOnIt() {
        let events = Self.tracks.features, labels = Self.tracks.labels
        var options = BoostingOptions()
        options.trees = 4
        options.subsample = 0.7
        let a = GradientBoosting.train(events: events, labels: labels, options: options).forest
        #expect(a == GradientBoosting.train(events: events, labels: labels, options: options).forest)
        options.seed = 2
        #expect(a != GradientBoosting.train(events: events, labels: labels, options: options).forest)
    }

    /// A child must keep `min_child_weight` of hessian: at 0.25 an event and
    /// 8 events, a weight above 1 allows no split at all.
    @Test func minChildWeightAndSplitGainStopSplits() {
        let x: [[Double]] = (0..<8).map { [Double($0)] }
        let labels = [0, 0, 0, 0, 1, 1, 1, 1]
        var options = BoostingOptions()
        options.trees = 1
        options.minChildWeight = 1.01
        #expect(GradientBoosting.train(events: Self.table(x), labels: labels, options: options).forest.trees[0].nodes.count == 1)
        options.minChildWeight = 1
        #expect(GradientBoosting.train(events: Self.table(x), labels: labels, options: options).forest.trees[0].nodes.count == 3)
        options.minChildWeight = 0
        options.minSplitGain = 100
        #expect(GradientBoosting.train(events: Self.table(x), labels: labels, options: options).forest.trees[0].nodes.count == 1)
    }

    static func depth(_ tree: DecisionTree, _ node: Int = 0) -> Int {
        guard case .split(_, _, let l, let r) = tree.nodes[node] else { return 0 }
        return 1 + max(depth(tree, l), depth(tree, r))
    }
}

import Foundation
import Datasets
import ModelIR
import TensorIO

/// The settings of a gradient-boosted forest (train.json `model.forest`,
/// docs/training.md "Forests").
public struct BoostingOptions: Sendable, Equatable {
    /// Number of trees (boosting rounds).
    public var trees = 50
    /// The largest depth of a tree (a depth-`d` tree has at most `2^d` leaves).
    public var maxDepth = 4
    /// Shrinkage: each leaf is `−learningRate · G / (H + λ)`.
    public var learningRate = 0.3
    /// L2 regularisation λ of the leaf weights.
    public var lambda = 1.0
    /// The smallest hessian sum a child may have (XGBoost's `min_child_weight`).
    public var minChildWeight = 1.0
    /// The smallest loss reduction a split must bring (XGBoost's `gamma`).
    public var minSplitGain = 0.0
    /// Bins per feature (2 … 256).
    public var bins = 256
    /// The fraction of training events each tree is grown on (seeded).
    public var subsample = 1.0
    public var seed: UInt64 = 1

    public init() {}
}

/// One boosting round: the logistic loss after `trees` trees.
public struct BoostingRecord: Sendable, Equatable {
    public var trees: Int
    public var trainLoss: Double
    public var validationLoss: Double?
    public var seconds: Double
}

/// Histogram-based gradient boosting of depth-limited trees with the binary
/// logistic loss, as XGBoost's `hist` method grows them: per round, the
/// gradients `g = p − y` and hessians `h = p (1 − p)` of every event;
/// each node's histogram of `(Σg, Σh)` per feature bin; the split with the
/// largest gain `G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)` among the bin
/// edges whose children keep `min_child_weight`; leaves `−η G/(H+λ)`.
///
/// The result is a ``ModelIR/Forest`` of float32 splits `x < t` (the bin
/// edges, see ``HistogramBinning``), whose margins on the training events
/// are exactly those the trainer boosted on. Sums run in a fixed order and
/// ties go to the lower feature and bin, so a seed gives the same forest on
/// every machine and thread count.
public enum GradientBoosting {
    /// A split on a bin (events with `bin <= bin` go left) or a leaf, while growing.
    enum BinNode {
        case split(feature: Int, bin: UInt8, left: Int, right: Int)
        case leaf(Double)
    }

    /// Trains a forest on `events` with labels 0/1; `validation` (if any) is
    /// scored after every tree. `progress` hears each round as it ends.
    public static func train(events: EventTable, labels: [Int], validation: (events: EventTable, labels: [Int])? = nil,
                             options: BoostingOptions,
                             progress: (BoostingRecord) -> Void = { _ in }) -> (forest: Forest, history: [BoostingRecord]) {
        let start = Date()
        let n = events.rows, features = events.columns
        let binning = HistogramBinning(events: events, bins: options.bins)
        let binned = binning.binned(events)
        let y = labels.map(Double.init)
        let mean = n > 0 ? y.reduce(0, +) / Double(n) : 0.5
        let clamped = min(1 - 1e-6, max(1e-6, mean))
        let base = log(clamped / (1 - clamped))
        var margin = [Double](repeating: base, count: n)
        var validationMargin = validation.map { [Double](repeating: base, count: $0.events.rows) }
        var forest = Forest(featureCount: features, classCount: 1, trees: [], baseScores: [base],
                            decision: .lessThan, thresholdPrecision: .float32)
        var history: [BoostingRecord] = []
        var g = [Double](repeating: 0, count: n), h = [Double](repeating: 0, count: n)
        for t in 0..<options.trees {
            for i in 0..<n {
                let p = 1 / (1 + exp(-margin[i]))
                g[i] = p - y[i]
                h[i] = max(p * (1 - p), 1e-16)
            }
            var rows = Array(0..<n)
            if options.subsample < 1 {
                var treeRNG = SeededRandom(seed: options.seed).fork(UInt64(t))
                rows = rows.filter { _ in treeRNG.uniform() < options.subsample }
            }
            var grower = TreeGrower(binned: binned, binCounts: (0..<features).map(binning.binCount),
                                    g: g, h: h, options: options)
            _ = grower.grow(rows, depth: 0)
            let tree = grower.nodes
            for i in 0..<n { margin[i] += leaf(of: tree) { binned[$0][i] } }
            let decision = DecisionTree(classIndex: 0, nodes: tree.map { node in
                switch node {
                case .split(let f, let b, let l, let r): return .split(feature: f, threshold: Double(binning.cuts[f][Int(b)]), left: l, right: r)
                case .leaf(let v): return .leaf(v)
                }
            })
            forest.trees.append(decision)
            var validationLoss: Double? = nil
            if let v = validation, var vm = validationMargin {
                let columns = v.events.columns
                for i in 0..<v.events.rows {
                    let leafNode = forest.leafIndex(of: decision) { v.events.values[i * columns + $0] }
                    if case .leaf(let w) = decision.nodes[leafNode] { vm[i] += w }
                }
                validationLoss = logisticLoss(vm, v.labels.map(Double.init))
                validationMargin = vm
            }
            let record = BoostingRecord(trees: t + 1, trainLoss: logisticLoss(margin, y), validationLoss: validationLoss,
                                        seconds: Date().timeIntervalSince(start))
            history.append(record)
            progress(record)
        }
        return (forest, history)
    }

    /// The leaf value a grown tree gives an event whose bins `bin(f)` returns.
    static func leaf(of tree: [BinNode], _ bin: (Int) -> UInt8) -> Double {
        var n = 0
        while true {
            switch tree[n] {
            case .split(let f, let b, let l, let r): n = bin(f) <= b ? l : r
            case .leaf(let v): return v
            }
        }
    }

    /// The mean binary logistic loss `−[y log p + (1−y) log(1−p)]` of margins, computed stably.
    public static func logisticLoss(_ margin: [Double], _ y: [Double]) -> Double {
        guard !margin.isEmpty else { return 0 }
        var s = 0.0
        for (m, t) in zip(margin, y) { s += max(m, 0) - t * m + log1p(exp(-abs(m))) }
        return s / Double(margin.count)
    }
}

/// Grows one tree depth-first on histograms; ``nodes`` is the tree, root first.
struct TreeGrower {
    let binned: [[UInt8]]
    let binCounts: [Int]
    let g: [Double]
    let h: [Double]
    let options: BoostingOptions
    var nodes: [GradientBoosting.BinNode] = []

    init(binned: [[UInt8]], binCounts: [Int], g: [Double], h: [Double], options: BoostingOptions) {
        self.binned = binned
        self.binCounts = binCounts
        self.g = g
        self.h = h
        self.options = options
    }

    /// The best split of a node: feature, last bin on the left, gain.
    struct Split { var feature: Int; var bin: Int; var gain: Double }

    /// Appends the subtree of the events `rows` and returns its root's index.
    mutating func grow(_ rows: [Int], depth: Int) -> Int {
        let index = nodes.count
        nodes.append(.leaf(0))
        var G = 0.0, H = 0.0
        for i in rows { G += g[i]; H += h[i] }
        let λ = options.lambda
        guard depth < options.maxDepth, rows.count > 1, let split = bestSplit(rows, G: G, H: H) else {
            nodes[index] = .leaf(rows.isEmpty ? 0 : -options.learningRate * G / (H + λ))
            return index
        }
        let column = binned[split.feature]
        let bin = UInt8(split.bin)
        let left = rows.filter { column[$0] <= bin }, right = rows.filter { column[$0] > bin }
        let l = grow(left, depth: depth + 1)
        let r = grow(right, depth: depth + 1)
        nodes[index] = .split(feature: split.feature, bin: bin, left: l, right: r)
        return index
    }

    /// The split of largest gain whose children both hold events and keep
    /// `min_child_weight`; nil when none gains more than `min_split_gain`.
    func bestSplit(_ rows: [Int], G: Double, H: Double) -> Split? {
        let λ = options.lambda, parent = G * G / (H + λ)
        var best: Split? = nil
        for f in binCounts.indices where binCounts[f] > 1 {
            let bins = binCounts[f]
            var sg = [Double](repeating: 0, count: bins), sh = sg
            var count = [Int](repeating: 0, count: bins)
            let column = binned[f]
            for i in rows {
                let b = Int(column[i])
                sg[b] += g[i]; sh[b] += h[i]; count[b] += 1
            }
            var GL = 0.0, HL = 0.0, nL = 0
            for b in 0..<(bins - 1) {
                GL += sg[b]; HL += sh[b]; nL += count[b]
                let GR = G - GL, HR = H - HL
                guard nL > 0, nL < rows.count, HL >= options.minChildWeight, HR >= options.minChildWeight else { continue }
                let gain = GL * GL / (HL + λ) + GR * GR / (HR + λ) - parent
                if gain > (best?.gain ?? 0) { best = Split(feature: f, bin: b, gain: gain) }
            }
        }
        // Rounding can make a useless split look a hair better than none.
        guard let best, 0.5 * best.gain > options.minSplitGain, best.gain > 1e-12 * (1 + parent) else { return nil }
        return best
    }
}

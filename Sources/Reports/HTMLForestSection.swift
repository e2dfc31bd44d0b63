/// The forest section of `report.html`: per forest layer, the trees in
/// summary and the worst of them by agreement, and every feature's splits,
/// comparators and flipped decisions (the values of ``ForestReport``).
extension HTMLReport {
    /// Trees listed one by one: those whose decisions agree least, then by index.
    static let listedTrees = 20

    static func forestContext(_ forests: [ForestReport]) -> [[String: Any]] {
        forests.map { f -> [String: Any] in
            let n = max(1, f.events)
            func agreement(_ t: ForestReport.Tree) -> Double { Double(t.agreeingEvents) / Double(n) }
            let worst = f.trees.sorted { (agreement($0), $0.index) < (agreement($1), $1.index) }.prefix(listedTrees)
            let everyTree = f.trees.allSatisfy { $0.agreeingEvents == f.events }
            return [
                "layer": f.layer, "events": f.events, "treeCount": f.trees.count,
                "maxDepth": f.trees.map(\.depth).max() ?? 0,
                "leaves": ReportFormat.integer(f.trees.reduce(0) { $0 + $1.leaves }),
                "folded": f.trees.reduce(0) { $0 + $1.foldedSplits },
                "comparators": ReportFormat.integer(f.features.reduce(0) { $0 + $1.comparators }),
                "bound": f.leafRoundingBound.map(ReportFormat.number).joined(separator: ", "),
                "agreementStatus": everyTree ? "ok" : "warn",
                "agreementStatement": everyTree
                    ? "Every tree reaches the float tree's leaf on all \(f.events) events."
                    : "Some trees reach another leaf than the float tree on some events: the quantized input crosses a threshold (the input type's rounding, never the thresholds').",
                "listedNote": f.trees.count > listedTrees ? "The \(listedTrees) trees that agree least of \(f.trees.count); all are in report.json." : "",
                "trees": worst.map { t -> [String: Any] in
                    ["index": t.index, "class": t.classIndex, "depth": t.depth, "leaves": t.leaves, "folded": t.foldedSplits,
                     "leafError": ReportFormat.number(t.leafRoundingError),
                     "agreement": ReportFormat.percent(agreement(t), digits: 2),
                     "status": t.agreeingEvents == f.events ? "" : "warn"]
                },
                "features": f.features.map { x -> [String: Any] in
                    ["index": x.index, "splits": x.splits, "comparators": x.comparators, "flipped": x.flippedDecisions,
                     "status": x.flippedDecisions == 0 ? "" : "warn"]
                },
            ]
        }
    }
}

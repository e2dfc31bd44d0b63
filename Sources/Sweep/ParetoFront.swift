/// The Pareto front of points in two figures: the points no other point
/// beats in both (as good or better in each, better in one).
public enum ParetoFront {
    /// Indices of the front of `points` (x minimized; y maximized when
    /// `maximizeY`, else minimized), in increasing x.
    public static func front(_ points: [(x: Double, y: Double)], maximizeY: Bool) -> [Int] {
        let order = points.indices.filter { points[$0].x.isFinite && points[$0].y.isFinite }.sorted {
            let a = points[$0], b = points[$1]
            if a.x != b.x { return a.x < b.x }
            return maximizeY ? a.y > b.y : a.y < b.y
        }
        var out: [Int] = []
        var best: Double?
        for i in order {
            let y = points[i].y
            if let b = best, maximizeY ? y <= b : y >= b { continue }
            out.append(i)
            best = y
        }
        return out
    }
}

/// The Pareto front of points in two figures: the points no other point
/// beats (as good or better in each figure, better in one); points equal in
/// both figures are on it together.
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
        var best: (x: Double, y: Double)?
        for i in order {
            let p = points[i]
            // A point equal to the last point of the front in both figures is on it too (neither beats the other).
            if let b = best, !(p.x == b.x && p.y == b.y), maximizeY ? p.y <= b.y : p.y >= b.y { continue }
            out.append(i)
            best = (p.x, p.y)
        }
        return out
    }
}

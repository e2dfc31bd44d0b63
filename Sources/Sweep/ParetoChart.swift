import Foundation
import Reports

/// An inline SVG scatter of two figures of the done points, the front drawn
/// as a step line and its points filled; each point links to its row in the
/// table (`#p-KEY`) and names its settings in a tooltip. Deterministic text.
struct ParetoChart {
    struct Point {
        var key: String
        var label: String
        var x: Double
        var y: Double
    }
    /// The chosen design's key: ringed.
    var chosenKey: String?
    var title: String
    var xLabel: String
    var yLabel: String
    var points: [Point]
    var maximizeY: Bool
    var width = 560.0
    var height = 380.0

    /// Indices of the front among ``points``.
    var front: [Int] { ParetoFront.front(points.map { ($0.x, $0.y) }, maximizeY: maximizeY) }

    var svg: String {
        let left = 70.0, right = 20.0, top = 30.0, bottom = 50.0
        let plotW = width - left - right, plotH = height - top - bottom
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(c(width))\" height=\"\(c(height))\" viewBox=\"0 0 \(c(width)) \(c(height))\" role=\"img\">"
        out += "<title>\(SVG.escape(title))</title>"
        out += "<text x=\"\(c(width / 2))\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">\(SVG.escape(title))</text>"
        out += "<rect x=\"\(c(left))\" y=\"\(c(top))\" width=\"\(c(plotW))\" height=\"\(c(plotH))\" fill=\"none\" stroke=\"#888\"/>"
        guard !finite.isEmpty else {
            return out + "<text x=\"\(c(width / 2))\" y=\"\(c(height / 2))\" text-anchor=\"middle\">no finished point</text></svg>"
        }
        let (x0, x1) = Self.range(finite.map(\.x)), (y0, y1) = Self.range(finite.map(\.y))
        func px(_ v: Double) -> Double { left + (v - x0) / (x1 - x0) * plotW }
        func py(_ v: Double) -> Double { top + plotH - (v - y0) / (y1 - y0) * plotH }
        for k in 0...4 {
            let vx = x0 + (x1 - x0) * Double(k) / 4, vy = y0 + (y1 - y0) * Double(k) / 4
            out += "<text x=\"\(c(px(vx)))\" y=\"\(c(top + plotH + 16))\" text-anchor=\"middle\" font-size=\"11\">\(SVG.label(vx))</text>"
            out += "<text x=\"\(c(left - 6))\" y=\"\(c(py(vy) + 4))\" text-anchor=\"end\" font-size=\"11\">\(SVG.label(vy, significant: 4))</text>"
        }
        out += "<text x=\"\(c(left + plotW / 2))\" y=\"\(c(height - 10))\" text-anchor=\"middle\" font-size=\"12\">\(SVG.escape(xLabel))</text>"
        out += "<text x=\"14\" y=\"\(c(top + plotH / 2))\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 14 \(c(top + plotH / 2)))\">\(SVG.escape(yLabel))</text>"
        let onFront = front
        if onFront.count > 1 {
            var path = ""
            for (n, i) in onFront.enumerated() {
                let p = points[i]
                path += n == 0 ? "M\(c(px(p.x))),\(c(py(p.y)))" : " H\(c(px(p.x))) V\(c(py(p.y)))"
            }
            out += "<path d=\"\(path)\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"1.5\"/>"
        }
        let frontSet = Set(onFront)
        // The front last, so that a point off the front at the same place does not hide it.
        let order = points.indices.filter { !frontSet.contains($0) } + onFront
        for i in order where points[i].x.isFinite && points[i].y.isFinite {
            let p = points[i]
            let fill = frontSet.contains(i) ? "#c0392b" : "#ffffff"
            out += "<a href=\"#p-\(p.key)\"><circle cx=\"\(c(px(p.x)))\" cy=\"\(c(py(p.y)))\" r=\"4\" fill=\"\(fill)\" stroke=\"#333\">"
            out += "<title>\(SVG.escape(p.label)): \(SVG.label(p.x)), \(SVG.label(p.y, significant: 4))</title></circle></a>"
            if p.key == chosenKey {
                out += "<circle cx=\"\(c(px(p.x)))\" cy=\"\(c(py(p.y)))\" r=\"9\" fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"2\"/>"
                out += "<text x=\"\(c(px(p.x) + 11))\" y=\"\(c(py(p.y) - 8))\" font-size=\"11\" fill=\"#1f5fbf\">chosen</text>"
            }
        }
        return out + "</svg>"
    }

    func c(_ v: Double) -> String { SVG.coordinate(v) }

    /// The values' span with a 5% margin (a unit around a single value).
    static func range(_ values: [Double]) -> (Double, Double) {
        let lo = values.min()!, hi = values.max()!
        if hi <= lo { return (lo - max(1, abs(lo) * 0.05), hi + max(1, abs(hi) * 0.05)) }
        let m = (hi - lo) * 0.05
        return (lo - m, hi + m)
    }
}

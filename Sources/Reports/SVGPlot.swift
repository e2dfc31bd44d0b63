import Foundation

/// Small SVG plotting helpers: pure functions from numbers to SVG text, so
/// that report.html needs no script and no network. Output is deterministic
/// (fixed number formatting, no random ids).
public enum SVG {
    /// Escapes text for an SVG/XML text node or attribute.
    public static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A coordinate with at most two decimals and no trailing zeros.
    public static func coordinate(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (v * 100).rounded() / 100
        if r == r.rounded() { return String(Int(r)) }
        var s = String(format: "%.2f", r)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }

    /// A tick or table label: plain decimals for moderate magnitudes,
    /// `1e-05` style otherwise, `significant` significant digits.
    public static func label(_ v: Double, significant: Int = 3) -> String {
        guard v.isFinite else { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e5 || a < 1e-3 {
            var s = String(format: "%.\(max(significant - 1, 0))e", v)
            // 1.00e-03 -> 1e-03
            if let e = s.firstIndex(of: "e") {
                var mantissa = String(s[..<e])
                if mantissa.contains(".") {
                    while mantissa.hasSuffix("0") { mantissa.removeLast() }
                    if mantissa.hasSuffix(".") { mantissa.removeLast() }
                }
                s = mantissa + s[e...]
            }
            return s
        }
        let decimals = max(0, significant - 1 - Int(floor(log10(a))))
        var s = String(format: "%.\(decimals)f", v)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }
}

/// Maps data values to pixels, linearly or in log10.
public struct Scale: Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public var pixelLower: Double
    public var pixelUpper: Double
    public var isLog: Bool

    /// A scale over `[lower, upper]`; a degenerate or inverted range is
    /// widened so that mapping never divides by zero. Log scales need
    /// positive bounds (non-positive ones are clamped to 1e-12).
    public init(_ lower: Double, _ upper: Double, pixels: (Double, Double), log: Bool = false) {
        var lo = lower, hi = upper
        if log { lo = max(lo, 1e-12); hi = max(hi, lo * 10) }
        if !(hi > lo) {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad
            hi += pad
        }
        self.lower = lo
        self.upper = hi
        self.pixelLower = pixels.0
        self.pixelUpper = pixels.1
        self.isLog = log
    }

    /// The pixel position of `v` (clamped to the plot area).
    public func callAsFunction(_ v: Double) -> Double {
        let t: Double
        if isLog {
            t = (log10(max(v, lower)) - log10(lower)) / (log10(upper) - log10(lower))
        } else {
            t = (v - lower) / (upper - lower)
        }
        let c = min(max(t.isFinite ? t : 0, -0.02), 1.02)
        return pixelLower + c * (pixelUpper - pixelLower)
    }

    /// Tick values: "nice" steps (1, 2, 5 × 10^k) for linear scales, powers
    /// of ten for log scales.
    public func ticks(_ count: Int = 5) -> [Double] {
        if isLog {
            let a = Int(floor(log10(lower))), b = Int(ceil(log10(upper)))
            let every = max(1, (b - a) / max(count, 1))
            return stride(from: a, through: b, by: every).map { pow(10, Double($0)) }.filter { $0 >= lower * 0.999 && $0 <= upper * 1.001 }
        }
        return Self.niceTicks(lower, upper, count: count)
    }

    /// Multiples of a step of 1, 2 or 5 × 10^k: the first such step at least
    /// 3/4 of `(hi - lo) / count`, so that about `count` ticks fall in range.
    public static func niceTicks(_ lo: Double, _ hi: Double, count: Int) -> [Double] {
        guard hi > lo, count > 0 else { return [lo] }
        let raw = (hi - lo) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= 0.75 * raw } ?? 10 * magnitude
        let first = Int((lo / step - 1e-9).rounded(.up)), last = Int((hi / step + 1e-9).rounded(.down))
        guard first <= last else { return [] }
        return (first...last).map { Double($0) * step }
    }
}

/// A plot area with axes; methods return SVG fragments in its coordinates.
public struct PlotFrame: Sendable {
    public var width: Double
    public var height: Double
    public var x: Scale
    public var y: Scale
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public static let left = 62.0, right = 14.0, top = 28.0, bottom = 44.0

    public init(width: Double = 420, height: Double = 300, x: (Double, Double), y: (Double, Double),
                xLog: Bool = false, yLog: Bool = false, title: String, xLabel: String, yLabel: String) {
        self.width = width
        self.height = height
        self.x = Scale(x.0, x.1, pixels: (Self.left, width - Self.right), log: xLog)
        self.y = Scale(y.0, y.1, pixels: (height - Self.bottom, Self.top), log: yLog)
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// The frame, grid, ticks, tick labels, axis labels and title.
    public func axes() -> String {
        let c = SVG.coordinate
        let x0 = Self.left, x1 = width - Self.right, y0 = height - Self.bottom, y1 = Self.top
        var s = "<rect x=\"\(c(x0))\" y=\"\(c(y1))\" width=\"\(c(x1 - x0))\" height=\"\(c(y0 - y1))\" fill=\"#fff\" stroke=\"#444\"/>"
        for t in x.ticks() {
            let px = c(x(t))
            s += "<line x1=\"\(px)\" y1=\"\(c(y1))\" x2=\"\(px)\" y2=\"\(c(y0))\" stroke=\"#e4e4e4\"/>"
            s += "<line x1=\"\(px)\" y1=\"\(c(y0))\" x2=\"\(px)\" y2=\"\(c(y0 + 4))\" stroke=\"#444\"/>"
            s += "<text x=\"\(px)\" y=\"\(c(y0 + 15))\" text-anchor=\"middle\" class=\"tick\">\(SVG.escape(SVG.label(t)))</text>"
        }
        for t in y.ticks() {
            let py = c(y(t))
            s += "<line x1=\"\(c(x0))\" y1=\"\(py)\" x2=\"\(c(x1))\" y2=\"\(py)\" stroke=\"#e4e4e4\"/>"
            s += "<line x1=\"\(c(x0 - 4))\" y1=\"\(py)\" x2=\"\(c(x0))\" y2=\"\(py)\" stroke=\"#444\"/>"
            s += "<text x=\"\(c(x0 - 6))\" y=\"\(c(y(t) + 4))\" text-anchor=\"end\" class=\"tick\">\(SVG.escape(SVG.label(t)))</text>"
        }
        s += "<text x=\"\(c((x0 + x1) / 2))\" y=\"\(c(height - 8))\" text-anchor=\"middle\" class=\"axis\">\(SVG.escape(xLabel))</text>"
        s += "<text transform=\"translate(14 \(c((y0 + y1) / 2))) rotate(-90)\" text-anchor=\"middle\" class=\"axis\">\(SVG.escape(yLabel))</text>"
        s += "<text x=\"\(c(x0))\" y=\"\(c(y1 - 9))\" class=\"title\">\(SVG.escape(title))</text>"
        return s
    }

    /// A line through the points (non-finite points are skipped).
    public func polyline(_ xs: [Double], _ ys: [Double], color: String, width: Double = 1.6, dashed: Bool = false) -> String {
        let pts = zip(xs, ys).filter { $0.0.isFinite && $0.1.isFinite }
            .map { "\(SVG.coordinate(x($0.0))),\(SVG.coordinate(y($0.1)))" }
        guard !pts.isEmpty else { return "" }
        let dash = dashed ? " stroke-dasharray=\"5 3\"" : ""
        return "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(SVG.coordinate(width))\"\(dash) points=\"\(pts.joined(separator: " "))\"/>"
    }

    /// One small circle per point.
    public func scatter(_ points: [ScatterPoint], color: String, radius: Double = 2) -> String {
        var s = "<g fill=\"\(color)\" fill-opacity=\"0.55\">"
        for p in points where p.x.isFinite && p.y.isFinite {
            s += "<circle cx=\"\(SVG.coordinate(x(p.x)))\" cy=\"\(SVG.coordinate(y(p.y)))\" r=\"\(SVG.coordinate(radius))\"/>"
        }
        return s + "</g>"
    }

    /// Filled bars of a histogram, from the bottom of the plot.
    public func bars(_ h: Histogram, color: String, opacity: Double = 0.7) -> String {
        var s = "<g fill=\"\(color)\" fill-opacity=\"\(SVG.coordinate(opacity))\">"
        let base = y.pixelLower
        for (i, n) in h.counts.enumerated() where n > 0 {
            let xa = x(h.edge(i)), xb = x(h.edge(i + 1)), top = y(Double(n))
            s += "<rect x=\"\(SVG.coordinate(xa))\" y=\"\(SVG.coordinate(top))\" width=\"\(SVG.coordinate(max(xb - xa - 0.5, 0.5)))\" height=\"\(SVG.coordinate(base - top))\"/>"
        }
        return s + "</g>"
    }

    /// A histogram as a step outline (several overlay legibly).
    public func steps(_ h: Histogram, color: String, dashed: Bool = false, floor: Double = 0) -> String {
        var xs: [Double] = [h.lower], ys: [Double] = [floor]
        for (i, n) in h.counts.enumerated() {
            let v = max(Double(n), floor)
            xs += [h.edge(i), h.edge(i + 1)]
            ys += [v, v]
        }
        xs.append(h.upper)
        ys.append(floor)
        return polyline(xs, ys, color: color, width: 1.4, dashed: dashed)
    }

    /// A vertical marker line with a label (`labelRow` moves the label down
    /// one line per row, so that nearby markers stay legible).
    /// `labelAtBottom` puts the label just above the x axis, left of the line
    /// (clear of a legend in the top-right corner).
    public func verticalLine(at v: Double, color: String, label: String, dashed: Bool = true, labelRow: Int = 0,
                             labelAtBottom: Bool = false) -> String {
        let px = SVG.coordinate(x(v))
        let dash = dashed ? " stroke-dasharray=\"3 3\"" : ""
        let line = "<line x1=\"\(px)\" y1=\"\(SVG.coordinate(y.pixelUpper))\" x2=\"\(px)\" y2=\"\(SVG.coordinate(y.pixelLower))\" stroke=\"\(color)\"\(dash)/>"
        if labelAtBottom {
            return line + "<text x=\"\(SVG.coordinate(x(v) - 3))\" y=\"\(SVG.coordinate(y.pixelLower - 5 - 12 * Double(labelRow)))\" text-anchor=\"end\" class=\"tick\" fill=\"\(color)\">\(SVG.escape(label))</text>"
        }
        return line + "<text x=\"\(SVG.coordinate(x(v) + 3))\" y=\"\(SVG.coordinate(y.pixelUpper + 11 + 12 * Double(labelRow)))\" class=\"tick\" fill=\"\(color)\">\(SVG.escape(label))</text>"
    }

    /// A legend in the top-right corner of the plot area.
    public func legend(_ items: [(label: String, color: String, dashed: Bool)]) -> String {
        let x0 = width - Self.right - 150
        var s = "<g class=\"legend\">"
        for (i, item) in items.enumerated() {
            let yy = Self.top + 14 + Double(i) * 15
            let dash = item.dashed ? " stroke-dasharray=\"5 3\"" : ""
            s += "<line x1=\"\(SVG.coordinate(x0))\" y1=\"\(SVG.coordinate(yy - 4))\" x2=\"\(SVG.coordinate(x0 + 18))\" y2=\"\(SVG.coordinate(yy - 4))\" stroke=\"\(item.color)\" stroke-width=\"2\"\(dash)/>"
            s += "<text x=\"\(SVG.coordinate(x0 + 23))\" y=\"\(SVG.coordinate(yy))\" class=\"tick\">\(SVG.escape(item.label))</text>"
        }
        return s + "</g>"
    }

    /// The complete `<svg>` element with the given content drawn over the axes.
    public func document(_ content: [String], label: String? = nil) -> String {
        SVG.document(width: width, height: height, label: label ?? title, content: [axes()] + content)
    }
}

extension SVG {
    /// An `<svg>` element with the report's text styles inline.
    public static func document(width: Double, height: Double, label: String, content: [String]) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(coordinate(width))\" height=\"\(coordinate(height))\" "
            + "viewBox=\"0 0 \(coordinate(width)) \(coordinate(height))\" role=\"img\" aria-label=\"\(escape(label))\">"
            + "<style>.tick{font:10px sans-serif;fill:#333}.axis{font:11px sans-serif;fill:#222}.title{font:bold 12px sans-serif;fill:#111}</style>"
            + content.joined() + "</svg>"
    }

    /// Colours: float model, fixed-point model, and a palette for classes.
    public static let floatColor = "#1f77b4"
    public static let fixedColor = "#d62728"
    public static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
}

import Foundation

/// The report's plots, each a pure function from report values to an `<svg>`.
public enum ReportCharts {
    /// Fixed-point output vs float output per event, with the diagonal.
    public static func outputScatter(_ o: OutputAccuracy, width: Double = 285, height: Double = 250) -> String {
        let vals = o.scatter.flatMap { [$0.x, $0.y] }.filter(\.isFinite)
        let lo = vals.min() ?? 0, hi = vals.max() ?? 1
        let pad = (hi - lo) * 0.04
        let f = PlotFrame(width: width, height: height, x: (lo - pad, hi + pad), y: (lo - pad, hi + pad),
                          title: "\(o.name): fixed vs float, \(o.scatter.count) events", xLabel: "float model", yLabel: "fixed-point reference")
        return f.document([
            f.polyline([lo - pad, hi + pad], [lo - pad, hi + pad], color: "#999", width: 1, dashed: true),
            f.scatter(o.scatter, color: SVG.fixedColor),
        ])
    }

    /// Histogram of `fixed - float` for one output.
    public static func errorHistogram(_ o: OutputAccuracy, width: Double = 285, height: Double = 250) -> String {
        let h = o.errorHistogram
        let f = PlotFrame(width: width, height: height, x: (h.lower, h.upper), y: (0, Double(h.counts.max() ?? 1) * 1.08),
                          title: "\(o.name): error, RMS \(SVG.label(o.error.rms))", xLabel: "fixed − float", yLabel: "events")
        return f.document([f.bars(h, color: SVG.fixedColor), f.verticalLine(at: 0, color: "#555", label: "0")])
    }

    /// Per-tensor bit ranges on a log2 axis: the grey box spans the declared
    /// type from its LSB to its largest magnitude; the blue bar spans the
    /// float values' magnitudes (1% quantile to maximum), red where it passes
    /// the type's top. A red or orange marker flags saturated or wrapped values.
    public static func rangeBars(_ layers: [LayerAccuracy], width: Double = 900) -> String {
        let rowHeight = 22.0, labelWidth = 280.0, right = 16.0, top = 30.0, bottom = 40.0
        let height = top + bottom + rowHeight * Double(layers.count)
        func declaredTop(_ l: LayerAccuracy) -> Double { log2(max(abs(l.declared.min), abs(l.declared.max), l.lsb)) }
        func usedTop(_ l: LayerAccuracy) -> Double? {
            let r = l.usedFloat ?? l.usedFixed
            let m = max(abs(r.min), abs(r.max))
            return m > 0 ? log2(m) : nil
        }
        // The small end of a bar stops 6 bits below the type's LSB: values
        // further down all round to zero and would only squash the axis.
        func usedLow(_ l: LayerAccuracy, _ top: Double) -> Double {
            max(Double(l.smallExponent ?? Int(floor(top))), log2(l.lsb) - 6)
        }
        let lows = layers.map { log2($0.lsb) } + layers.compactMap { l in usedTop(l).map { usedLow(l, $0) } }
        let highs = layers.map(declaredTop) + layers.compactMap(usedTop)
        let lo = floor(lows.min() ?? -8) - 1, hi = ceil(highs.max() ?? 8) + 1
        let x = Scale(lo, hi, pixels: (labelWidth, width - right))
        let c = SVG.coordinate
        var s = "<text x=\"\(c(labelWidth))\" y=\"16\" class=\"title\">Used vs declared range per tensor (bit position, log2 |value|)</text>"
        for t in x.ticks(12) {
            s += "<line x1=\"\(c(x(t)))\" y1=\"\(c(top))\" x2=\"\(c(x(t)))\" y2=\"\(c(height - bottom))\" stroke=\"#e4e4e4\"/>"
            s += "<text x=\"\(c(x(t)))\" y=\"\(c(height - bottom + 14))\" text-anchor=\"middle\" class=\"tick\">2^\(Int(t))</text>"
        }
        s += "<text x=\"\(c((labelWidth + width) / 2))\" y=\"\(c(height - 8))\" text-anchor=\"middle\" class=\"axis\">magnitude (grey: declared type, LSB to max; blue: float values, 1% quantile to max; pale: below the LSB; red: beyond the type)</text>"
        for (i, l) in layers.enumerated() {
            let y0 = top + Double(i) * rowHeight
            let mid = y0 + rowHeight / 2
            s += "<text x=\"\(c(labelWidth - 6))\" y=\"\(c(mid + 4))\" text-anchor=\"end\" class=\"tick\">\(SVG.escape(l.tensor)) \(SVG.escape(l.type))</text>"
            let dLo = x(log2(l.lsb)), dHi = x(declaredTop(l))
            s += "<rect x=\"\(c(dLo))\" y=\"\(c(y0 + 3))\" width=\"\(c(max(dHi - dLo, 1)))\" height=\"\(c(rowHeight - 6))\" fill=\"#ddd\" stroke=\"#aaa\"/>"
            if let uTop = usedTop(l) {
                let uLo = x(usedLow(l, uTop)), uHi = x(uTop)
                let inside = min(uHi, dHi)
                let start = max(uLo, dLo)
                if uLo < dLo {
                    // Below the LSB: these magnitudes round to zero or one LSB.
                    s += "<rect x=\"\(c(uLo))\" y=\"\(c(y0 + 7))\" width=\"\(c(min(dLo, uHi) - uLo))\" height=\"\(c(rowHeight - 14))\" fill=\"\(SVG.floatColor)\" fill-opacity=\"0.3\"/>"
                }
                if inside > start {
                    s += "<rect x=\"\(c(start))\" y=\"\(c(y0 + 7))\" width=\"\(c(inside - start))\" height=\"\(c(rowHeight - 14))\" fill=\"\(SVG.floatColor)\"/>"
                }
                if uHi > dHi {
                    s += "<rect x=\"\(c(dHi))\" y=\"\(c(y0 + 7))\" width=\"\(c(uHi - dHi))\" height=\"\(c(rowHeight - 14))\" fill=\"\(SVG.fixedColor)\"/>"
                }
            }
            if l.saturated > 0 || l.wrapped > 0 {
                let color = l.wrapped > 0 ? "#ff7f0e" : SVG.fixedColor
                let what = l.wrapped > 0 ? "wrapped" : "saturated"
                let pct = ReportFormat.percent(Double(l.saturated + l.wrapped) / Double(max(l.values, 1)), digits: 3)
                let right = max(dHi, usedTop(l).map { x($0) } ?? dHi)
                s += "<text x=\"\(c(right + 6))\" y=\"\(c(mid + 4))\" class=\"tick\" fill=\"\(color)\">\(what) \(pct)</text>"
            }
        }
        return SVG.document(width: width, height: height, label: "Used vs declared range per tensor", content: [s])
    }

    /// One-vs-rest ROC curves: background efficiency (log) against signal
    /// efficiency, float solid, fixed dashed, one colour per class.
    public static func rocCurves(_ classifier: ClassifierImpact, width: Double = 560, height: Double = 400) -> String {
        let minFPR = classifier.classes.flatMap { $0.rocFloat.backgroundEfficiency + $0.rocFixed.backgroundEfficiency }
            .filter { $0 > 0 }.min() ?? 1e-3
        let yLo = pow(10, floor(log10(minFPR)))
        let f = PlotFrame(width: width, height: height, x: (0, 1), y: (yLo, 1), yLog: true,
                          title: "ROC, one class vs rest (solid: float, dashed: fixed)",
                          xLabel: "signal efficiency", yLabel: "background efficiency")
        var content: [String] = []
        var legend: [(label: String, color: String, dashed: Bool)] = []
        for (i, k) in classifier.classes.enumerated() {
            let color = SVG.palette[i % SVG.palette.count]
            // Points with no background passing cannot sit on a log axis: they are left out.
            func curve(_ r: ROCPoints) -> ([Double], [Double]) {
                let keep = r.backgroundEfficiency.indices.filter { r.backgroundEfficiency[$0] > 0 }
                return (keep.map { r.signalEfficiency[$0] }, keep.map { r.backgroundEfficiency[$0] })
            }
            let fl = curve(k.rocFloat), fx = curve(k.rocFixed)
            content.append(f.polyline(fl.0, fl.1, color: color))
            content.append(f.polyline(fx.0, fx.1, color: color, dashed: true))
            legend.append(("\(k.name) AUC \(String(format: "%.3f", k.aucFloat)) / \(String(format: "%.3f", k.aucFixed))", color, false))
        }
        var legendFrame = f
        legendFrame.width = 200 + PlotFrame.left
        content.append(legendFrame.legend(legend))
        return f.document(content)
    }

    /// Score distributions (log counts) per process, float solid and fixed
    /// dashed, with the thresholds at the background acceptance.
    public static func scoreDistributions(_ a: AnomalyImpact, width: Double = 620, height: Double = 400) -> String {
        guard let first = a.distributions.first else { return "" }
        let maxCount = a.distributions.flatMap { $0.float.counts + $0.fixed.counts }.max() ?? 1
        let f = PlotFrame(width: width, height: height, x: (first.float.lower, first.float.upper), y: (0.5, Double(maxCount) * 2),
                          yLog: true, title: "Anomaly score per process (solid: float, dashed: fixed)",
                          xLabel: "score", yLabel: "events per bin")
        var content: [String] = []
        var legend: [(label: String, color: String, dashed: Bool)] = []
        for (i, d) in a.distributions.enumerated() {
            let color = i == 0 ? "#444" : SVG.palette[(i - 1) % SVG.palette.count]
            content.append(f.steps(d.float, color: color, floor: 0.5))
            content.append(f.steps(d.fixed, color: color, dashed: true, floor: 0.5))
            legend.append((d.name, color, false))
        }
        if a.thresholdFloat.isFinite { content.append(f.verticalLine(at: a.thresholdFloat, color: SVG.floatColor, label: "threshold (float)", labelRow: 1, labelAtBottom: true)) }
        if a.thresholdFixed.isFinite { content.append(f.verticalLine(at: a.thresholdFixed, color: SVG.fixedColor, label: "threshold (fixed)", labelAtBottom: true)) }
        content.append(f.legend(legend))
        return f.document(content)
    }

    /// Pipeline stages as a Gantt chart: one row per op, from its start cycle
    /// for its register stages.
    public static func latencyStages(_ l: LatencyReport, width: Double = 900) -> String {
        guard !l.stages.isEmpty else { return "" }
        let rowHeight = 20.0, labelWidth = 200.0, right = 16.0, top = 30.0, bottom = 40.0
        let height = top + bottom + rowHeight * Double(l.stages.count)
        let end = Double(max(l.cycles ?? 0, l.stages.map { $0.startCycle + $0.cycles }.max() ?? 1, 1))
        let x = Scale(0, end, pixels: (labelWidth, width - right))
        let c = SVG.coordinate
        var s = "<text x=\"\(c(labelWidth))\" y=\"16\" class=\"title\">Pipeline stages (clock \(SVG.label(l.clockNs)) ns)</text>"
        for t in x.ticks(10) where t == t.rounded() {
            s += "<line x1=\"\(c(x(t)))\" y1=\"\(c(top))\" x2=\"\(c(x(t)))\" y2=\"\(c(height - bottom))\" stroke=\"#e4e4e4\"/>"
            s += "<text x=\"\(c(x(t)))\" y=\"\(c(height - bottom + 14))\" text-anchor=\"middle\" class=\"tick\">\(Int(t))</text>"
        }
        s += "<text x=\"\(c((labelWidth + width) / 2))\" y=\"\(c(height - 8))\" text-anchor=\"middle\" class=\"axis\">clock cycle</text>"
        for (i, st) in l.stages.enumerated() {
            let y0 = top + Double(i) * rowHeight
            s += "<text x=\"\(c(labelWidth - 6))\" y=\"\(c(y0 + 14))\" text-anchor=\"end\" class=\"tick\">\(SVG.escape(st.op)) (\(SVG.escape(st.kind)))</text>"
            let a = x(Double(st.startCycle)), b = x(Double(st.startCycle + st.cycles))
            s += "<rect x=\"\(c(a))\" y=\"\(c(y0 + 3))\" width=\"\(c(max(b - a, 2)))\" height=\"\(c(rowHeight - 6))\" fill=\"\(SVG.palette[i % SVG.palette.count])\"/>"
        }
        return SVG.document(width: width, height: height, label: "Pipeline stages", content: [s])
    }

    /// LUTs and FFs per module as horizontal bars.
    public static func resourceBars(_ r: ResourceReport, width: Double = 900) -> String {
        let rows = r.modules.filter { $0.counts.lut + $0.counts.ff > 0 }
        guard !rows.isEmpty else { return "" }
        let rowHeight = 20.0, labelWidth = 240.0, right = 60.0, top = 30.0, bottom = 40.0
        let height = top + bottom + rowHeight * Double(rows.count)
        let maxV = Double(rows.map { max($0.counts.lut, $0.counts.ff) }.max() ?? 1)
        let x = Scale(0, maxV * 1.05, pixels: (labelWidth, width - right))
        let c = SVG.coordinate
        var s = "<text x=\"\(c(labelWidth))\" y=\"16\" class=\"title\">LUTs (blue) and FFs (grey) per module\(r.isEstimate ? " — analytic estimate" : "")</text>"
        for t in x.ticks(8) {
            s += "<line x1=\"\(c(x(t)))\" y1=\"\(c(top))\" x2=\"\(c(x(t)))\" y2=\"\(c(height - bottom))\" stroke=\"#e4e4e4\"/>"
            s += "<text x=\"\(c(x(t)))\" y=\"\(c(height - bottom + 14))\" text-anchor=\"middle\" class=\"tick\">\(ReportFormat.integer(Int(t)))</text>"
        }
        for (i, m) in rows.enumerated() {
            let y0 = top + Double(i) * rowHeight
            s += "<text x=\"\(c(labelWidth - 6))\" y=\"\(c(y0 + 14))\" text-anchor=\"end\" class=\"tick\">\(SVG.escape(m.op ?? m.module))</text>"
            s += "<rect x=\"\(c(labelWidth))\" y=\"\(c(y0 + 3))\" width=\"\(c(x(Double(m.counts.lut)) - labelWidth))\" height=\"7\" fill=\"\(SVG.floatColor)\"/>"
            s += "<rect x=\"\(c(labelWidth))\" y=\"\(c(y0 + 10))\" width=\"\(c(x(Double(m.counts.ff)) - labelWidth))\" height=\"7\" fill=\"#999\"/>"
        }
        return SVG.document(width: width, height: height, label: "Resources per module", content: [s])
    }
}

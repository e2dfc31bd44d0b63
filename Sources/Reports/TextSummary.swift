import Foundation

/// Left-aligned columns padded to their widest cell.
public func formatTable(_ rows: [[String]], indent: String = "  ") -> String {
    guard let columns = rows.map(\.count).max() else { return "" }
    var widths = [Int](repeating: 0, count: columns)
    for r in rows { for (i, cell) in r.enumerated() { widths[i] = max(widths[i], cell.count) } }
    return rows.map { r in
        indent + r.enumerated().map { i, cell in
            i == r.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }.joined(separator: "\n")
}

/// Number formats shared by the text and HTML forms of the report.
public enum ReportFormat {
    /// A fraction as a percentage; a nonzero fraction too small to show
    /// is "<0.01%", never a misleading "0.00%".
    public static func percent(_ v: Double, digits: Int = 2) -> String {
        if v == 0 { return "0%" }
        let smallest = pow(10, Double(-digits))
        if abs(100 * v) < smallest { return (v < 0 ? "-" : "") + "<" + String(format: "%.\(digits)f%%", smallest) }
        return String(format: "%.\(digits)f%%", 100 * v)
    }
    public static func number(_ v: Double) -> String { SVG.label(v, significant: 3) }
    public static func optional(_ v: Double?) -> String { v.map(number) ?? "–" }
    /// 1234567 -> "1,234,567".
    public static func integer(_ v: Int) -> String {
        let s = String(abs(v))
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (v < 0 ? "-" : "") + out
    }
    public static func mismatches(_ c: ImplementationAgreement.Comparison) -> String {
        guard let m = c.mismatches else { return "not run" }
        return "\(m) mismatch\(m == 1 ? "" : "es") in \(c.events.map(String.init) ?? "?") events"
    }
    public static func intBits(_ l: LayerAccuracy) -> String {
        "\(l.integerBitsNeeded.map(String.init) ?? "–")/\(l.integerBits)"
    }
}

extension ModelReport {
    /// The readable summary printed by `hepml-compile report`.
    public func textSummary() -> String {
        var out: [String] = []
        out.append("Report for \(model): \(events) events, \(inputs) inputs, \(outputs) outputs")
        out.append("")
        out.append("Fixed-point implementations vs the Swift reference (raw codes; must be 0):")
        out.append(formatTable(agreement.comparisons.map { [$0.implementation, ReportFormat.mismatches($0)] }))
        if let m = agreement.firstMismatch { out.append("  first mismatch: \(m)") }
        out.append("")
        out.append("Float model vs fixed-point reference, per tensor:")
        var rows = [["tensor", "op", "type", "max|err|", "RMS err", "saturated", "wrapped", "int bits need/have"]]
        for l in bitAccuracy.layers {
            rows.append([l.tensor, l.kind, l.type, ReportFormat.optional(l.error?.maxAbs), ReportFormat.optional(l.error?.rms),
                         ReportFormat.percent(l.saturatedFraction), ReportFormat.percent(l.wrappedFraction), ReportFormat.intBits(l)])
        }
        out.append(formatTable(rows))
        let clamped = bitAccuracy.layers.filter { $0.clamped > 0 }
        for l in clamped { out.append("  \(l.tensor): \(l.clamped) table lookups clamped to the table's range") }
        out.append("")
        out.append("Outputs, fixed − float:")
        out.append(formatTable([["output", "max|err|", "RMS", "mean"]] + bitAccuracy.outputs.map {
            [$0.name, ReportFormat.number($0.error.maxAbs), ReportFormat.number($0.error.rms), ReportFormat.number($0.error.mean)]
        }))
        if let c = physics?.classifier {
            out.append("")
            out.append("Physics, \(c.events) labelled events: accuracy float \(ReportFormat.percent(c.accuracyFloat, digits: 1)), fixed \(ReportFormat.percent(c.accuracyFixed, digits: 1))")
            out.append(formatTable([["class", "events", "AUC float", "AUC fixed", "rej@50% float", "rej@50% fixed"]] + c.classes.map {
                [$0.name, "\($0.signalEvents)", String(format: "%.4f", $0.aucFloat), String(format: "%.4f", $0.aucFixed),
                 ReportFormat.optional($0.rejectionFloat), ReportFormat.optional($0.rejectionFixed)]
            }))
        }
        if let a = physics?.anomaly {
            out.append("")
            let rate = a.rateBudgetHz.map { " (\(ReportFormat.number($0)) Hz of 40 MHz)" } ?? ""
            out.append("Physics, anomaly score: background acceptance \(ReportFormat.number(a.backgroundAcceptance))\(rate), \(a.backgroundEvents) background events")
            out.append("  threshold float \(ReportFormat.number(a.thresholdFloat)), fixed \(ReportFormat.number(a.thresholdFixed)); background kept float \(ReportFormat.number(a.keptBackgroundFloat)), fixed \(ReportFormat.number(a.keptBackgroundFixed))")
            if a.statisticallyLimited { out.append("  note: fewer than 10 background events pass the threshold; give more background events") }
            out.append(formatTable([["signal", "events", "eff float", "eff fixed", "AUC float", "AUC fixed"]] + a.signals.map {
                [$0.name, "\($0.events)", ReportFormat.percent($0.efficiencyFloat, digits: 1), ReportFormat.percent($0.efficiencyFixed, digits: 1),
                 String(format: "%.4f", $0.aucFloat), String(format: "%.4f", $0.aucFixed)]
            }))
        }
        out.append("")
        if let cycles = latency.cycles, let ns = latency.ns {
            out.append("Latency: \(cycles) cycles = \(ReportFormat.number(ns)) ns at \(ReportFormat.number(latency.clockNs)) ns (\(latency.source))"
                       + (latency.initiationInterval.map { ", II = \($0)" } ?? ""))
        } else {
            out.append("Latency: \(latency.source)")
        }
        out.append("")
        if let r = resources {
            let label = !r.isEstimate ? r.method : r.method == "analytic estimate" ? "ESTIMATE, not synthesized" : "partly ESTIMATED: \(r.method)"
            out.append("Resources (\(label)): LUT \(ReportFormat.integer(r.total.lut)), FF \(ReportFormat.integer(r.total.ff)), DSP \(r.total.dsp), CARRY \(ReportFormat.integer(r.total.carry))")
            if let p = r.part {
                out.append("  of \(p.part.name): LUT \(ReportFormat.percent(p.lutFraction)), FF \(ReportFormat.percent(p.ffFraction)), DSP \(ReportFormat.percent(p.dspFraction))")
            }
        } else {
            out.append("Resources: not counted (no Verilog design)")
        }
        for forest in forests ?? [] {
            out.append("")
            out += forest.text()
        }
        return out.joined(separator: "\n") + "\n"
    }
}

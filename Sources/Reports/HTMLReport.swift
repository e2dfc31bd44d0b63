import Foundation
import Templates

/// Renders `report.html` from `templates/report/report.html`: the template
/// holds the page; this file decides every value and draws the SVG plots.
public enum HTMLReport {
    public static let templatePath = "report/report.html"
    /// Outputs that get a scatter plot and a histogram (the rest are in the table).
    public static let maxPlottedOutputs = 8

    public static func render(_ report: ModelReport, templates: TemplateLibrary) throws(ReportError) -> String {
        do { return try templates.render(templatePath, context(report), html: true) } catch {
            throw .template("\(error)")
        }
    }

    /// The template's values (strings, numbers, arrays, dictionaries).
    public static func context(_ r: ModelReport) -> [String: Any] {
        let n = ReportFormat.number
        var c: [String: Any] = [
            "model": r.model, "events": r.events, "inputs": r.inputs, "outputs": r.outputs,
            "clockNs": n(r.latency.clockNs), "formatVersion": r.formatVersion,
        ]
        if let p = r.resources?.part?.part.name { c["partName"] = p }
        c["cards"] = cards(r)

        // Agreement.
        let total = r.agreement.totalMismatches
        c["agreementStatus"] = total == nil ? "estimate" : (total == 0 ? "ok" : "bad")
        c["agreementStatement"] = agreementStatement(r.agreement)
        c["agreement"] = r.agreement.comparisons.map { cmp -> [String: Any] in
            ["implementation": cmp.implementation, "events": cmp.events.map(String.init) ?? "–",
             "mismatches": cmp.mismatches.map { "\($0)" } ?? "not run",
             "status": cmp.mismatches.map { $0 == 0 ? "ok" : "bad" } ?? "muted"]
        }
        if let m = r.agreement.firstMismatch { c["firstMismatch"] = m }

        // Bit accuracy.
        func range(_ v: ValueInterval?) -> String { v.map { "[\(n($0.min)), \(n($0.max))]" } ?? "–" }
        c["layers"] = r.bitAccuracy.layers.map { l -> [String: Any] in
            let short = (l.headroomBits ?? 0) < 0
            return ["tensor": l.tensor, "kind": l.kind, "sources": l.sourceLayers.joined(separator: ", "), "type": l.type,
                    "floatRange": range(l.usedFloat), "fixedRange": range(l.usedFixed),
                    "maxAbs": ReportFormat.optional(l.error?.maxAbs), "rms": ReportFormat.optional(l.error?.rms),
                    "saturated": ReportFormat.percent(l.saturatedFraction), "wrapped": ReportFormat.percent(l.wrappedFraction),
                    "bits": ReportFormat.intBits(l), "bitsStatus": short ? "bad" : "",
                    "flag": l.saturated > 0 || l.wrapped > 0]
        }
        let clamped = r.bitAccuracy.layers.filter { $0.clamped > 0 }
        if !clamped.isEmpty {
            c["clampedNote"] = "Table lookups clamped to the table's input range: "
                + clamped.map { "\($0.tensor) \($0.clamped)" }.joined(separator: ", ")
                + " (inputs beyond the table; the table's end value is used)."
        }
        c["rangeSVG"] = ReportCharts.rangeBars(r.bitAccuracy.layers)
        c["outputRows"] = r.bitAccuracy.outputs.map {
            ["name": $0.name, "maxAbs": n($0.error.maxAbs), "rms": n($0.error.rms), "mean": n($0.error.mean)]
        }
        c["outputPlots"] = r.bitAccuracy.outputs.prefix(maxPlottedOutputs).map {
            ["scatterSVG": ReportCharts.outputScatter($0), "histogramSVG": ReportCharts.errorHistogram($0)]
        }
        if r.bitAccuracy.outputs.count > maxPlottedOutputs {
            c["outputPlotsNote"] = "Plots for the first \(maxPlottedOutputs) of \(r.bitAccuracy.outputs.count) outputs; all are in the table and in report.json."
        }

        // Physics.
        c["hasPhysics"] = r.physics != nil
        if let k = r.physics?.classifier {
            c["classifier"] = [
                "events": k.events, "accuracyFloat": ReportFormat.percent(k.accuracyFloat, digits: 1),
                "accuracyFixed": ReportFormat.percent(k.accuracyFixed, digits: 1),
                "classes": k.classes.map { cl -> [String: Any] in
                    ["name": cl.name, "events": cl.signalEvents, "aucFloat": String(format: "%.4f", cl.aucFloat),
                     "aucFixed": String(format: "%.4f", cl.aucFixed), "deltaAUC": String(format: "%+.4f", cl.aucFixed - cl.aucFloat),
                     "rejectionFloat": ReportFormat.optional(cl.rejectionFloat), "rejectionFixed": ReportFormat.optional(cl.rejectionFixed)]
                },
                "rocSVG": ReportCharts.rocCurves(k),
            ] as [String: Any]
        }
        if let a = r.physics?.anomaly {
            var d: [String: Any] = [
                "backgroundEvents": a.backgroundEvents, "acceptance": n(a.backgroundAcceptance),
                "thresholdFloat": n(a.thresholdFloat), "thresholdFixed": n(a.thresholdFixed),
                "keptFloat": n(a.keptBackgroundFloat), "keptFixed": n(a.keptBackgroundFixed),
                "limited": a.statisticallyLimited,
                "signals": a.signals.map { s -> [String: Any] in
                    ["name": s.name, "events": s.events, "effFloat": ReportFormat.percent(s.efficiencyFloat, digits: 1),
                     "effFixed": ReportFormat.percent(s.efficiencyFixed, digits: 1),
                     "aucFloat": String(format: "%.4f", s.aucFloat), "aucFixed": String(format: "%.4f", s.aucFixed)]
                },
                "scoreSVG": ReportCharts.scoreDistributions(a),
            ]
            if let rate = a.rateBudgetHz { d["rate"] = "\(n(rate)) Hz" }
            c["anomaly"] = d
        }

        // Forests.
        if let forests = r.forests, !forests.isEmpty { c["forests"] = forestContext(forests) }

        // Latency.
        c["latencyStatement"] = latencyStatement(r.latency)
        c["hasStages"] = !r.latency.stages.isEmpty
        c["stages"] = r.latency.stages.map {
            ["op": $0.op, "kind": $0.kind, "sources": $0.sourceLayers.joined(separator: ", "), "start": $0.startCycle,
             "cycles": $0.cycles, "ns": n($0.ns)] as [String: Any]
        }
        c["stagesSVG"] = ReportCharts.latencyStages(r.latency)

        // Resources.
        if let res = r.resources {
            var d: [String: Any] = [
                "method": res.method, "isEstimate": res.isEstimate, "bannerClass": res.isEstimate ? "estimate" : "ok",
                "lut": ReportFormat.integer(res.total.lut), "ff": ReportFormat.integer(res.total.ff),
                "dsp": ReportFormat.integer(res.total.dsp), "carry": ReportFormat.integer(res.total.carry),
                "modules": res.modules.map { m -> [String: Any] in
                    ["module": m.module, "op": m.op ?? "", "source": m.source?.rawValue ?? "", "lut": ReportFormat.integer(m.counts.lut), "ff": ReportFormat.integer(m.counts.ff),
                     "dsp": m.counts.dsp, "carry": ReportFormat.integer(m.counts.carry)]
                },
                "notes": res.notes, "resourceSVG": ReportCharts.resourceBars(res),
            ]
            if let p = res.part {
                d["part"] = ["name": p.part.name, "lutFraction": ReportFormat.percent(p.lutFraction, digits: 3),
                             "ffFraction": ReportFormat.percent(p.ffFraction, digits: 3), "dspFraction": ReportFormat.percent(p.dspFraction, digits: 3)]
            }
            c["resources"] = d
        }
        return c
    }

    public static func agreementStatement(_ a: ImplementationAgreement) -> String {
        let ran = a.comparisons.filter(\.ran)
        guard let total = a.totalMismatches else {
            return "Neither the HLS C simulation nor the Verilator RTL simulation was run for this report; only the Swift reference was evaluated."
        }
        let names = ran.map(\.implementation).joined(separator: " and ")
        if total == 0 {
            return "0 mismatches: \(names) reproduce the Swift reference bit for bit on every compared event."
        }
        return "\(total) mismatches between \(names) and the Swift reference: the implementations disagree."
    }

    public static func latencyStatement(_ l: LatencyReport) -> String {
        guard let cycles = l.cycles, let ns = l.ns else { return "Latency " + l.source + "." }
        let ii = l.initiationInterval.map { ", initiation interval \($0)" } ?? ""
        return "\(cycles) clock cycles = \(ReportFormat.number(ns)) ns at \(ReportFormat.number(l.clockNs)) ns (\(l.source))\(ii)."
    }

    static func cards(_ r: ModelReport) -> [[String: Any]] {
        var cards: [[String: Any]] = []
        let total = r.agreement.totalMismatches
        cards.append(["label": "bit mismatches", "value": total.map(String.init) ?? "not run",
                      "status": total.map { $0 == 0 ? "ok" : "bad" } ?? "muted",
                      "note": total == nil ? "no C/RTL simulation given" : "C sim / RTL vs reference"])
        let worst = r.bitAccuracy.outputs.map(\.error.maxAbs).max() ?? 0
        cards.append(["label": "max output error", "value": ReportFormat.number(worst), "status": "", "note": "fixed − float, all outputs"])
        let overflowing = r.bitAccuracy.overflowingLayers
        cards.append(["label": "layers overflowing", "value": "\(overflowing.count)", "status": overflowing.isEmpty ? "ok" : "warn",
                      "note": overflowing.isEmpty ? "no value saturated or wrapped" : overflowing.map(\.tensor).joined(separator: ", ")])
        if let k = r.physics?.classifier {
            cards.append(["label": "accuracy float → fixed", "value": "\(ReportFormat.percent(k.accuracyFloat, digits: 1)) → \(ReportFormat.percent(k.accuracyFixed, digits: 1))",
                          "status": "", "note": "\(k.events) labelled events"])
        }
        if let a = r.physics?.anomaly, let s = a.signals.first {
            cards.append(["label": "\(s.name) efficiency", "value": "\(ReportFormat.percent(s.efficiencyFloat, digits: 1)) → \(ReportFormat.percent(s.efficiencyFixed, digits: 1))",
                          "status": "", "note": "float → fixed at background \(ReportFormat.number(a.backgroundAcceptance))"])
        }
        cards.append(["label": "latency", "value": r.latency.ns.map { "\(ReportFormat.number($0)) ns" } ?? "–", "status": "",
                      "note": r.latency.cycles.map { "\($0) cycles at \(ReportFormat.number(r.latency.clockNs)) ns" } ?? r.latency.source])
        if let res = r.resources {
            cards.append(["label": res.isEstimate ? "LUTs (estimate)" : "LUTs", "value": ReportFormat.integer(res.total.lut),
                          "status": res.isEstimate ? "warn" : "",
                          "note": res.part.map { "\(ReportFormat.percent($0.lutFraction, digits: 3)) of \($0.part.name)" } ?? res.method])
        }
        return cards
    }
}

/// The files of a report folder, as values (the CLI writes them).
public enum ReportFiles {
    public static func files(_ report: ModelReport, templates: TemplateLibrary) throws(ReportError) -> [(name: String, contents: String)] {
        [("report.json", report.json()), ("report.html", try HTMLReport.render(report, templates: templates)),
         ("summary.txt", report.textSummary())]
    }
}

import Foundation
import Reports
import Templates

/// `results.csv` and `pareto.html` of a sweep, from its stored points
/// (pure: text in, text out; the Driver writes them).
public struct SweepReport: Sendable {
    public var model: String
    public var spec: String
    public var part: String
    public var database: String
    /// In the spec's order; points not yet evaluated are left out.
    public var points: [StoredPoint]
    /// Points the sweep has (finished or not).
    public var total: Int
    /// The key of the design the spec marks as chosen.
    public var chosenKey: String?

    public init(model: String, spec: String, part: String, database: String, points: [StoredPoint], total: Int) {
        self.model = model
        self.spec = spec
        self.part = part
        self.database = database
        self.points = points
        self.total = total
    }

    var done: [StoredPoint] { points.filter { $0.result.status == .done } }

    /// The physics or fidelity figure the first front plots against LUTs.
    enum Figure {
        case accuracy, auc, rmsError
        var title: String {
            switch self {
            case .accuracy: return "accuracy"
            case .auc: return "AUC"
            case .rmsError: return "RMS error vs float"
            }
        }
        var maximize: Bool { self != .rmsError }
        func value(_ r: PointResult) -> Double? {
            switch self {
            case .accuracy: return r.accuracy
            case .auc: return r.auc
            case .rmsError: return r.rmsError
            }
        }
    }

    var figure: Figure {
        if done.contains(where: { $0.result.accuracy != nil }) { return .accuracy }
        if done.contains(where: { $0.result.auc != nil }) { return .auc }
        return .rmsError
    }

    /// The two fronts: LUT vs the figure, and latency vs LUT.
    var charts: [ParetoChart] {
        let f = figure
        let first = ParetoChart(chosenKey: chosenKey, title: "LUT vs \(f.title)", xLabel: "LUT", yLabel: f.title,
                                points: done.map { .init(key: $0.key, label: $0.settings.label, x: Double($0.result.lut ?? -1),
                                                         y: f.value($0.result) ?? .nan) }.filter { $0.x >= 0 },
                                maximizeY: f.maximize)
        let second = ParetoChart(chosenKey: chosenKey, title: "latency vs LUT", xLabel: "LUT", yLabel: "latency (ns)",
                                 points: done.map { .init(key: $0.key, label: $0.settings.label, x: Double($0.result.lut ?? -1),
                                                          y: $0.result.latencyNs ?? .nan) }.filter { $0.x >= 0 },
                                 maximizeY: false)
        return [first, second]
    }

    /// The keys on either front.
    public var frontKeys: Set<String> {
        Set(charts.flatMap { chart in chart.front.map { chart.points[$0].key } })
    }

    // MARK: results.csv

    /// One row per point: key, status, whether it is on a front, each
    /// setting's value (column `set:<key>`), every figure, the error.
    public var csv: String {
        let settingKeys = Array(Set(points.flatMap { $0.settings.settings.map(\.key) })).sorted()
        let figures = ["lut", "ff", "dsp", "bram", "resource_method", "latency_cycles", "clock_ns", "latency_ns", "events", "max_error",
                       "rms_error", "accuracy", "float_accuracy", "auc", "float_auc", "efficiency", "float_efficiency", "overflows", "seconds"]
        var out = (["key", "status", "on_front", "chosen"] + settingKeys.map { "set:" + $0 } + figures + ["error"]).map(Self.csvField).joined(separator: ",") + "\n"
        let front = frontKeys
        for p in points {
            let r = p.result
            var fields = [p.key, r.status.rawValue, front.contains(p.key) ? "1" : "0", p.key == chosenKey ? "1" : "0"]
            fields += settingKeys.map { k in p.settings.value(k)?.literal ?? "" }
            fields += [int(r.lut), int(r.ff), int(r.dsp), num(r.bram), r.resourceMethod ?? "", int(r.latencyCycles), num(r.clockNs),
                       num(r.latencyNs), int(r.events), num(r.maxError), num(r.rmsError), num(r.accuracy), num(r.floatAccuracy),
                       num(r.auc), num(r.floatAUC), num(r.efficiency), num(r.floatEfficiency), int(r.overflows),
                       String(format: "%.3f", r.seconds), r.error ?? ""]
            out += fields.map(Self.csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    func int(_ v: Int?) -> String { v.map(String.init) ?? "" }
    func num(_ v: Double?) -> String { v.map { $0.isFinite ? String($0) : "\($0)" } ?? "" }

    /// A CSV field, quoted when it holds a comma, quote or line break.
    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: pareto.html

    struct Page: TemplateContext {
        var model, spec, part, method, database, figure: String
        var points, done, failed, events: Int
        var chosen: String?
        var charts: [Chart]
        var rows: [Row]
    }
    struct Chart: TemplateContext { var svg: String }
    struct Row: TemplateContext {
        var key, shortKey, rowClass, lut, ff, dsp, latencyCycles, clockNs, latencyNs, figureValue, maxError, rmsError, front: String
        var settings: [String]
        var error: String?
    }

    /// The page, rendered from templates/sweep/pareto.html.
    public func html(templates: TemplateLibrary) throws(TemplateError) -> String {
        try templates.render("sweep/pareto.html", page, html: true)
    }

    /// The template's context: every hole of templates/sweep/pareto.html is one of its properties.
    var page: Page {
        let front = frontKeys
        let f = figure
        func g(_ v: Double?, _ digits: Int = 4) -> String { v.map { SVG.label($0, significant: digits) } ?? "" }
        let rows = points.map { p in
            let r = p.result
            return Row(key: p.key, shortKey: String(p.key.prefix(8)),
                       rowClass: p.key == chosenKey ? "chosen" : r.status == .failed ? "failed" : front.contains(p.key) ? "front" : "",
                       lut: int(r.lut), ff: int(r.ff), dsp: int(r.dsp), latencyCycles: int(r.latencyCycles), clockNs: g(r.clockNs),
                       latencyNs: g(r.latencyNs), figureValue: g(f.value(r), 5), maxError: g(r.maxError), rmsError: g(r.rmsError),
                       front: front.contains(p.key) ? "yes" : "", settings: p.settings.settings.map { "\($0.key)=\($0.value.literal)" },
                       error: r.error)
        }
        let methods = Set(done.compactMap(\.result.resourceMethod)).sorted()
        let page = Page(model: model, spec: spec, part: part, method: methods.isEmpty ? "estimate" : methods.joined(separator: ", "),
                        database: database, figure: f.title, points: total, done: done.count,
                        failed: points.count - done.count, events: done.first?.result.events ?? 0,
                        chosen: points.first { $0.key == chosenKey }?.settings.label,
                        charts: charts.map { Chart(svg: $0.svg) }, rows: rows)
        return page
    }
}

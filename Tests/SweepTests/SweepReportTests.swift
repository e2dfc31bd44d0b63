import Foundation
@testable import Sweep
import Templates
import Testing

/// pareto.html from values: every template hole is a property of the typed
/// context, and the text is deterministic.
@Suite struct SweepReportTests {
    func report() -> SweepReport {
        func point(_ key: String, lut: Int, accuracy: Double, latency: Double, failed: Bool = false) -> StoredPoint {
            var r = failed ? PointResult.failure("boom <b>", exitCode: 2) : PointResult(status: .done)
            if !failed {
                r.lut = lut
                r.accuracy = accuracy
                r.latencyNs = latency
                r.events = 100
            }
            let setting = Setting(key: "clock_ns", value: .number(Double(lut)), field: "axes")
            return StoredPoint(key: key, settings: PointSettings([setting]), result: r)
        }
        var report = SweepReport(model: "m", spec: "s.json", part: "xcvu13p", database: "d/sweep.db",
                                 points: [point("aa", lut: 10, accuracy: 0.5, latency: 30), point("bb", lut: 20, accuracy: 0.7, latency: 20),
                                          point("cc", lut: 30, accuracy: 0.6, latency: 40), point("dd", lut: 0, accuracy: 0, latency: 0, failed: true)],
                                 total: 5)
        report.chosenKey = "bb"
        return report
    }

    @Test func everyHoleIsAPropertyOfThePage() throws {
        let text = try TemplateLibrary.locate().text("sweep/pareto.html")
        let holes = Self.holes(text)
        let properties = Self.propertyNames(report().page)
        #expect(holes.count > 10)
        #expect(holes.subtracting(properties).isEmpty, "\(holes.subtracting(properties).sorted()) are not properties")
    }

    @Test func frontsAndRowsFromValues() throws {
        let r = report()
        #expect(r.frontKeys == ["aa", "bb"])
        let html = try r.html(templates: TemplateLibrary.locate())
        #expect(html == (try r.html(templates: TemplateLibrary.locate())), "deterministic")
        #expect(html.contains("4 points") == false && html.contains("5 points · 3 done · 1 failed"))
        #expect(html.contains("<tr id=\"p-dd\" class=\"failed\">") && html.contains("boom &lt;b&gt;"), "errors escaped")
        #expect(html.contains("<tr id=\"p-bb\" class=\"chosen\">") && html.contains("<tr id=\"p-aa\" class=\"front\">"))
        #expect(html.contains("<tr id=\"p-cc\" class=\"\">"))
        let csv = r.csv.split(separator: "\n")
        #expect(csv[0].hasPrefix("key,status,on_front,chosen,set:clock_ns,lut,"))
        #expect(csv[4].hasPrefix("dd,failed,0,0,0,") && csv[4].hasSuffix(",boom <b>"))
    }

    /// Names in `{{name}}`, `{{{name}}}`, `{{#name}}`, `{{^name}}`.
    static func holes(_ text: String) -> Set<String> {
        var names = Set<String>()
        var rest = text[...]
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            var tag = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            rest = rest[close.upperBound...]
            while tag.hasPrefix("{") { tag.removeFirst() }
            if tag.hasPrefix("#") || tag.hasPrefix("^") { tag.removeFirst() }
            if tag.isEmpty || tag == "." || tag.hasPrefix("/") || tag.hasPrefix("%") || tag.hasPrefix("!") { continue }
            names.insert(tag)
        }
        return names
    }

    static func propertyNames(_ value: Any) -> Set<String> {
        var names = Set<String>()
        for child in Mirror(reflecting: value).children {
            if let label = child.label { names.insert(label) }
            names.formUnion(propertyNames(child.value))
        }
        return names
    }
}

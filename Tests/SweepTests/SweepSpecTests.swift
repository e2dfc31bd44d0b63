import Foundation
import Sweep
import Testing

/// sweep.json decoding: every error names the file and the field; the grid
/// is the product of the axes in key order.
@Suite struct SweepSpecTests {
    func load(_ axes: String, extra: String = "") throws -> (SweepFixture, Result<SweepSpec, SweepError>) {
        let f = try SweepFixture(axes: axes, events: 10)
        try f.writeSpec(axes, extra: extra)
        do { return (f, .success(try SweepSpec.load(path: f.spec))) } catch { return (f, .failure(error)) }
    }

    func error(_ axes: String, extra: String = "") throws -> String {
        let (f, result) = try load(axes, extra: extra)
        guard case .failure(let e) = result else { Issue.record("accepted: \(axes)"); return "" }
        #expect(e.description.hasPrefix(f.spec + ": "), "names the file: \(e)")
        return e.description
    }

    @Test func gridIsTheProductInKeyOrderLastAxisFastest() throws {
        let (_, result) = try load("""
            "axes": { "clock_ns": [2, 5, 10], "precision.weight": ["ap_fixed<4,1>", "ap_fixed<8,2>"], "ternary_adders": ["off"] }
            """)
        let spec = try result.get()
        #expect(spec.points.count == 6)
        #expect(spec.points.map(\.label) == [
            "clock_ns=2 precision.weight=ap_fixed<4,1> ternary_adders=off", "clock_ns=2 precision.weight=ap_fixed<8,2> ternary_adders=off",
            "clock_ns=5 precision.weight=ap_fixed<4,1> ternary_adders=off", "clock_ns=5 precision.weight=ap_fixed<8,2> ternary_adders=off",
            "clock_ns=10 precision.weight=ap_fixed<4,1> ternary_adders=off", "clock_ns=10 precision.weight=ap_fixed<8,2> ternary_adders=off",
        ])
        #expect(spec.model.hasSuffix("/model.json") && spec.model.hasPrefix("/"), "resolved against the spec's folder")
    }

    @Test func explicitPointsWithFixedSettings() throws {
        let (_, result) = try load("""
            "points": [ { "clock_ns": 3 }, { "latency_cycles": 2, "layers.fc1.precision.result": "ap_fixed<10,4>" } ],
            "fixed": { "family": "xc7" }
            """)
        let spec = try result.get()
        #expect(spec.points.map(\.label) == ["clock_ns=3 family=xc7", "family=xc7 latency_cycles=2 layers.fc1.precision.result=ap_fixed<10,4>"])
    }

    @Test func badValuesNameTheirField() throws {
        #expect(try error(#""axes": { "precision.weight": ["ap_fixed<8,2>", "ap_fixd<4,1>"] }"#).contains(#"axes["precision.weight"][1]"#))
        #expect(try error(#""axes": { "clock_ns": [5, 0] }"#).contains(#"axes["clock_ns"][1]: clock_ns must be"#))
        #expect(try error(#""axes": { "family": ["xcup", "virtex2"] }"#).contains(#"axes["family"][1]: family must be one of xc7, xcup"#))
        #expect(try error(#""axes": { "ternary_adders": [true] }"#).contains(#"axes["ternary_adders"][0]"#))
        #expect(try error(#""axes": { "latency_cycles": [2.5] }"#).contains("latency_cycles must be a whole number"))
        #expect(try error(#""axes": { "precision.colour": ["ap_fixed<8,2>"] }"#).contains("unknown precision role 'colour'"))
        #expect(try error(#""axes": { "speed": [1] }"#).contains(#"axes["speed"][0]: unknown setting"#))
        #expect(try error(#""axes": { "clock_ns": [] }"#).contains(#"axes["clock_ns"]: must be a non-empty array"#))
        #expect(try error(#""axes": { "clock_ns": [5, 5] }"#).contains(#"axes["clock_ns"][1]: repeats axes["clock_ns"][0]"#))
    }

    @Test func structuralErrorsNameTheirField() throws {
        #expect(try error(#""axes": { "clock_ns": [5] }, "points": [{}]"#).contains("points: give axes (a grid) or points (a list), not both"))
        #expect(try error(#""axes": { "clock_ns": [5] }"#, extra: #" "colour": 1,"#).contains("colour: unknown field"))
        #expect(try error(#""axes": { "clock_ns": [5] }"#, extra: #" "max_events": 0,"#).contains("max_events: must be a whole number"))
        #expect(try error(#""points": [{ "clock_ns": 5, "latency_cycles": 3 }]"#).contains(#"points[0]["latency_cycles"]: a point gives clock_ns or latency_cycles, not both"#))
        #expect(try error(#""points": [{ "clock_ns": 5 }], "fixed": { "clock_ns": 4 }"#).contains("clock_ns is also set in fixed"))
        #expect(try error("\"unused\": 1").contains("unknown field"))
        #expect(try error(#""axes": { "clock_ns": [2, 5] }, "chosen": { "clock_ns": 3 }"#).contains("chosen: matches no point of the sweep (clock_ns=3)"))
    }

    @Test func missingFilesAndBadJSON() throws {
        let f = try SweepFixture(events: 10)
        try #"{ "model": "nope.json", "events": "events.csv", "axes": { "clock_ns": [5] } }"#.write(toFile: f.spec, atomically: true, encoding: .utf8)
        #expect(throws: SweepError.self) { try SweepSpec.load(path: f.spec) }
        do { _ = try SweepSpec.load(path: f.spec) } catch { #expect(error.description.contains("model: cannot read") && error.description.contains("nope.json")) }
        try #"{ "model": "model.json", "#.write(toFile: f.spec, atomically: true, encoding: .utf8)
        do { _ = try SweepSpec.load(path: f.spec) } catch { #expect(error.description.contains("(file): not valid JSON")) }
        // The project's strict reader: a duplicate key is an error at its line, never the last value silently.
        try "{ \"model\": \"model.json\",\n  \"model\": \"other.json\" }".write(toFile: f.spec, atomically: true, encoding: .utf8)
        do {
            _ = try SweepSpec.load(path: f.spec)
            Issue.record("a duplicate key was accepted")
        } catch {
            #expect(error.description.contains("not valid JSON: line 2"), "\(error)")
            #expect(error.description.contains("model"), "\(error)")
        }
    }

    @Test func aLayerTheModelLacksIsASpecErrorOfTheCommand() throws {
        let f = try SweepFixture(axes: #""axes": { "layers.fc9.precision.result": ["ap_fixed<10,4>"] }"#, events: 10)
        let r = try f.sweep()
        #expect(r.code == 2)
        #expect(r.err.contains(#"axes["layers.fc9.precision.result"][0]: the model has no layer 'fc9'"#), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: f.out), "nothing written for a bad spec")
        let g = try SweepFixture(axes: #""axes": { "layers.act1.precision.weight": ["ap_fixed<6,2>"] }"#, events: 10)
        let s = try g.sweep()
        #expect(s.code == 2 && s.err.contains("layer 'act1' (relu) has no weight precision"), "\(s.err)")
    }
}

import Driver
import FixedPoint
import Foundation
import ModelFormat
import ModelIR
import Passes
import Reference
import Reports
import Templates
import TensorIO
import Testing

/// `--input-type` per feature for forests: the option's syntax, the graph it
/// makes, exact decisions on every code of every feature's own type, the
/// folding of splits beyond a feature's range, the report, and the CLI.
@Suite("Forests: per-feature input types")
struct FeatureTypeTests {
    @Test("One type, or a default and per-feature entries, parse; each malformed entry is named")
    func parsing() throws {
        let one = try FeatureTypeSpec(parsing: "ap_fixed<16,8>")
        #expect(one.fallback == .fixed(16, 8) && !one.isPerFeature)
        let spec = try FeatureTypeSpec(parsing: "ap_fixed<16,8> ; 3=ap_uint<3>; 4-5 = ap_fixed<12,4,AP_RND,AP_SAT>")
        #expect(spec.fallback == .fixed(16, 8))
        #expect(try spec.types(featureCount: 7) == [.fixed(16, 8), .fixed(16, 8), .fixed(16, 8), .ufixed(3, 3),
                                                    .fixed(12, 4, .rnd, .sat), .fixed(12, 4, .rnd, .sat), .fixed(16, 8)])
        #expect(try FeatureTypeSpec(parsing: "1=ap_uint<3>").types(featureCount: 3) == [nil, .ufixed(3, 3), nil])
        let refused: [(String, String)] = [
            ("1=ap_uint<3>;1-2=ap_fixed<8,2>", "'1-2=ap_fixed<8,2>' gives feature 1 a second type"),
            ("0-3=ap_uint<3>;2-5=ap_fixed<8,2>", "'2-5=ap_fixed<8,2>' gives features 2-3 a second type"),
            ("ap_fixed<16,6>;ap_fixed<8,2>", "two types without a feature index ('ap_fixed<8,2>'); give one default at most"),
            ("x=ap_fixed<8,2>", "'x=ap_fixed<8,2>': 'x' is not a feature index (N) or a run (N-M, N <= M), counted from 0"),
            ("3-1=ap_fixed<8,2>", "'3-1=ap_fixed<8,2>': '3-1' is not a feature index"),
            ("ap_fixed<16,6>;;1=ap_uint<2>", "an empty entry in"),
            ("1=ap_fixd<8,2>", "'1=ap_fixd<8,2>': malformed fixed-point type 'ap_fixd<8,2>'"),
        ]
        for (text, message) in refused {
            #expect(throws: FeatureTypeError.self) { try FeatureTypeSpec(parsing: text) }
            do { _ = try FeatureTypeSpec(parsing: text) } catch { #expect(error.message.hasPrefix(message), "\(text): \(error)") }
        }
        do {
            _ = try FeatureTypeSpec(parsing: "9=ap_uint<3>").types(featureCount: 4)
            Issue.record("feature 9 of 4 accepted")
        } catch { #expect(error.message == "feature 9 is beyond the model's 4 features (counted from 0)") }
    }

    static func forestGraph(_ forest: Forest) -> Graph {
        Graph(name: "bdt", inputs: [GraphInput(name: "x", shape: [forest.featureCount])],
              nodes: [Node(name: "margin", op: .forest(forest), inputs: ["x"], precision: LayerPrecision(weight: .fixed(16, 6)))],
              outputs: ["margin"])
    }

    @Test("Runs of features with one type become one input each, concatenated into the vector the forest reads")
    func graphSplit() throws {
        let graph = Self.forestGraph(Forest(featureCount: 5, classCount: 1, trees: [DecisionTree(classIndex: 0, nodes: [.leaf(1)])], baseScores: [0]))
        let a = FixedType.fixed(8, 3), b = FixedType.ufixed(3, 3)
        let split = try FeatureInputs.split(graph, types: [a, a, b, nil, nil])
        #expect(split.inputs == [GraphInput(name: "x_0_1", shape: [2], type: a), GraphInput(name: "x_2", shape: [1], type: b),
                                 GraphInput(name: "x_3_4", shape: [2], type: nil)])
        #expect(split.nodes.first == Node(name: "x", op: .concatenate(axis: -1), inputs: ["x_0_1", "x_2", "x_3_4"]))
        #expect(split.nodes.dropFirst().map(\.name) == ["margin"])
        // One type for all: the input keeps its name and takes the type.
        #expect(try FeatureInputs.split(graph, types: Array(repeating: a, count: 5)).inputs == [GraphInput(name: "x", shape: [5], type: a)])
        #expect(throws: FeatureTypeError.self) { try FeatureInputs.split(graph, types: [a, a]) }
    }

    static let types: [FixedType] = [.ufixed(4, 1), .ufixed(3, 3), .fixed(5, 2)]

    /// Every value each feature's own type can hold: the forest's float
    /// scores and the fixed-point scores agree exactly (leaves on a 1/64 grid).
    @Test("Decisions stay exact on every code of every feature's own type")
    func everyCode() throws {
        let forest = RandomForests.make(seed: 31, features: 3, trees: 16, depth: 4, range: -3...9) { (($0 * 128).rounded(.down) - 64) / 64 }
        let graph = try FeatureInputs.split(Self.forestGraph(forest), types: Self.types)
        let model = try Pipeline.run(graph).model
        var rows: [[Double]] = [[]]
        for t in Self.types { rows = rows.flatMap { r in (t.minRaw...t.maxRaw).map { r + [t.value(ofRaw: $0)] } } }
        #expect(rows.count == 16 * 8 * 32)
        let events = EventTable(rows: rows.count, columns: 3, values: rows.flatMap { $0 })
        let fixed = FixedPointEvaluator(model).run(events)
        for (i, row) in rows.enumerated() {
            let float = forest.scores { row[$0] }[0]
            if fixed.values[i] != float { Issue.record("features \(row): fixed \(fixed.values[i]), float \(float)"); break }
        }
    }

    /// A split beyond what a feature's type holds is folded away: feature 0
    /// (`ap_ufixed<4,1>`, at most 1.875) never reaches 5.
    @Test("A split beyond a feature's own range is folded; with one wide type it stays")
    func folding() throws {
        let tree = DecisionTree(classIndex: 0, nodes: [.split(feature: 0, threshold: 5, left: 1, right: 2), .leaf(0.5), .leaf(-0.5)])
        let graph = Self.forestGraph(Forest(featureCount: 3, classCount: 1, trees: [tree], baseScores: [0]))
        func forestOp(_ g: Graph) throws -> ForestOp? {
            let model = try Pipeline.run(g).model
            for op in model.ops { if case .forest(let f) = op.kind { return f } }
            return nil
        }
        let per = try forestOp(FeatureInputs.split(graph, types: Self.types))
        #expect(per?.trees.first?.nodes == [.leaf(512)])
        #expect(per?.comparisons == [])
        var wide = graph
        wide.inputs[0].type = .fixed(8, 4)
        #expect(try forestOp(wide)?.comparisons.count == 1)
    }

    /// The report follows the features through the concatenation: feature 0
    /// saturates at 1.875 in its type, so values beyond flip the split at 1.9.
    @Test("The report's forest section reads features gathered from several inputs")
    func report() throws {
        let tree = DecisionTree(classIndex: 0, nodes: [.split(feature: 0, threshold: 1.9, left: 1, right: 2), .leaf(0.5), .leaf(-0.5)])
        let forest = Forest(featureCount: 3, classCount: 1, trees: [tree], baseScores: [0])
        let sat = FixedType.ufixed(4, 1, .rnd, .sat)
        let graph = try FeatureInputs.split(Self.forestGraph(forest), types: [sat, .ufixed(3, 3), .fixed(5, 2)])
        let model = try Pipeline.run(graph).model
        let events = EventTable(rows: 3, columns: 3, values: [0.5, 4, 1, 3.0, 5, -1, 1.5, 6, 0])
        let reports = ForestReport.build(graph: graph, model: model, events: events)
        #expect(reports.count == 1)
        #expect(reports.first?.features.map(\.flippedDecisions) == [1, 0, 0])
        #expect(reports.first?.trees.first?.agreeingEvents == 2)

        // The HTML report shows the section: the tree that disagrees on one
        // event of three, the feature whose decision flipped.
        let html = try HTMLReport.render(try ModelReport.build(ReportInput(graph: graph, model: model, events: events)),
                                         templates: TemplateLibrary.locate())
        let layer = try #require(reports.first?.layer)
        #expect(html.contains("<h2 id=\"forest-\(layer)\">Forest \(layer)</h2>"))
        #expect(html.contains("Some trees reach another leaf than the float tree"))
        // The split at 1.9 is beyond the saturating type's 1.875: folded away
        // (depth 0, one leaf, no comparator), yet events above 1.875 flip it.
        #expect(html.contains("<tr class=\"warn\"><td>0</td><td>0</td><td>0</td><td>1</td><td>1</td><td>0</td><td>66.67%</td></tr>"))
        #expect(html.contains("<tr class=\"warn\"><td>0</td><td>1</td><td>0</td><td>1</td></tr>"))
        #expect(html.contains("66.67%"))
    }

    @Test("import and predict take per-feature types; a bad entry or one beyond the features exits 2 naming --input-type")
    func commandLine() throws {
        let folder = try PythonOracle.privateFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let xgb = folder.appendingPathComponent("bdt.json")
        try XGBoostImportErrorTests.model().write(to: xgb)
        let out = folder.appendingPathComponent("model.json")
        let ok = try PythonOracle.run(ForestCLITests.executable, ["import", xgb.path, "--out", out.path,
                                                                  "--input-type", "ap_fixed<8,3,AP_RND,AP_SAT>; 1=ap_uint<2>"], in: folder)
        #expect(ok.code == 0, "\(ok.err)")
        let graph = try ModelDecoder.load(path: out.path)
        #expect(graph.inputs.map(\.name) == ["x_0", "x_1"] && graph.inputs[1].type == .ufixed(2, 2))
        let events = folder.appendingPathComponent("x.csv")
        try Data("0.25,3\n-1,0\n".utf8).write(to: events)
        let direct = try PythonOracle.run(ForestCLITests.executable, ["predict", xgb.path, "--input-type", "ap_fixed<8,3,AP_RND,AP_SAT>; 1=ap_uint<2>",
                                                                      "--input", events.path, "--output", "-"], in: folder)
        let imported = try PythonOracle.run(ForestCLITests.executable, ["predict", out.path, "--input", events.path, "--output", "-"], in: folder)
        #expect(direct.code == 0 && imported.code == 0 && direct.out == imported.out && !direct.out.isEmpty, "\(direct.err) \(imported.err)")
        for (spec, message) in [("5=ap_uint<2>", "--input-type: feature 5 is beyond the model's 2 features"),
                                ("0=ap_fixed<8,3>;0=ap_uint<2>", "--input-type: '0=ap_uint<2>' gives feature 0 a second type")] {
            let r = try PythonOracle.run(ForestCLITests.executable, ["import", xgb.path, "--out", folder.appendingPathComponent("bad.json").path,
                                                                     "--input-type", spec], in: folder)
            #expect(r.code == 2 && r.err.contains(message), "\(r.err)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("bad.json").path))
    }

    /// An ONNX-ML ensemble takes per-feature types where any model is read
    /// (the QONNX importer reads it as a forest).
    @Test("An ONNX-ML tree ensemble takes per-feature types where any model is read")
    func onnxEnsemble() throws {
        let url = try ONNXMLImportErrorTests.file(mode: "BRANCH_LEQ")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let graph = try CompilerDriver.readGraph(path: url.path, inputType: "ap_fixed<8,3>; 1=ap_ufixed<4,0>")
        #expect(graph.inputs == [GraphInput(name: "x_0", shape: [1], type: .fixed(8, 3)), GraphInput(name: "x_1", shape: [1], type: .ufixed(4, 0))])
        let model = try CompilerDriver.load(modelPath: url.path, inputType: "ap_fixed<8,3>; 1=ap_ufixed<4,0>").model
        // x[1] <= 0.5 on codes of ap_ufixed<4,0> (1/16 steps): 0.5 goes left (-1), 0.5625 right (2).
        let out = FixedPointEvaluator(model).run(EventTable(rows: 2, columns: 2, values: [0, 0.5, 0, 0.5625]))
        #expect(out.values == [-0.75, 2.25])
    }
}

import FixedPoint
import Foundation
import ModelFormat
import ModelIR
import Passes
import Reference
import Testing

/// model.json forests: decoding, validation, lowering and evaluation.
@Suite("Forest layers in model.json")
struct ForestModelTests {
    static func model(_ forestFields: String, input: String = "ap_fixed<8,3>", size: Int = 2) -> Data {
        Data("""
        {"format": "hepml-model", "version": 1, "name": "bdt",
         "inputs": [{"name": "x", "shape": [\(size)], "type": "\(input)"}],
         "layers": [{"name": "margin", "type": "forest", \(forestFields)}]}
        """.utf8)
    }

    static let good = #""n_classes": 1, "base_score": [0.1], "trees": [{"nodes": [{"feature": 0, "threshold": 0.3, "left": 1, "right": 2}, {"leaf": 0.25}, {"feature": 1, "threshold": -1.0, "left": 3, "right": 4}, {"leaf": -0.5}, {"leaf": 0.75}]}]"#

    static func decodeError(_ fields: String) -> ModelFormatError? {
        do { _ = try ModelDecoder.decode(model(fields), file: "f.json") } catch { return error }
        return nil
    }

    static let malformed: [(String, String, String)] = [
        // (what is wrong, the forest's fields, the field path the error must name)
        ("a child outside its tree", #""trees": [{"nodes": [{"feature": 0, "threshold": 0.5, "left": 1, "right": 7}, {"leaf": 1}]}]"#, "trees[0].nodes[0].right"),
        ("a cycle back to the root", #""trees": [{"nodes": [{"leaf": 2}]}, {"nodes": [{"feature": 0, "threshold": 0.5, "left": 1, "right": 2}, {"leaf": 1}, {"feature": 1, "threshold": 0, "left": 0, "right": 1}]}]"#, "trees[1].nodes[2].left"),
        ("a node that is its own child", #""trees": [{"nodes": [{"feature": 0, "threshold": 0.5, "left": 0, "right": 1}, {"leaf": 1}]}]"#, "trees[0].nodes[0].left"),
        ("a child shared by two splits", #""trees": [{"nodes": [{"feature": 0, "threshold": 0.5, "left": 1, "right": 2}, {"feature": 1, "threshold": 0, "left": 3, "right": 3}, {"leaf": 1}, {"leaf": 2}]}]"#, "trees[0].nodes[1].right"),
        ("an unreachable node", #""trees": [{"nodes": [{"feature": 0, "threshold": 0.5, "left": 1, "right": 2}, {"leaf": 1}, {"leaf": 2}, {"leaf": 3}]}]"#, "trees[0].nodes[3].nodes"),
        ("an unknown feature", #""trees": [{"nodes": [{"feature": 2, "threshold": 0.5, "left": 1, "right": 2}, {"leaf": 1}, {"leaf": 2}]}]"#, "trees[0].nodes[0].feature"),
        ("a class beyond n_classes", #""n_classes": 2, "base_score": [0, 0], "trees": [{"class": 2, "nodes": [{"leaf": 1}]}]"#, "trees[0].class"),
        ("an empty tree", #""trees": [{"nodes": []}]"#, "trees[0].nodes"),
        ("no trees", #""trees": []"#, "trees"),
        ("a base score per class missing", #""n_classes": 3, "base_score": [0], "trees": [{"nodes": [{"leaf": 1}]}]"#, "base_score"),
        ("an unknown decision", #""decision": "gt", "trees": [{"nodes": [{"leaf": 1}]}]"#, "decision"),
        ("a split without a threshold", #""trees": [{"nodes": [{"feature": 0, "left": 1, "right": 2}, {"leaf": 1}, {"leaf": 2}]}]"#, "trees[0].nodes[0].threshold"),
        ("a typo in a node", #""trees": [{"nodes": [{"leaf": 1, "lef": 2}]}]"#, "trees[0].nodes[0].lef"),
        ("more features than the input has", #""features": 3, "trees": [{"nodes": [{"leaf": 1}]}]"#, "features"),
    ]

    @Test("Malformed forests are refused with the layer, tree, node and field", arguments: malformed)
    func refusesMalformed(_ what: String, _ fields: String, _ path: String) {
        let error = Self.decodeError(fields)
        #expect(error?.layer == "margin", "\(what)")
        #expect(error?.field == path, "\(what): \(error?.description ?? "accepted")")
        #expect(error?.file == "f.json")
    }

    @Test("A forest decodes, encodes and decodes back to the same graph")
    func roundTrip() throws {
        let graph = try ModelDecoder.decode(Self.model(Self.good))
        guard case .forest(let f) = graph.nodes[0].op else { Issue.record("not a forest"); return }
        #expect(f.trees[0].nodes.count == 5)
        #expect(f.decision == .lessThan && f.thresholdPrecision == .float32)
        let again = try ModelDecoder.decode(Data(ModelEncoder.encode(graph).utf8))
        #expect(again == graph)
    }

    @Test("Lowering: scores per the integer contract, splits folded when every code decides alike, leaves rounded to the leaf type")
    func lowering() throws {
        // Threshold 100 lies above every ap_fixed<8,3> value: that split is folded into its left child.
        let fields = #""base_score": [0.1], "trees": [{"nodes": [{"feature": 0, "threshold": 0.3, "left": 1, "right": 2}, {"leaf": 0.25}, {"feature": 1, "threshold": -1.0, "left": 3, "right": 4}, {"leaf": -0.5}, {"leaf": 0.7}]}, {"nodes": [{"feature": 1, "threshold": 100, "left": 1, "right": 2}, {"leaf": 0.125}, {"leaf": -9}]}], "precision": {"leaf": "ap_fixed<10,4>"}"#
        let graph = try ModelDecoder.decode(Self.model(fields))
        let lowered = try Pipeline.run(graph).model
        guard case .forest(let f) = lowered.ops[0].kind else { Issue.record("not a forest"); return }
        #expect(f.trees[1].nodes == [.leaf(8)])                 // 0.125 in 6 fraction bits
        // 0.3 in ap_fixed<8,3> (5 fraction bits): float32(x) < 0.3f holds up to code 9 (0.28125); code 10 is 0.3125.
        #expect(f.trees[0].nodes[0] == .split(feature: 0, threshold: 10, left: 1, right: 2))
        #expect(f.trees[0].nodes[2] == .split(feature: 1, threshold: -32, left: 3, right: 4))
        #expect(f.base == [6])                                  // 0.1 → 6/64 (AP_TRN)
        #expect(f.trees[0].leafValues == [16, -32, 44])         // 0.7 → 44/64 = 0.6875 (AP_TRN)
        let evaluator = FixedPointEvaluator(lowered)
        #expect(evaluator.runRaw([9, 0]) == [6 + 16 + 8])
        #expect(evaluator.runRaw([10, -33]) == [6 - 32 + 8])
        #expect(evaluator.runRaw([10, -32]) == [6 + 44 + 8])
        let text = LoweredPrinter.print(lowered)
        #expect(text.contains("  tree 0 0:10:1:2 =16 1:-32:3:4 =-32 =44\n"))
        #expect(try LoweredParser.parse(text) == lowered)
    }

    static let loweredText = """
    hepml-lowered 1
    model bdt
    tensor %0 x 2 ap_fixed<8,3>
    tensor %1 margin 1 ap_fixed<12,6>
    input %0
    op margin forest %0 -> %1
      forest leaf ap_fixed<10,4> acc ap_fixed<12,6> classes 1
      base 6
      tree 0 0:10:1:2 =16 =-32
    output %1

    """

    @Test("Verify accepts a well-formed lowered forest and rejects broken ones, naming the tree and node", arguments: [
        ("0:10:1:2 =16 =-32", nil),
        ("0:-128:1:2 =16 =-32", "threshold -128 decides nothing"),      // minRaw: every code goes right
        ("2:10:1:2 =16 =-32", "feature 2 out of range"),
        ("0:10:1:1 =16 =-32", "children must be later nodes"),
        ("0:10:2:1 =16 0:3:0:2", "children must be later nodes"),         // a cycle back to the root
        ("0:10:1:2 =16 =-32 =4", "node 3 has 0 parents"),                   // unreachable
        ("0:10:1:2 =16 =9999", "leaf 9999 out of range"),
    ] as [(String, String?)])
    func verifyForest(_ tree: String, _ problem: String?) throws {
        let text = Self.loweredText.replacingOccurrences(of: "0:10:1:2 =16 =-32", with: tree)
        let model = try LoweredParser.parse(text)
        #expect(LoweredPrinter.print(model) == text)
        do {
            try Verify.run(model, after: "test")
            #expect(problem == nil, "accepted")
        } catch {
            #expect(problem.map { error.description.contains($0) } == true, "\(error)")
        }
    }
}

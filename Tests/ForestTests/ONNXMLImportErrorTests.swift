import Foundation
import ModelIR
import QONNX
import SwiftProtobuf
import Testing

/// ONNX-ML tree ensembles written by hand: branch modes, and refusals that
/// name the node, the tree and the tree's node.
@Suite("ONNX-ML tree ensemble import")
struct ONNXMLImportErrorTests {
    /// A regressor with one split (`mode`, threshold 0.5, true → node `trueChild`) and two leaves.
    static func file(mode: String, trueChild: Int64 = 1) throws -> URL {
        func ints(_ name: String, _ v: [Int64]) -> Onnx_AttributeProto {
            var a = Onnx_AttributeProto(); a.name = name; a.type = .ints; a.ints = v; return a
        }
        func floats(_ name: String, _ v: [Float]) -> Onnx_AttributeProto {
            var a = Onnx_AttributeProto(); a.name = name; a.type = .floats; a.floats = v; return a
        }
        var modes = Onnx_AttributeProto(); modes.name = "nodes_modes"; modes.type = .strings
        modes.strings = [mode, "LEAF", "LEAF"].map { Data($0.utf8) }
        var node = Onnx_NodeProto()
        node.name = "ens"; node.opType = "TreeEnsembleRegressor"; node.domain = "ai.onnx.ml"
        node.input = ["x"]; node.output = ["y"]
        node.attribute = [ints("nodes_treeids", [0, 0, 0]), ints("nodes_nodeids", [0, 1, 2]), ints("nodes_featureids", [1, 0, 0]),
                          floats("nodes_values", [0.5, 0, 0]), modes, ints("nodes_truenodeids", [trueChild, 0, 0]),
                          ints("nodes_falsenodeids", [2, 0, 0]), ints("target_treeids", [0, 0]), ints("target_nodeids", [1, 2]),
                          ints("target_ids", [0, 0]), floats("target_weights", [-1, 2]), floats("base_values", [0.25])]
        var input = Onnx_ValueInfoProto(); input.name = "x"
        var dim = Onnx_TensorShapeProto.Dimension(); dim.dimValue = 2
        input.type.tensorType.elemType = 1
        input.type.tensorType.shape.dim = [dim]
        var model = Onnx_ModelProto(); model.irVersion = 8
        model.graph.node = [node]; model.graph.input = [input]
        let folder = try PythonOracle.privateFolder()
        let url = folder.appendingPathComponent("ens.onnx")
        let bytes: Data = try model.serializedBytes()
        try bytes.write(to: url)
        return url
    }

    static func load(_ url: URL) throws -> Forest? {
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        guard let g = try TreeEnsembleImporter.loadIfTreeEnsemble(path: url.path, inputType: nil),
              case .forest(let f) = g.nodes[0].op else { return nil }
        return f
    }

    @Test("Every branch mode becomes float32 x <= t: LT as the float below t, GT and GTE with the children swapped")
    func modes() throws {
        let below = Double(Float(0.5).nextDown)
        let cases: [(String, TreeNode)] = [
            ("BRANCH_LEQ", .split(feature: 1, threshold: 0.5, left: 1, right: 2)),
            ("BRANCH_LT", .split(feature: 1, threshold: below, left: 1, right: 2)),
            ("BRANCH_GT", .split(feature: 1, threshold: 0.5, left: 1, right: 2)),
            ("BRANCH_GTE", .split(feature: 1, threshold: below, left: 1, right: 2)),
        ]
        for (mode, root) in cases {
            let f = try #require(try Self.load(try Self.file(mode: mode)))
            #expect(f.decision == .lessOrEqual && f.baseScores == [0.25])
            #expect(f.trees[0].nodes[0] == root, "\(mode)")
            // The true branch's leaf (-1) is on the left unless the mode is GT/GTE.
            let swapped = mode == "BRANCH_GT" || mode == "BRANCH_GTE"
            #expect(f.trees[0].nodes[1] == .leaf(swapped ? 2 : -1), "\(mode)")
        }
    }

    @Test("BRANCH_EQ and a cycle are refused, naming the ensemble node, the tree and the node")
    func refusals() throws {
        #expect {
            _ = try Self.load(try Self.file(mode: "BRANCH_EQ"))
        } throws: { e in
            let d = "\(e)"
            return d.contains("ens.onnx") && d.contains("'ens' (TreeEnsembleRegressor)") && d.contains("tree 0 node 0") && d.contains("BRANCH_EQ")
        }
        #expect {
            _ = try Self.load(try Self.file(mode: "BRANCH_LEQ", trueChild: 0))
        } throws: { e in "\(e)".contains("tree 0 node 0") && "\(e)".contains("cycle") }
    }
}

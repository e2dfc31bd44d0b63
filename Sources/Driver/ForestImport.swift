import FileSafety
import FixedPoint
import Foundation
import ModelFormat
import ModelIR
import Passes
import QONNX

/// `hepml-compile import m.json --out model.json` for a forest saved by
/// XGBoost (`Booster.save_model("m.json")`), and the forest sections of the
/// messages a command prints.
public struct ForestImportRequest: Sendable {
    /// The XGBoost JSON file.
    public var model: String
    /// Where the model.json goes; `-` for standard output.
    public var out: String
    /// The features' fixed-point type (default: the default precision).
    public var inputType: String?
    /// Leave out the post-transform: the design outputs the margins.
    public var raw: Bool

    public init(model: String, out: String, inputType: String? = nil, raw: Bool = false) {
        self.model = model
        self.out = out
        self.inputType = inputType
        self.raw = raw
    }
}

extension CompilerDriver {
    /// Whether `path` is a forest file an importer reads (an XGBoost JSON model).
    public static func isForestModel(_ path: String) -> Bool { XGBoostImporter.looksLikeXGBoost(path: path) }

    /// The graph of an ONNX-ML tree ensemble, or nil for any other ONNX model.
    static func readTreeEnsemble(path: String, inputType: String?, raw: Bool = false) throws(DriverError) -> Graph? {
        var type: FixedType?
        if let inputType {
            do { type = try FixedType(parsing: inputType) } catch { throw .option("--input-type: \(error)") }
        }
        do { return try TreeEnsembleImporter.loadIfTreeEnsemble(path: path, inputType: type, raw: raw) } catch { throw .qonnx(error) }
    }

    /// The graph of an XGBoost JSON model or an ONNX-ML tree ensemble.
    static func readForest(path: String, inputType: String?, raw: Bool = false) throws(DriverError) -> Graph {
        if isONNX(path) {
            guard let graph = try readTreeEnsemble(path: path, inputType: inputType, raw: raw) else {
                throw .option("'\(path)' holds no TreeEnsembleClassifier or TreeEnsembleRegressor (--raw applies to forests)")
            }
            return graph
        }
        var options = ForestImportOptions(raw: raw)
        if let inputType {
            do { options.inputType = try FixedType(parsing: inputType) } catch { throw .option("--input-type: \(error)") }
        }
        do { return try XGBoostImporter.load(path: path, options: options) } catch { throw .model(error) }
    }

    /// Imports an XGBoost model and writes it as model.json, after checking
    /// that it lowers. The message states the leaf-rounding bound.
    public static func importForest(_ request: ForestImportRequest) throws(DriverError) -> ConversionResult {
        let graph = try readForest(path: request.model, inputType: request.inputType, raw: request.raw)
        let loaded: LoweringResult
        do { loaded = try Pipeline.run(graph) } catch {
            throw .lowering(file: (request.model as NSString).lastPathComponent, error)
        }
        try writeText(ModelEncoder.encode(graph), to: request.out, inputs: [request.model])
        let toStandardOutput = request.out == OutputFile.standardOutput
        var message = "imported \(forestSummary(graph, loaded.model).joined(separator: "; ")) of '\(graph.name)' to \(toStandardOutput ? "standard output" : request.out)"
        if request.raw { message += " (margins: no post-transform)" }
        return ConversionResult(message: message, dataOnStandardOutput: toStandardOutput)
    }

    /// One line per forest: trees, comparators, and the largest score error leaf rounding can cause.
    public static func forestSummary(_ graph: Graph, _ model: LoweredModel) -> [String] {
        var lines: [String] = []
        for node in graph.nodes {
            guard case .forest(let forest) = node.op,
                  let op = model.ops.first(where: { $0.sourceLayers.contains(node.name) }),
                  case .forest(let lowered) = op.kind else { continue }
            let bound = forest.leafRoundingBound(leafType: lowered.leafType).max() ?? 0
            lines.append("forest '\(node.name)': \(forest.trees.count) trees, \(lowered.comparisons.count) distinct comparisons, leaves \(lowered.leafType), largest score error from leaf rounding \(bound)")
        }
        return lines
    }
}

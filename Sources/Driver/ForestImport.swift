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
    /// The features' fixed-point type (default: the default precision), or
    /// types per feature (``ModelFormat/FeatureTypeSpec``).
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
        let spec = try featureTypes(inputType)
        let graph: Graph?
        do { graph = try TreeEnsembleImporter.loadIfTreeEnsemble(path: path, inputType: spec?.fallback, raw: raw) } catch { throw .qonnx(error) }
        return try graph.map { g throws(DriverError) in try applyFeatureTypes(spec, to: g) }
    }

    /// The graph of an XGBoost JSON model or an ONNX-ML tree ensemble.
    static func readForest(path: String, inputType: String?, raw: Bool = false) throws(DriverError) -> Graph {
        if isONNX(path) {
            guard let graph = try readTreeEnsemble(path: path, inputType: inputType, raw: raw) else {
                throw .option("'\(path)' holds no TreeEnsembleClassifier or TreeEnsembleRegressor (--raw applies to forests)")
            }
            return graph
        }
        let spec = try featureTypes(inputType)
        let graph: Graph
        do { graph = try XGBoostImporter.load(path: path, options: ForestImportOptions(inputType: spec?.fallback, raw: raw)) } catch { throw .model(error) }
        return try applyFeatureTypes(spec, to: graph)
    }

    /// `--input-type` parsed: one type, or types per feature (``FeatureTypeSpec``).
    static func featureTypes(_ text: String?) throws(DriverError) -> FeatureTypeSpec? {
        guard let text else { return nil }
        do { return try FeatureTypeSpec(parsing: text) } catch { throw .option("--input-type: \(error)") }
    }

    /// An imported graph with its features' own types, when `spec` gives
    /// some; only a forest reading the model's one input vector takes them.
    static func applyFeatureTypes(_ spec: FeatureTypeSpec?, to graph: Graph) throws(DriverError) -> Graph {
        guard let spec, spec.isPerFeature else { return graph }
        guard let x = graph.inputs.first, graph.inputs.count == 1,
              graph.nodes.contains(where: { if case .forest = $0.op { return $0.inputs == [x.name] } else { return false } }) else {
            throw .option("--input-type: types per feature apply to forests (XGBoost JSON, ONNX-ML tree ensembles); give this model one type")
        }
        do { return try FeatureInputs.split(graph, types: spec.types(featureCount: x.size)) } catch { throw .option("--input-type: \(error)") }
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

import Foundation
import FixedPoint
import ModelFormat
import ModelIR
import Passes
import QONNX
import TensorIO

/// A model read from disk and lowered: what every command starts from.
public struct LoadedModel: Sendable {
    public var path: String
    public var graph: Graph
    public var lowering: LoweringResult
    public var model: LoweredModel { lowering.model }
}

/// The steps shared by the CLI commands.
public enum CompilerDriver {
    /// Reads, validates and lowers a model.json or a QONNX `.onnx` file.
    /// `precision` is the `--precision` fallback (a type string) for models
    /// without defaults; `inputType` the `--input-type` of unquantized
    /// ONNX inputs.
    public static func load(modelPath: String, precision: String? = nil, inputType: String? = nil,
                            layerReuse: [String: Int] = [:]) throws(DriverError) -> LoadedModel {
        var options = LoweringOptions()
        if let precision {
            do { options.defaultPrecision = try FixedType(parsing: precision) } catch {
                throw .option("--precision: \(error)")
            }
        }
        var graph = try readGraph(path: modelPath, inputType: inputType)
        if !layerReuse.isEmpty {
            graph = try applyLayerReuse(layerReuse, to: graph, file: (modelPath as NSString).lastPathComponent)
        }
        do {
            let result = try Pipeline.run(graph, options: options)
            return LoadedModel(path: modelPath, graph: graph, lowering: result)
        } catch {
            throw .lowering(file: (modelPath as NSString).lastPathComponent, error)
        }
    }

    /// Whether a model path names a QONNX file (by its `.onnx` extension).
    public static func isONNX(_ path: String) -> Bool { path.lowercased().hasSuffix(".onnx") }

    /// The graph IR of a model.json, or of a QONNX file imported
    /// (docs/import-export.md).
    public static func readGraph(path: String, inputType: String? = nil) throws(DriverError) -> Graph {
        guard isONNX(path) else {
            if isForestModel(path) { return try readForest(path: path, inputType: inputType) }
            guard inputType == nil else { throw .option("--input-type applies to .onnx models; a model.json gives its input types itself") }
            do { return try ModelDecoder.load(path: path) } catch { throw .model(error) }
        }
        // QONNXImporter reads a tree ensemble (ONNX-ML) as a forest itself: one decode.
        var options = ImportOptions()
        let spec = try featureTypes(inputType)
        options.inputType = spec?.fallback
        let graph: Graph
        do { graph = try QONNXImporter.load(path: path, options: options) } catch { throw .qonnx(error) }
        return try applyFeatureTypes(spec, to: graph)
    }

    /// Refuses a model whose parameters overflowed their types when lowered
    /// (the CLI's `--strict`): a layer error naming the first such tensor.
    public static func refuseParameterOverflows(_ loaded: LoadedModel) throws(DriverError) {
        let overflows = loaded.lowering.overflows
        guard let first = overflows.first else { return }
        let more = overflows.count > 1 ? " (and \(overflows.count - 1) more parameter tensors)" : ""
        throw .lowering(file: (loaded.path as NSString).lastPathComponent,
                        LoweringError(layer: first.layer, field: first.tensor,
                                      message: "\(first.detail)\(more); --strict refuses parameters that do not fit their types"))
    }

    /// Opens events for `model` (as ``readEvents(path:for:)`` reads them)
    /// and reads whole blocks until `headEvents` are in hand (or the file
    /// ends): the head, and the reader positioned after it for the rest.
    public static func openEvents(path: String, for model: LoweredModel,
                                  headEvents: Int) throws(DriverError) -> (head: EventTable, rest: any EventReader) {
        do {
            let reader = try EventFile.reader(path: path, expectedColumns: model.inputWidth)
            var values: [Double] = []
            var rows = 0
            while rows < headEvents, let block = try reader.next() {
                values += block.values
                rows += block.rows
            }
            return (EventTable(rows: rows, columns: model.inputWidth, values: values), reader)
        } catch {
            throw .data(error)
        }
    }

    /// Reads events for `model` from `.npy` (by extension) or numeric CSV,
    /// checking the column count against the model's inputs.
    public static func readEvents(path: String, for model: LoweredModel) throws(DriverError) -> EventTable {
        do {
            if path.lowercased().hasSuffix(".npy") { return try NPYTable.read(path: path, expectedColumns: model.inputWidth) }
            return try CSVTable.read(path: path, expectedColumns: model.inputWidth)
        } catch {
            throw .data(error)
        }
    }
}

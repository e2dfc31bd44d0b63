import FileSafety
import Foundation
import ModelFormat
import ModelIR
import Passes
import QONNX

extension CompilerDriver {
    /// `hepml-compile import`: a QONNX file as model.json text, after
    /// checking that it lowers (so a model that cannot compile is refused
    /// before anything is written).
    public static func importQONNX(path: String, inputType: String?, precision: String? = nil) throws(DriverError) -> (graph: Graph, json: String) {
        let loaded = try load(modelPath: path, precision: precision, inputType: inputType)
        return (loaded.graph, ModelEncoder.encode(loaded.graph))
    }

    /// `hepml-compile export --qonnx`: a model.json (or .onnx) lowered and
    /// written as QONNX ONNX bytes (docs/import-export.md, "Export"). A type
    /// QONNX cannot express is a ``DriverError/qonnx(_:)`` naming the layer.
    public static func exportQONNX(path: String, inputType: String? = nil, precision: String? = nil) throws(DriverError) -> (model: LoweredModel, onnx: Data) {
        let loaded = try load(modelPath: path, precision: precision, inputType: inputType)
        do {
            return (loaded.model, try QONNXExporter.export(loaded.model, file: (path as NSString).lastPathComponent))
        } catch {
            throw .qonnx(error)
        }
    }

    /// Writes `text` to `output` (a file, a device or `-`), refusing to
    /// overwrite one of `inputs`; nothing is written on failure.
    public static func writeText(_ text: String, to output: String, inputs: [String]) throws(DriverError) {
        try OutputWriter.refuseOverwriting(output, inputs: inputs)
        do { try OutputFile.write(text, to: output) } catch { throw .refused(error) }
    }

    /// Writes bytes to `output`, as ``writeText(_:to:inputs:)``.
    public static func writeData(_ data: Data, to output: String, inputs: [String]) throws(DriverError) {
        try OutputWriter.refuseOverwriting(output, inputs: inputs)
        do { try OutputFile.write(data, to: output) } catch { throw .refused(error) }
    }
}

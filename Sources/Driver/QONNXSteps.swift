import FileSafety
import Foundation
import ModelFormat
import ModelIR
import QONNX

/// `hepml-compile import`: a QONNX file to convert to model.json.
public struct QONNXImportOptions: Sendable {
    /// The `.onnx` file.
    public var model: String
    /// Where the model.json goes; `-` for standard output.
    public var out: String
    /// The type of inputs that no Quant node quantizes.
    public var inputType: String?
    /// Refuse a float-scaled sum with tie-adjacent accumulator values instead of warning.
    public var strict = false

    public init(model: String, out: String, inputType: String? = nil) {
        self.model = model
        self.out = out
        self.inputType = inputType
    }
}

/// `hepml-compile export --qonnx`: a model to write as QONNX.
public struct QONNXExportOptions: Sendable {
    /// model.json (or `.onnx`).
    public var model: String
    /// Where the `.onnx` goes (a file path).
    public var qonnx: String
    /// For a `.onnx` model: the type of inputs that no Quant node quantizes.
    public var inputType: String?

    public init(model: String, qonnx: String, inputType: String? = nil) {
        self.model = model
        self.qonnx = qonnx
        self.inputType = inputType
    }
}

/// What an import or export wrote.
public struct ConversionResult: Sendable {
    /// One line saying what was written where.
    public var message: String
    /// The model went to standard output, so ``message`` belongs on standard error.
    public var dataOnStandardOutput: Bool
    /// Warnings about the model (float sums, docs/import-export.md "Float sums").
    public var warnings: [String] = []
}

extension CompilerDriver {
    /// Imports a QONNX file and writes it as model.json text, after checking
    /// that it lowers (so a model that cannot compile is refused before
    /// anything is written).
    public static func importQONNX(_ options: QONNXImportOptions) throws(DriverError) -> ConversionResult {
        guard isONNX(options.model) else { throw .option("import reads a .onnx file; got '\(options.model)'") }
        let loaded = try load(modelPath: options.model, inputType: options.inputType)
        let warnings = try floatSumWarnings(loaded.graph, path: options.model, strict: options.strict)
        try writeText(ModelEncoder.encode(loaded.graph), to: options.out, inputs: [options.model])
        let toStandardOutput = options.out == OutputFile.standardOutput
        var result = ConversionResult(
            message: "imported \(loaded.graph.nodes.count) layers of '\(loaded.graph.name)' to \(toStandardOutput ? "standard output" : options.out)",
            dataOnStandardOutput: toStandardOutput)
        result.warnings = warnings
        return result
    }

    /// One warning per threshold layer read from a float32 sum with
    /// accumulator values where the executor's code may differ, or (with
    /// `strict`) the error naming the first such node.
    public static func floatSumWarnings(_ graph: Graph, path: String, strict: Bool) throws(DriverError) -> [String] {
        let file = (path as NSString).lastPathComponent
        var warnings: [String] = []
        for note in graph.floatSumNotes where note.ambiguous > 0 {
            if strict { throw .qonnx(QONNXError(file: file, node: note.node, message: note.message + "; --strict refuses it")) }
            warnings.append("\(file): \(note.node): \(note.message)")
        }
        return warnings
    }

    /// Lowers a model.json (or .onnx) and writes it as QONNX ONNX bytes
    /// (docs/import-export.md, "Export"). A type QONNX cannot express is a
    /// ``DriverError/qonnx(_:)`` naming the layer.
    public static func exportQONNX(_ options: QONNXExportOptions) throws(DriverError) -> ConversionResult {
        guard options.qonnx != OutputFile.standardOutput else { throw .option("--qonnx writes a binary ONNX file; give a file path, not -") }
        let loaded = try load(modelPath: options.model, inputType: options.inputType)
        // The export writes the design's fixed-point graph: float input quantizers and output chains have no form there.
        if let name = loaded.graph.inputQuantizers.keys.sorted().first ?? loaded.graph.outputChains.keys.sorted().first {
            throw .option("\((options.model as NSString).lastPathComponent): '\(name)' has a float input quantizer or output chain (issue 26), which the QONNX export does not write; export the model it was imported from instead")
        }
        let onnx: Data
        do {
            onnx = try QONNXExporter.export(loaded.model, file: (options.model as NSString).lastPathComponent)
        } catch {
            throw .qonnx(error)
        }
        try writeData(onnx, to: options.qonnx, inputs: [options.model])
        return ConversionResult(message: "exported \(loaded.model.ops.count) layers of '\(loaded.model.name)' to \(options.qonnx)",
                                dataOnStandardOutput: false)
    }

    /// Writes `text` to `output` (a file, a device or `-`), refusing to
    /// overwrite one of `inputs`; nothing is written on failure.
    static func writeText(_ text: String, to output: String, inputs: [String]) throws(DriverError) {
        try OutputWriter.refuseOverwriting(output, inputs: inputs)
        do { try OutputFile.write(text, to: output) } catch { throw .refused(error) }
    }

    /// Writes bytes to `output`, as ``writeText(_:to:inputs:)``.
    static func writeData(_ data: Data, to output: String, inputs: [String]) throws(DriverError) {
        try OutputWriter.refuseOverwriting(output, inputs: inputs)
        do { try OutputFile.write(data, to: output) } catch { throw .refused(error) }
    }
}

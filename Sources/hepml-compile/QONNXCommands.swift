import ArgumentParser
import Driver

/// `hepml-compile import model.onnx --out model.json`.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a QONNX model (.onnx with Quant nodes) or an XGBoost forest (JSON) as model.json (docs/import-export.md).")

    @Argument(help: "The QONNX .onnx file, or an XGBoost model saved as JSON.")
    var model: String

    @Option(help: "Where to write the model.json (- for standard output).")
    var out: String

    @Option(name: .customLong("input-type"), help: ArgumentHelp("The fixed-point type of inputs that no Quant node quantizes; for a forest, types per feature: 'T; 3=ap_uint<3>; 4-5=T2'.", valueName: "type"))
    var inputType: String?

    @Flag(help: "For a forest: leave out the post-transform (sigmoid, softmax), so the design outputs the margins.")
    var raw = false

    @Flag(help: "Refuse (exit 2) a model with float32 sums whose rounding could change a code, instead of warning (docs/import-export.md, \"Float sums\").")
    var strict = false

    func run() async throws {
        do {
            if CompilerDriver.isForestModel(model) || (raw && CompilerDriver.isONNX(model)) {
                let result = try CompilerDriver.importForest(ForestImportRequest(model: model, out: out, inputType: inputType, raw: raw))
                note(result.message, onStandardError: result.dataOnStandardOutput)
                return
            }
            var options = QONNXImportOptions(model: model, out: out, inputType: inputType)
            options.strict = strict
            let result = try CompilerDriver.importQONNX(options)
            for warning in result.warnings { Console.standard.warn(warning) }
            note(result.message, onStandardError: result.dataOnStandardOutput)
        } catch {
            throw fail(error)
        }
    }
}

/// `hepml-compile export model.json --qonnx out.onnx`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a model as QONNX (.onnx with Quant nodes) that the QONNX executor runs to the same values (docs/import-export.md).")

    @Argument(help: "The model.json (or .onnx) to export.")
    var model: String

    @Option(help: ArgumentHelp("Where to write the QONNX file.", valueName: "out.onnx"))
    var qonnx: String

    @Option(name: .customLong("input-type"), help: ArgumentHelp("For a .onnx model: the fixed-point type of inputs that no Quant node quantizes.", valueName: "type"))
    var inputType: String?

    func run() async throws {
        do {
            let result = try CompilerDriver.exportQONNX(QONNXExportOptions(model: model, qonnx: qonnx, inputType: inputType))
            print(result.message)
        } catch {
            throw fail(error)
        }
    }
}

import ArgumentParser
import Driver
import Foundation

/// `hepml-compile import model.onnx --out model.json`.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a QONNX model (.onnx with Quant nodes) as model.json (docs/import-export.md).")

    @Argument(help: "The QONNX .onnx file.")
    var model: String

    @Option(help: "Where to write the model.json (- for standard output).")
    var out: String

    @Option(name: .customLong("input-type"), help: ArgumentHelp("The fixed-point type of inputs that no Quant node quantizes.", valueName: "type"))
    var inputType: String?

    func run() async throws {
        do {
            guard CompilerDriver.isONNX(model) else { throw DriverError.option("import reads a .onnx file; got '\(model)'") }
            let imported = try CompilerDriver.importQONNX(path: model, inputType: inputType)
            try CompilerDriver.writeText(imported.json, to: out, inputs: [model])
            let note = "imported \(imported.graph.nodes.count) layers of '\(imported.graph.name)' to \(out == "-" ? "standard output" : out)\n"
            (out == "-" ? FileHandle.standardError : FileHandle.standardOutput).write(Data(note.utf8))
        } catch let error as DriverError {
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
            guard qonnx != "-" else { throw DriverError.option("--qonnx writes a binary ONNX file; give a file path, not -") }
            let exported = try CompilerDriver.exportQONNX(path: model, inputType: inputType)
            try CompilerDriver.writeData(exported.onnx, to: qonnx, inputs: [model])
            print("exported \(exported.model.ops.count) layers of '\(exported.model.name)' to \(qonnx)")
        } catch let error as DriverError {
            throw fail(error)
        }
    }
}

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

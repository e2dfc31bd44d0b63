import ArgumentParser
import Driver
import Foundation

/// Options shared by every command that reads a model.
struct ModelOptions: ParsableArguments {
    @Argument(help: "The model file (model.json format v1, see docs/model-format.md).")
    var model: String

    @Option(help: ArgumentHelp("Fallback precision for weights, biases and inputs of models whose model.json sets no defaults.precision.", valueName: "type"))
    var precision: String = "ap_fixed<16,6>"

    func load() throws(DriverError) -> LoadedModel {
        try CompilerDriver.load(modelPath: model, precision: precision)
    }
}

/// Prints a driver error the way every command does and exits with its code.
func fail(_ error: DriverError) -> ExitCode {
    FileHandle.standardError.write(Data("hepml-compile: error: \(error)\n".utf8))
    return ExitCode(error.exitCode)
}

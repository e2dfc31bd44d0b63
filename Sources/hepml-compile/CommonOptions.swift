import ArgumentParser
import Driver
import Foundation
import VerilogBackend

/// Options shared by every command that reads a model.
struct ModelOptions: ParsableArguments {
    @Argument(help: "The model file: model.json (format v1, docs/model-format.md) or a QONNX .onnx file (docs/import-export.md).")
    var model: String

    @Option(name: .customLong("input-type"), help: ArgumentHelp("For a .onnx model: the fixed-point type of inputs that no Quant node quantizes.", valueName: "type"))
    var inputType: String?

    @Option(help: ArgumentHelp("Fallback precision for weights, biases and inputs of models whose model.json sets no defaults.precision.", valueName: "type"))
    var precision: String = "ap_fixed<16,6>"

    @Flag(help: "Refuse (exit 2) a model whose weights, biases, batchnorm parameters or LeakyReLU slopes do not fit their types, instead of warning.")
    var strict = false

    /// Loads and lowers the model; parameters that overflowed their types
    /// are warnings on stderr, or an error with `--strict`.
    func load() throws(DriverError) -> LoadedModel {
        let loaded = try CompilerDriver.load(modelPath: model, precision: precision, inputType: inputType)
        if strict { try CompilerDriver.refuseParameterOverflows(loaded) }
        let file = (model as NSString).lastPathComponent
        for overflow in loaded.lowering.overflows { warn("\(file): \(overflow)") }
        return loaded
    }
}

/// The RTL size limit of the commands that emit Verilog.
struct RTLSizeOptions: ParsableArguments {
    @Option(name: .customLong("max-rtl-size"), help: ArgumentHelp(
        "Refuse to emit Verilog for a layer estimated above this many terms (signed digits of the weights, adders, ROM words); default \(RTLSize.defaultLimit), about a minute and 500 MB.",
        valueName: "terms"))
    var maxRTLSize: Int = RTLSize.defaultLimit

    /// Checks the option, then the model against it.
    func check(_ loaded: LoadedModel) throws(DriverError) {
        try checkOption()
        try CompilerDriver.checkRTLSize(loaded.model, file: loaded.path, limit: maxRTLSize)
    }

    func checkOption() throws(DriverError) {
        guard maxRTLSize >= 1 else { throw .option("--max-rtl-size must be at least 1, got \(maxRTLSize)") }
    }
}

/// How the Verilog is built: the FPGA family whose delays pipeline it, and
/// whether variable products may use DSP blocks.
struct FamilyOptions: ParsableArguments {
    @Option(help: ArgumentHelp("FPGA family whose adder and LUT delays set the Verilog pipeline: "
        + FPGAFamily.allCases.map(\.rawValue).joined(separator: " or ") + " (7-series, UltraScale+; docs/verilog-backend.md).",
        valueName: "family"))
    var family: String = FPGAFamily.standard.rawValue

    @Flag(name: .customLong("softmax-dsp"), help: "Put the softmax's products on DSP blocks; by default they are built from adders and a softmax uses no DSP.")
    var dsp = false

    func parsed() throws(DriverError) -> FPGAFamily {
        guard let f = FPGAFamily(rawValue: family) else {
            throw .option("--family must be one of: " + FPGAFamily.allCases.map(\.rawValue).joined(separator: ", ") + ", not '\(family)'")
        }
        return f
    }
}

/// Prints a warning the way every command does; the run goes on.
func warn(_ message: String) {
    FileHandle.standardError.write(Data("hepml-compile: warning: \(message)\n".utf8))
}

/// Prints a driver error the way every command does and exits with its code.
func fail(_ error: DriverError) -> ExitCode {
    FileHandle.standardError.write(Data("hepml-compile: error: \(error)\n".utf8))
    return ExitCode(error.exitCode)
}

import ArgumentParser
import Driver
import Foundation

/// Options shared by every command that reads a model.
struct ModelOptions: ParsableArguments {
    @Argument(help: "The model file: model.json (format v1, docs/model-format.md) or a QONNX .onnx file (docs/import-export.md).")
    var model: String

    @Option(name: .customLong("input-type"), help: ArgumentHelp("For a .onnx model: the fixed-point type of inputs that no Quant node quantizes. For a forest (XGBoost JSON, ONNX-ML), types per feature: 'T; 3=ap_uint<3>; 4-5=T2' (0-based; the entry without an index is the default).", valueName: "type"))
    var inputType: String?

    @Option(help: ArgumentHelp("Fallback precision for weights, biases and inputs of models whose model.json sets no defaults.precision.", valueName: "type"))
    var precision: String = ModelSource.defaultPrecision

    @Flag(help: "Refuse (exit 2) a model whose weights, biases, batchnorm parameters or LeakyReLU slopes do not fit their types, or (a .onnx model) whose float32 sums could change a code (docs/import-export.md, \"Float sums\"), instead of warning.")
    var strict = false

    @Option(name: .customLong("threshold-form"), help: ArgumentHelp(
        "How threshold ops (Brevitas and FINN activations) count the thresholds reached: bank (comparators), affine (a multiply-add-shift, where one is proven equal on every input code) or auto (the cheaper netlist); default auto (docs/import-export.md).",
        valueName: "form"))
    var thresholdForm: String = "auto"

    /// The model and how to read it (exit 2 naming `--threshold-form` when its value is not a form).
    var source: ModelSource {
        get throws {
            var s = ModelSource(path: model, inputType: inputType, precision: precision, strict: strict)
            s.thresholdForm = try named(thresholdForm, option: "--threshold-form")
            return s
        }
    }
}

/// The RTL size limit of the commands that emit Verilog.
struct RTLSizeOptions: ParsableArguments {
    @Option(name: .customLong("max-rtl-size"), help: ArgumentHelp(
        "Refuse to emit Verilog for a layer estimated above this many terms (signed digits of the weights, adders, ROM words); default \(CompilerDriver.defaultMaxRTLSize), about a minute and 500 MB.",
        valueName: "terms"))
    var maxRTLSize: Int?

    /// The limit given, or the default.
    var limit: Int { maxRTLSize ?? CompilerDriver.defaultMaxRTLSize }
}

/// How the Verilog is built: the FPGA family whose delays pipeline it, and
/// whether the softmax's products may use DSP blocks.
struct FamilyOptions: ParsableArguments {
    @Option(help: ArgumentHelp("FPGA family whose adder and LUT delays set the Verilog pipeline: "
        + CompilerDriver.familyNames.joined(separator: " or ") + " (7-series, UltraScale+; docs/verilog-backend.md); default "
        + CompilerDriver.defaultFamily.rawValue + ".",
        valueName: "family"))
    var family: String?

    @Flag(name: .customLong("softmax-dsp"), help: "Put the softmax's products on DSP blocks; by default they are built from adders and a softmax uses no DSP.")
    var dsp = false

    @Option(help: ArgumentHelp("Where two adders in a row become one ternary adder (Xilinx LUT6_2 and CARRY4/CARRY8 primitives: one LUT per bit for three operands): "
        + "all (wherever it saves LUTs; the latency may grow), latency (only where the pipeline keeps its cycles and registers) "
        + "or off (binary adders only, plain Verilog); default " + CompilerDriver.defaultTernaryAdders.rawValue + ".",
        valueName: "where"))
    var ternaryAdders: String?

    /// What was chosen, the values read as the driver's enums (exit 2 naming
    /// the option and the accepted values otherwise); nil fields were not given.
    func choice() throws -> RTLChoice {
        RTLChoice(family: try family.map { try named($0, option: "--family") }, softmaxDSP: dsp,
                  ternaryAdders: try ternaryAdders.map { try named($0, option: "--ternary-adders") })
    }
}

/// The case of `T` an option's value names; otherwise exit 2 with a message
/// naming the option and the accepted values.
func named<T: RawRepresentable & CaseIterable>(_ value: String, option: String) throws -> T where T.RawValue == String {
    guard let v = T(rawValue: value) else {
        throw fail(.option("\(option) must be one of: " + T.allCases.map(\.rawValue).joined(separator: ", ") + ", not '\(value.prefix(100))'"))
    }
    return v
}

/// Prints lines to standard output.
func printLines(_ lines: [String]) {
    for line in lines { print(line) }
}

/// Runs a simulation command's driver call and prints its lines; exits with
/// the mismatch's code when an output differs (after the lines, which list
/// the first mismatches), or with the error's code when it could not run.
func runSimulation(_ simulate: () async throws(DriverError) -> SimulationOutcome) async throws {
    do throws(DriverError) {
        let outcome = try await simulate()
        printLines(outcome.lines)
        if let mismatch = outcome.mismatch { throw mismatch }
    } catch {
        throw fail(error)
    }
}

/// Prints a line to standard error, or to standard output when that is free.
func note(_ message: String, onStandardError: Bool) {
    (onStandardError ? FileHandle.standardError : FileHandle.standardOutput).write(Data((message + "\n").utf8))
}

/// Prints a driver error the way every command does and exits with its code;
/// `command` names the subcommand in the prefix (`hepml-compile train: error:`).
func fail(_ error: DriverError, command: String? = nil) -> ExitCode {
    let prefix = command.map { "hepml-compile \($0)" } ?? "hepml-compile"
    FileHandle.standardError.write(Data("\(prefix): error: \(error)\n".utf8))
    return ExitCode(error.exitCode)
}

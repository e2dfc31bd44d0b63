import ArgumentParser
import Driver

struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Run the bit-exact fixed-point reference (or the float model) on events from a CSV or .npy file.",
        discussion: """
        Events are read, evaluated on every core and written in blocks: memory stays flat whatever
        the file's size. An output path ending in .npy gets a NumPy array (float64; with --raw,
        int32 codes, or int64 when an output type is wider than 32 bits); anything else gets CSV.
        A bad event stops the run with its row named and leaves no output file.
        """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Input events, one per row (CSV, or .npy by extension).")
    var input: String

    @Option(help: "Where to write the outputs (CSV, or .npy by extension; - for standard output).")
    var output: String

    @Flag(help: "Evaluate the unquantized float model instead of the fixed-point reference.")
    var float = false

    @Flag(help: "Write raw integer codes instead of real values (fixed-point only).")
    var raw = false

    @Option(help: "Threads for reading and evaluating (default: every core).")
    var threads: Int = CompilerDriver.defaultThreads

    @Flag(help: "No progress line on standard error (it only appears on a terminal, after 2 s).")
    var quiet = false

    @Flag(name: .customLong("input-codes"), help: "The events of inputs quantized by a float-scale or bipolar Quant are its integer codes already (by default they are float values, quantized as the QONNX executor does).")
    var inputCodes = false

    func run() async throws {
        var options = PredictOptions(model: try modelOptions.source, input: input, output: output)
        options.inputCodes = inputCodes
        options.float = float
        options.raw = raw
        options.threads = threads
        options.quiet = quiet
        do {
            let result = try CompilerDriver.predict(options)
            // The data owns standard output when it goes there.
            note(result.message, onStandardError: result.dataOnStandardOutput)
        } catch {
            throw fail(error)
        }
    }
}

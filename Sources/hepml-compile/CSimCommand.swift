import ArgumentParser
import Driver

/// `hepml-compile csim`: the generated HLS C++, compiled with g++ against the
/// open ap_types headers, run on events from a CSV file and compared bit by
/// bit with the Swift reference (C simulation without Vitis).
struct CSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csim",
        abstract: "C-simulate the generated HLS project with g++ and compare every output bit with the reference.",
        discussion: """
        Given a model file, emits the HLS firmware; given a compiled folder (hls-out/<model>, or the compiler's --out DIR), \
        compiles the hls/firmware/ files in it as they are, against the reference of its lowered.txt, with the reuse factor \
        of its design.json, and names on stderr any file that differs from its hepml-manifest.json (edited by hand). \
        Compiles the firmware with a small harness (g++ -std=c++17 -O1; cached: the same \
        sources are not rebuilt), runs it on the events, writes the outputs (real values) and prints the \
        number of output codes that differ from the bit-exact Swift reference and the events per second. \
        The ap_types headers come from --ap-types, else $HEPML_AP_TYPES, else the hls4ml Python package \
        (scripts/setup.sh installs it). Exits with 5 when any output differs, 3 when g++ or the headers are missing.
        """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Input events, one per row (CSV).")
    var input: String

    @Option(help: "Where to write the C simulation's outputs (CSV, or .npy by extension; real values, one row per event).")
    var output: String

    @Option(name: .customLong("ap-types"), help: ArgumentHelp("Folder holding ap_fixed.h (default: $HEPML_AP_TYPES, else the hls4ml package's templates/vivado/ap_types).", valueName: "dir"))
    var apTypes: String?

    @Option(help: "HLS reuse factor: 1 (the default) is the latency strategy, larger the resource strategy. Only for a model file.")
    var reuse: Int?

    @Option(help: ArgumentHelp("Folder for the compiled simulations (cached by source hash); default: the per-user cache, $XDG_CACHE_HOME/hepml-compile or ~/.cache/hepml-compile; it must be yours and not writable by others.", valueName: "dir"))
    var work: String?

    func validate() throws {
        if let m = CountLimits.message(reuse ?? 1, "--reuse", limit: CountLimits.reuse) { throw ValidationError(m) }
    }

    @Flag(name: .customLong("input-codes"), help: "The events of inputs quantized by a float-scale or bipolar Quant are its integer codes already (by default they are float values, quantized as the QONNX executor does).")
    var inputCodes = false

    func run() async throws {
        var options = CSimOptions(model: try modelOptions.source, input: input, output: output)
        options.inputCodes = inputCodes
        options.apTypes = apTypes
        options.reuse = reuse
        options.work = work
        try await runSimulation { () async throws(DriverError) in try await CompilerDriver.cSimulate(options) }
    }
}

import ArgumentParser
import Driver

/// `hepml-compile simulate`: the generated Verilog, simulated with Verilator
/// on events from a CSV file and compared bit by bit with the Swift reference.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate the generated Verilog with Verilator and compare every output bit with the reference.",
        discussion: """
        Given a model file, emits the pipelined RTL; given a compiled folder (hls-out/<model>, or the compiler's --out DIR), \
        simulates the rtl/ files in it as they are, against the reference of its lowered.txt and the latency of its design.json, \
        and names on stderr any file that differs from its hepml-manifest.json (edited by hand). \
        --clock-ns, --family, --softmax-dsp and --max-rtl-size apply only to a model file. \
        Builds the RTL with its C++ testbench (optimized with -O2 unless --quick-build; \
        cached: the same design is not rebuilt), streams the events one per clock through a binary file, writes the outputs (real values) and prints the measured latency, \
        the simulation speed and the number of output codes that differ from the bit-exact Swift reference. \
        Exits with 5 when any differs, 3 when Verilator is not installed.
        """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Input events, one per row (CSV, or .npy by extension).")
    var input: String

    @Option(help: "Where to write the RTL outputs (CSV, or .npy by extension; real values, one row per event).")
    var output: String

    @Option(name: .customLong("clock-ns"), help: "Target clock period in ns (0.1 to 1000; default 5); sets the logic depth per pipeline stage.")
    var clockNs: Double?

    @OptionGroup var rtlSize: RTLSizeOptions

    @OptionGroup var familyOptions: FamilyOptions

    @Option(help: ArgumentHelp("Folder for the Verilator builds (cached by design); default: the per-user cache, $XDG_CACHE_HOME/hepml-compile or ~/.cache/hepml-compile; it must be yours and not writable by others.", valueName: "dir"))
    var work: String?

    @Option(help: "Parallel C++ compile jobs for the Verilator build.")
    var jobs: Int = 2

    @Flag(help: "Compile the Verilated C++ without optimization (-O0): builds several times faster, simulates several times slower.")
    var quickBuild = false

    @Flag(name: .customLong("primitive-adders"), help: "Simulate the ternary adders as the Xilinx LUT6_2 and CARRY4/CARRY8 primitives they are built of (rtl/sim/ models), as synthesis builds them: about ten times slower to build and run. By default they are simulated as the sums the primitives are proved to compute (docs/verilog-backend.md).")
    var primitiveAdders = false

    @Option(help: ArgumentHelp("layer=N (repeatable): that convolution computes its output positions N at a time (docs/verilog-backend.md); only for a model file.", valueName: "layer=N"))
    var reuse: [String] = []

    @Option(name: .customLong("verilator-threads"), help: "Threads of the Verilated model (Verilator --threads); 1 is fastest for small designs.")
    var verilatorThreads: Int = 1

    func validate() throws {
        if let m = CountLimits.message(jobs, "--jobs", limit: CountLimits.threads) { throw ValidationError(m) }
        if let m = CountLimits.message(verilatorThreads, "--verilator-threads", limit: CountLimits.threads) { throw ValidationError(m) }
    }

    @Flag(name: .customLong("input-codes"), help: "The events of inputs quantized by a float-scale or bipolar Quant are its integer codes already (by default they are float values, quantized as the QONNX executor does).")
    var inputCodes = false

    func run() async throws {
        var options = SimulateOptions(model: try modelOptions.source, input: input, output: output)
        options.inputCodes = inputCodes
        options.clockNs = clockNs
        options.maxRTLSize = rtlSize.maxRTLSize
        options.rtl = try familyOptions.choice()
        options.work = work
        options.jobs = jobs
        options.quickBuild = quickBuild
        options.primitiveAdders = primitiveAdders
        options.verilatorThreads = verilatorThreads
        do throws(DriverError) {
            let reuse = try CompilerDriver.parseReuse(self.reuse)
            if reuse.global != nil { throw DriverError.option("simulate --reuse takes layer=N (the Verilog has no global reuse factor)") }
            options.model.layerReuse = reuse.layers
        } catch { throw fail(error) }
        try await runSimulation { () async throws(DriverError) in try await CompilerDriver.simulate(options) }
    }
}

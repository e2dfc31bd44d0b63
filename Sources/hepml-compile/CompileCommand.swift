import ArgumentParser
import Driver

struct CompileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Compile a model into hls-out/<model name>/ (the default command).")

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "What to emit: fpga (HLS C++ and Verilog), hls, or verilog.")
    var target: String = "fpga"

    @Option(help: "Output folder (default: hls-out/<model name>). An existing folder is replaced only if hepml-compile wrote it.")
    var out: String?

    @Flag(help: "Replace the output folder even if it holds files hepml-compile did not write (never /, home, the working folder or the model's folder).")
    var force = false

    @Option(name: .customLong("clock-ns"), help: "Target clock period in ns (0.1 to 1000; default 5); sets the pipeline depth of the Verilog and the HLS clock.")
    var clockNs: Double?

    @Option(name: .customLong("latency-cycles"), help: "Ask for a latency instead of a clock: the least logic per stage that reaches it, and the clock it implies, are chosen and reported.")
    var latencyCycles: Int?

    @Option(help: ArgumentHelp("N: the HLS reuse factor (1 is fully parallel, the latency strategy; larger shares multipliers, the resource strategy). "
        + "layer=N (repeatable): that convolution computes its output positions N at a time through ceil(positions/N) kernels, in the Verilog "
        + "(the design then accepts an event every N cycles) and in the HLS (its reuse factor); docs/verilog-backend.md.", valueName: "N|layer=N"))
    var reuse: [String] = []

    @OptionGroup var rtlSize: RTLSizeOptions

    @OptionGroup var familyOptions: FamilyOptions

    @Option(name: .customLong("test-input"), help: "Events (CSV or .npy) to ship as the HLS testbench's vectors (default: a seeded random sample).")
    var testInput: String?

    func run() async throws {
        var options = CompileOptions(model: try modelOptions.source)
        let reuse: (global: Int?, layers: [String: Int])
        do { reuse = try CompilerDriver.parseReuse(self.reuse) } catch { throw fail(error) }
        options.model.layerReuse = reuse.layers
        options.target = try named(target, option: "--target")
        options.out = out
        options.force = force
        options.clockNs = clockNs
        options.latencyCycles = latencyCycles
        options.reuse = reuse.global ?? 1
        options.maxRTLSize = rtlSize.limit
        options.testInput = testInput
        options.rtl = try familyOptions.choice()
        do {
            printLines(try CompilerDriver.compile(options).lines)
        } catch {
            throw fail(error)
        }
    }
}

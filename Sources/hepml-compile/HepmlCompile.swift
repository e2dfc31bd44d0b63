import ArgumentParser

/// The `hepml-compile` command: compiles by default, with subcommands for
/// the other steps of the flow.
@main
struct HepmlCompile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hepml-compile",
        abstract: "Compile small neural networks for L1 triggers to bit-exact fixed-point HLS C++ and Verilog.",
        discussion: """
        Typical flow:
          hepml-compile model.json --target fpga          # writes hls-out/<model>/{hls,rtl}
          hepml-compile predict model.json --input x.csv --output y.csv
          hepml-compile simulate model.json --input x.csv --output y.csv   # Verilator, bit-exact check
          hepml-compile csim model.json --input x.csv --output y.csv       # HLS C simulation

        Exit codes: 0 success, 2 bad model/data/options, 3 a required tool is not installed,
        4 a tool or file operation failed, 5 a bit mismatch between implementations.
        """,
        subcommands: [CompileCommand.self, PredictCommand.self] + extraCommands,
        defaultSubcommand: CompileCommand.self)
}

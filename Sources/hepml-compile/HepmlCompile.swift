import ArgumentParser
import Driver
import Foundation

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

        Exit codes: 0 success, 2 bad model/data/options (usage errors included), 3 a required tool
        or part of the installation is missing, 4 a tool or file operation failed, 5 a bit mismatch
        between implementations, 128+N stopped by signal N.
        """,
        subcommands: [CompileCommand.self, PredictCommand.self] + extraCommands,
        defaultSubcommand: CompileCommand.self)

    /// ArgumentParser's own entry point, with two changes: a usage error
    /// exits 2, as the README's table says (ArgumentParser uses 64), and an
    /// interrupt stops the external tools and removes scratch folders.
    static func main() async {
        InterruptHandling.install()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            InterruptHandling.pauseIfStopping()
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

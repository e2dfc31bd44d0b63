import ArgumentParser
import Driver

/// `hepml-compile train --config train.json`: trains a model from a config
/// (docs/training.md) and writes model.json, the loss curves and test vectors.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model (float, post-training quantized or quantization-aware) and write model.json.",
        discussion: """
        The config (JSON, see docs/training.md) names the data (a built-in generator or CSV/.npy files),
        the layers, the training settings and the quantization. Relative paths are resolved against the
        config file's folder. Prints one line per epoch with the train and validation loss.
        """)

    @Option(help: "Training configuration (JSON).")
    var config: String

    @Option(help: "Override the number of float training epochs.")
    var epochs: Int?

    @Option(help: "Override the number of generated events.")
    var events: Int?

    @Option(help: "Override where model.json is written (relative to the config's folder).")
    var output: String?

    @Flag(help: "Print only the summary.")
    var quiet = false

    func run() throws {
        var options = TrainOptions(config: config)
        options.epochs = epochs
        options.events = events
        options.output = output
        options.quiet = quiet
        do {
            printLines(try CompilerDriver.train(options).lines)
        } catch {
            throw fail(error, command: "train")
        }
    }
}

import ArgumentParser
import Foundation
import Training

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
        var cfg: TrainConfig
        do { cfg = try TrainConfig.load(path: config) } catch { throw Self.fail(error.description) }
        if let epochs {
            if cfg.training == nil { cfg.training = try? JSONDecoder().decode(TrainConfig.TrainingSection.self, from: Data("{}".utf8)) }
            cfg.training?.epochs = epochs
        }
        if let events { cfg.data.events = events }
        if let output {
            if cfg.output == nil { cfg.output = try? JSONDecoder().decode(TrainConfig.OutputSection.self, from: Data("{}".utf8)) }
            cfg.output?.model = output
        }
        let base = (config as NSString).deletingLastPathComponent
        let run = TrainingRun(config: cfg, baseDirectory: base.isEmpty ? "." : base)
        let start = Date()
        let quiet = self.quiet
        let result: TrainingRun.Result
        do {
            result = try run.run { phase, record, total in
                guard !quiet else { return }
                let done = record.epoch + 1
                let width = 20
                let filled = total > 0 ? done * width / total : width
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: max(0, width - filled))
                // Written unbuffered so that a long run shows each epoch as it ends.
                let line = String(format: "[%@] %@ epoch %3d/%-3d  train %.5f  val %.5f  lr %.2e  %.1f s\n",
                                  phase, bar, done, total, record.trainLoss, record.validationLoss, record.learningRate, record.seconds)
                FileHandle.standardOutput.write(Data(line.utf8))
            }
        } catch {
            throw Self.fail(error.description)
        }
        let h = result.floatHistory
        if h.stoppedEarly { print("early stopping: best validation loss in epoch \(h.bestEpoch + 1)") }
        print(String(format: "trained '%@' in %.1f s; wrote %@", cfg.name, Date().timeIntervalSince(start),
                     result.writtenFiles.joined(separator: ", ")))
    }

    static func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("hepml-compile train: error: \(message)\n".utf8))
        return ExitCode(2)
    }
}

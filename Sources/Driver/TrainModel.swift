import Foundation
import Training

/// `hepml-compile train`: a training config and the settings that override it.
public struct TrainOptions: Sendable {
    /// The training configuration (JSON, docs/training.md).
    public var config: String
    /// Float training epochs, instead of the config's.
    public var epochs: Int?
    /// Generated events, instead of the config's.
    public var events: Int?
    /// Where model.json is written (relative to the config's folder), instead of the config's.
    public var output: String?
    /// Only the summary: no line per epoch.
    public var quiet = false

    public init(config: String) { self.config = config }
}

/// A finished training run, as the lines the command prints.
public struct TrainResult: Sendable {
    public var lines: [String]
}

/// A setting of the config that training refused, with the config's path in
/// front (the settings are checked as the run builds the network and reads
/// the data, after the file was decoded).
func inConfig(_ error: TrainingError, _ path: String) -> TrainingError {
    guard case .invalidSetting(let message) = error, !message.hasPrefix(path + ":") else { return error }
    return .invalidSetting("\(path): \(message)")
}

extension CompilerDriver {
    /// Trains a model from its config and writes model.json, the loss curves
    /// and test vectors; each epoch is a line on the console as it ends
    /// (unless ``TrainOptions/quiet``).
    public static func train(_ options: TrainOptions, console: Console = .standard) throws(DriverError) -> TrainResult {
        var cfg: TrainConfig
        do { cfg = try TrainConfig.load(path: options.config) } catch { throw .training(error) }
        if options.epochs != nil, cfg.model != nil {
            throw .option("--epochs: a forest (model.forest) trains no epochs; its rounds are model.forest.trees")
        }
        if let epochs = options.epochs {
            if cfg.training == nil { cfg.training = try? JSONDecoder().decode(TrainConfig.TrainingSection.self, from: Data("{}".utf8)) }
            cfg.training?.epochs = epochs
        }
        if let events = options.events { cfg.data.events = events }
        if let output = options.output {
            if cfg.output == nil { cfg.output = try? JSONDecoder().decode(TrainConfig.OutputSection.self, from: Data("{}".utf8)) }
            cfg.output?.model = output
        }
        let base = (options.config as NSString).deletingLastPathComponent
        let run = TrainingRun(config: cfg, baseDirectory: base.isEmpty ? "." : base)
        let start = Date()
        let quiet = options.quiet
        let progress: TrainingRun.Progress = { phase, record, total in
            guard !quiet else { return }
            let done = record.epoch + 1
            let width = 20
            let filled = total > 0 ? done * width / total : width
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: max(0, width - filled))
            let unit = phase == "forest" ? "tree " : "epoch"
            console.write(String(format: "[%@] %@ %@ %3d/%-3d  train %.5f  val %.5f  lr %.2e  %.1f s\n",
                                 phase, bar, unit, done, total, record.trainLoss, record.validationLoss, record.learningRate, record.seconds))
        }
        if cfg.model != nil {
            let forest: TrainingRun.ForestResult
            do { forest = try run.runForest(progress: progress) } catch { throw .training(inConfig(error, options.config)) }
            let trees = forest.history.count
            return TrainResult(lines: [String(format: "trained forest '%@' (%d trees) in %.1f s; wrote %@", cfg.name, trees,
                                              Date().timeIntervalSince(start), forest.writtenFiles.joined(separator: ", "))])
        }
        let result: TrainingRun.Result
        do {
            result = try run.run(progress: progress)
        } catch {
            throw .training(inConfig(error, options.config))
        }
        var lines: [String] = []
        let h = result.floatHistory
        if h.stoppedEarly { lines.append("early stopping: best validation loss in epoch \(h.bestEpoch + 1)") }
        lines.append(String(format: "trained '%@' in %.1f s; wrote %@", cfg.name, Date().timeIntervalSince(start),
                            result.writtenFiles.joined(separator: ", ")))
        return TrainResult(lines: lines)
    }
}

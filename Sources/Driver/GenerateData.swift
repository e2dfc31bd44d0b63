import Datasets
import FileSafety
import Foundation
import TensorIO
import Training

/// `hepml-compile generate`: a built-in data set written to files.
public struct GenerateOptions: Sendable {
    /// A name of ``Datasets/GeneratedData/names``.
    public var generator: String
    public var events: Int
    public var seed: UInt64
    /// Events: `.npy` (float64, shaped `(events, *event shape)`) or CSV (one flat row an event).
    public var output: String
    /// Labels, one column, when the set has them.
    public var labels: String?

    public init(generator: String, events: Int, seed: UInt64, output: String) {
        self.generator = generator
        self.events = events
        self.seed = seed
        self.output = output
    }
}

extension CompilerDriver {
    /// Generates the named set and writes it; returns the line to print.
    /// An unknown name or an event count beyond memory is bad input (exit 2).
    public static func generate(_ options: GenerateOptions) throws(DriverError) -> String {
        guard let shape = GeneratedData.eventShape(of: options.generator) else {
            throw .option("--generator: unknown generator '\(options.generator)'; known: \(GeneratedData.names.joined(separator: ", "))")
        }
        let values = shape.reduce(1, *)
        let most = TrainLimits.maxDataValues / values
        guard options.events >= 1, options.events <= most else {
            throw .option("--events must be in 1...\(most) for \(options.generator) (\(values) values an event), got \(options.events)")
        }
        guard let data = GeneratedData.make(options.generator, count: options.events, seed: options.seed) else {
            throw .option("--generator: unknown generator '\(options.generator)'")
        }
        if options.labels != nil && data.labels == nil {
            throw .option("--labels: \(options.generator) has no labels")
        }
        do throws(FileSafetyError) {
            try EventFile.write(data.features, to: options.output, eventShape: shape)
            if let labelsPath = options.labels, let labels = data.labels {
                try EventFile.write(EventTable(rows: labels.count, columns: 1, values: labels.map(Double.init)), to: labelsPath)
            }
        } catch {
            throw .refused(error)
        }
        let shapeText = "[" + shape.map(String.init).joined(separator: ", ") + "]"
        return "\(options.generator): \(options.events) events of shape \(shapeText) (seed \(options.seed)) written to \(options.output)"
            + (options.labels.map { ", labels to \($0)" } ?? "")
    }
}

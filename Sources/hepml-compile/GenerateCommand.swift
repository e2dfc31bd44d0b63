import ArgumentParser
import Driver

/// `hepml-compile generate`: writes a built-in data set to files.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a built-in generated data set (docs/datasets.md) to a .npy or CSV file.",
        discussion: """
        The events of --generator with --seed, exactly as train.json's data.generator and
        physics --generator make them. A .npy output has the shape of an event after the event
        axis: (events, 16, 4) for jet_constituents, (events, 18, 14, 1) for the calorimeter sets;
        CSV gets one flat row an event (C order). --labels writes the class indices, one column.
        """)

    @Option(help: "The data set: jet_tagging, jet_constituents, jet_constituents_hlf, track_quality, l1_background, l1_<process>, calo_<process>.")
    var generator: String

    @Option(help: "Events to generate.")
    var events = 10_000

    @Option(help: "Generator seed.")
    var seed: UInt64 = 1

    @Option(help: "Where to write the events (.npy by extension, else CSV; - for standard output).")
    var output: String

    @Option(help: "Where to write the labels (one column of class indices).")
    var labels: String?

    func run() throws {
        var options = GenerateOptions(generator: generator, events: events, seed: seed, output: output)
        options.labels = labels
        do {
            note(try CompilerDriver.generate(options), onStandardError: output == "-")
        } catch {
            throw fail(error, command: "generate")
        }
    }
}

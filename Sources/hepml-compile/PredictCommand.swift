import ArgumentParser
import Driver
import FileSafety
import Foundation
import Reference
import TensorIO

struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Run the bit-exact fixed-point reference (or the float model) on events from a CSV file.")

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Input events, one per row (CSV).")
    var input: String

    @Option(help: "Where to write the outputs (CSV, one row per event; - for standard output).")
    var output: String

    @Flag(help: "Evaluate the unquantized float model instead of the fixed-point reference.")
    var float = false

    @Flag(help: "Write raw integer codes instead of real values (fixed-point only).")
    var raw = false

    func run() async throws {
        do {
            try OutputWriter.refuseOverwriting(output, inputs: [modelOptions.model, input])
            let loaded = try modelOptions.load()
            let events = try CompilerDriver.readEvents(path: input, for: loaded.model)
            let result: EventTable
            if float {
                result = FloatEvaluator(loaded.graph).run(events)
            } else if raw {
                let rows = FixedPointEvaluator(loaded.model).runRaw(events)
                result = EventTable(rows.map { $0.map(Double.init) })
            } else {
                result = FixedPointEvaluator(loaded.model).run(events)
            }
            do { try OutputFile.write(CSVTable.format(result), to: output) } catch { throw DriverError.refused(error) }
            let note = "\(float ? "float" : "fixed-point") outputs of \(events.rows) events written to \(output == "-" ? "standard output" : output)\n"
            // The data owns standard output when it goes there.
            (output == OutputFile.standardOutput ? FileHandle.standardError : FileHandle.standardOutput).write(Data(note.utf8))
        } catch let error as DriverError {
            throw fail(error)
        }
    }
}

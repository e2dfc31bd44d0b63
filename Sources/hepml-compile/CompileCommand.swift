import ArgumentParser
import Driver
import Foundation

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

    @Option(help: "HLS reuse factor: 1 is fully parallel (latency strategy), larger shares multipliers (resource strategy).")
    var reuse: Int = 1

    @OptionGroup var rtlSize: RTLSizeOptions

    @OptionGroup var familyOptions: FamilyOptions

    @Option(name: .customLong("test-input"), help: "Events (CSV or .npy) to ship as the HLS testbench's vectors (default: a seeded random sample).")
    var testInput: String?

    func run() async throws {
        do {
            guard let target = CompileTarget(rawValue: target) else {
                throw DriverError.option("--target must be one of: " + CompileTarget.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if let clockNs { try CompileOptions.checkClock(clockNs) }
            if clockNs != nil && latencyCycles != nil {
                throw DriverError.option("give --clock-ns or --latency-cycles, not both: a latency implies the clock")
            }
            try rtlSize.checkOption()
            guard reuse >= 1 else { throw DriverError.option("--reuse must be at least 1") }
            let family = try familyOptions.parsed()
            let loaded = try modelOptions.load()
            var options = CompileOptions(target: target, clockNs: clockNs ?? 5.0, reuseFactor: reuse)
            options.family = family
            options.dspMultipliers = familyOptions.dsp
            if let latencyCycles {
                let (chosen, found) = try CompileOptions.forLatency(latencyCycles, model: loaded.model, target: target, family: family,
                                                                    dspMultipliers: familyOptions.dsp, reuseFactor: reuse)
                options = chosen
                print(String(format: "--latency-cycles %d: %.3f ns of logic per stage gives %d cycles; that implies a clock of %.3f ns (%.0f MHz) "
                             + "with \(family.rawValue) delays (docs/verilog-backend.md)", latencyCycles, Double(found.stageBudget) / 1000, found.latency,
                             found.clockNs, 1000 / found.clockNs))
            }
            options.maxRTLSize = rtlSize.maxRTLSize
            if let testInput { options.testInputs = try CompilerDriver.readEvents(path: testInput, for: loaded.model) }
            let design = try Compiler.compile(loaded, options: options)
            let folder = out ?? "hls-out/\(loaded.model.name)"
            try OutputWriter.replaceFolder(folder, with: design.files, force: force,
                                           protecting: [modelOptions.model] + (testInput.map { [$0] } ?? []))
            for line in design.summary { print(line) }
            print("wrote \(design.files.count) files to \(folder)/")
            for f in design.files { print("  \(f.path)") }
        } catch let error as DriverError {
            throw fail(error)
        }
    }
}

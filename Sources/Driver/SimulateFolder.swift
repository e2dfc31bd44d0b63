import FileSafety
import Foundation
import HLSBackend
import Simulation
import TensorIO

/// `simulate DIR` and `csim DIR`: the sources of a compiled folder, built as
/// they are (perhaps edited by hand) and compared with the reference of its
/// `lowered.txt`. The folder is only read: builds go to the build cache,
/// outputs to `--output`, which may not lie inside it.
extension CompilerDriver {
    /// Simulates the folder's `rtl/` with Verilator; the expected latency is design.json's.
    static func simulateFolder(_ options: SimulateOptions, console: Console) async throws(DriverError) -> SimulationOutcome {
        var given: [String] = []
        if options.clockNs != nil { given.append("--clock-ns") }
        // The command sets `rtl` only when --family, --softmax-dsp or --ternary-adders is given.
        if let rtl = options.rtl {
            let ternary = rtl.ternaryAdders != defaultTernaryAdders
            if rtl.family != defaultFamily || (!rtl.softmaxDSP && !ternary) { given.append("--family") }
            if rtl.softmaxDSP { given.append("--softmax-dsp") }
            if ternary { given.append("--ternary-adders") }
        }
        if options.maxRTLSize != nil { given.append("--max-rtl-size") }
        try refuseEmittingOptions(given, model: options.model, command: "simulate")
        try refuseWritingInto(options.model.path, output: options.output, work: options.work, input: options.input)

        var folder = try DesignFolder(options.model.path)
        guard let rtl = folder.descriptor.rtl else {
            throw .option("\(folder.path) holds no Verilog design (it was compiled with --target hls); compile it with --target fpga or verilog")
        }
        let models = rtl.simulationModels ?? []
        let files = try folder.sources(models + rtl.verilogFiles + [rtl.testbench], under: "rtl")
        if let warning = folder.unlistedWarning { console.warn(warning) }
        if let warning = folder.editedWarning { console.warn(warning) }
        let events = try readEvents(path: options.input, for: folder.model)
        let relative = { (path: String) in String(path.dropFirst("rtl/".count)) }
        var sources = RTLSources(topModule: rtl.topModule, latency: rtl.latencyCycles, files: files,
                                 verilogFiles: (models + rtl.verilogFiles).map(relative), testbenchFile: relative(rtl.testbench))
        sources.initiationInterval = rtl.initiationInterval ?? 1
        var simulation = VerilatorSimulation(sources: sources, model: folder.model, cacheDirectory: options.work, jobs: options.jobs,
                                             profile: options.quickBuild ? .quickBuild : .fastSimulation, threads: options.verilatorThreads)
        simulation.primitiveAdders = options.primitiveAdders
        return try await run(simulation, on: events, output: options.output, latencyFrom: DesignDescriptor.fileName)
    }

    /// C-simulates the folder's `hls/firmware/` with a harness emitted for its lowered model.
    static func cSimulateFolder(_ options: CSimOptions, console: Console) async throws(DriverError) -> SimulationOutcome {
        try refuseEmittingOptions(options.reuse != nil ? ["--reuse"] : [], model: options.model, command: "csim")
        try refuseWritingInto(options.model.path, output: options.output, work: options.work, input: options.input)

        var folder = try DesignFolder(options.model.path)
        guard let hls = folder.descriptor.hls else {
            throw .option("\(folder.path) holds no HLS project (it was compiled with --target verilog); compile it with --target fpga or hls")
        }
        let function = HLSEmitter.topFunction(folder.model)
        guard hls.topFunction == function else {
            throw .option("\(folder.path)/\(DesignDescriptor.fileName) names the top function \(hls.topFunction), "
                + "but the model of its lowered.txt gives \(function)")
        }
        let firmware = try folder.sources(hls.firmware, under: "hls")
        if let warning = folder.unlistedWarning { console.warn(warning) }
        if let warning = folder.editedWarning { console.warn(warning) }
        let events = try readEvents(path: options.input, for: folder.model)
        let simulation: CSimulation
        do {
            simulation = try CSimulation(model: folder.model, options: HLSOptions(reuseFactor: hls.reuseFactor, clockNs: hls.clockNs),
                                         firmware: firmware, apTypes: options.apTypes, cacheDirectory: options.work)
        } catch {
            throw DriverError(error)
        }
        return try await run(simulation, on: events, output: options.output)
    }

    /// Refuses options that only shape an emitted design, and the model
    /// options that only apply to reading a model file.
    static func refuseEmittingOptions(_ given: [String], model: ModelSource, command: String) throws(DriverError) {
        var all = given
        if model.inputType != nil { all.append("--input-type") }
        if model.precision != ModelSource.defaultPrecision { all.append("--precision") }
        if model.strict { all.append("--strict") }
        if !model.layerReuse.isEmpty { all.append("--reuse") }
        guard !all.isEmpty else { return }
        throw .option("\(all.joined(separator: ", ")) \(all.count == 1 ? "applies" : "apply") to a model file, not to a compiled folder: "
            + "\(model.path) was compiled with its own settings (see its \(DesignDescriptor.fileName)); "
            + "compile the model again to change them, or run \(command) on the model file")
    }

    /// Refuses an `--output` or `--work` inside the design folder: simulating
    /// it writes nothing there.
    static func refuseWritingInto(_ folder: String, output: String, work: String?, input: String) throws(DriverError) {
        let root = OutputWriter.absolute(folder)
        var written = [("--work", work)]
        if output != OutputFile.standardOutput { written.append(("--output", .some(output))) }
        for case let (option, path?) in written {
            if OutputWriter.contains(root, OutputWriter.absolute(path)) {
                throw .refused(.refused(path: path, reason: "\(option) lies inside the design folder \(folder), which simulation only reads; choose another place"))
            }
        }
        try OutputWriter.refuseOverwriting(output, inputs: [input])
    }
}

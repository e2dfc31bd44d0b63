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
        var given = options.clockNs != nil ? ["--clock-ns"] : []
        given += options.rtl.given
        if options.maxRTLSize != nil { given.append("--max-rtl-size") }
        try refuseEmittingOptions(given, model: options.model, command: "simulate")
        try refuseWritingInto(options.model.path, output: options.output, work: options.work, input: options.input)

        var folder = try DesignFolder(options.model.path)
        guard let rtl = folder.descriptor.rtl else {
            throw .option("\(folder.path) holds no Verilog design (it was compiled with --target hls); compile it with --target fpga or verilog")
        }
        let files = try folder.sources(rtl.simulationModels + rtl.verilogFiles + [rtl.testbench], in: DesignDescriptor.rtlFolder)
        if let warning = folder.unlistedWarning { console.warn(warning) }
        if let warning = folder.editedWarning { console.warn(warning) }
        let events = try readEvents(path: options.input, for: folder.model)
        let sources = RTLSources(record: rtl, files: files)
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
        let firmware = try folder.sources(hls.firmware, in: DesignDescriptor.hlsFolder)
        if let warning = folder.unlistedWarning { console.warn(warning) }
        if let warning = folder.editedWarning { console.warn(warning) }
        let events = try readEvents(path: options.input, for: folder.model)
        let simulation: CSimulation
        do {
            simulation = try CSimulation(model: folder.model, options: hls.options, firmware: firmware, apTypes: options.apTypes, cacheDirectory: options.work)
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

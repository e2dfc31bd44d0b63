import ModelIR
import VerilogBackend

/// What Verilator builds: the files of one design and its record (the top
/// module, the latency and II the generator reported, the files in compile
/// order). Made from a freshly emitted ``VerilogDesign``, or from the files
/// and `design.json` record of a compiled folder (`simulate DIR`): the same
/// record either way.
public struct RTLSources: Sendable {
    /// The design as the Verilog backend described it (paths relative to the build folder).
    public var record: RTLRecord
    /// Every file, paths relative to the build folder.
    public var files: [GeneratedFile]

    public init(record: RTLRecord, files: [GeneratedFile]) {
        self.record = record
        self.files = files
    }

    /// The sources of an emitted design: the files the build reads (the
    /// primitives' simulation models, the Verilog, the testbench), not
    /// `netlist.txt`, which is for the reader. The same design read from a
    /// compiled folder (`simulate DIR`) is then the same build, found in
    /// the cache, not built again.
    public init(_ design: VerilogDesign) {
        let read = Set(design.simulationModels + design.verilogFiles + [design.testbenchFile])
        self.init(record: design.record, files: design.files.filter { read.contains($0.path) })
    }

    /// The top module's name.
    public var topModule: String { record.topModule }
    /// Clock cycles from `in_valid` to the matching `out_valid`, as the
    /// generator reported them; the simulation measures its own.
    public var latency: Int { record.latencyCycles }
    /// The Verilog files Verilator reads, in order: the vendor primitives'
    /// simulation models, then the design's files in compile order.
    public var verilogFiles: [String] { record.simulationModels + record.verilogFiles }
    /// The Verilator C++ testbench (a path among ``files``).
    public var testbenchFile: String { record.testbench }
    /// Cycles between accepted events, as the generator reported them.
    public var initiationInterval: Int { record.initiationInterval }
}

extension VerilatorSimulation {
    /// Prepares the simulation of an emitted design.
    public init(design: VerilogDesign, model: LoweredModel, cacheDirectory: String? = nil, jobs: Int = 2,
                profile: Profile = .quickBuild, threads: Int = 1) {
        self.init(sources: RTLSources(design), model: model, cacheDirectory: cacheDirectory, jobs: jobs, profile: profile, threads: threads)
    }
}

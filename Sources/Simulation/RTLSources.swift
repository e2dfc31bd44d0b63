import ModelIR
import VerilogBackend

/// What Verilator builds: the Verilog files and the C++ testbench of one
/// design, with the names the build needs and the latency its generator
/// reported. Made from a freshly emitted ``VerilogDesign``, or from the files
/// of a compiled folder (`simulate DIR`).
public struct RTLSources: Sendable {
    /// The top module's name.
    public var topModule: String
    /// Clock cycles from `in_valid` to the matching `out_valid`, as the
    /// generator reported them; the simulation measures its own.
    public var latency: Int
    /// Every file, paths relative to the build folder.
    public var files: [GeneratedFile]
    /// The Verilog files in a valid compile order (paths among ``files``),
    /// the vendor primitives' simulation models first.
    public var verilogFiles: [String]
    /// The Verilator C++ testbench (a path among ``files``).
    public var testbenchFile: String
    /// Cycles between accepted events, as the generator reported them.
    public var initiationInterval = 1

    public init(topModule: String, latency: Int, files: [GeneratedFile], verilogFiles: [String], testbenchFile: String) {
        self.topModule = topModule
        self.latency = latency
        self.files = files
        self.verilogFiles = verilogFiles
        self.testbenchFile = testbenchFile
    }

    /// The sources of an emitted design: the files the build reads (the
    /// primitives' simulation models, the Verilog, the testbench), not
    /// `netlist.txt`, which is for the reader. The same design read from a
    /// compiled folder (`simulate DIR`) is then the same build, found in
    /// the cache, not built again.
    public init(_ design: VerilogDesign) {
        let read = Set(design.simulationModels + design.verilogFiles + [design.testbenchFile])
        self.init(topModule: design.topModule, latency: design.latency, files: design.files.filter { read.contains($0.path) },
                  verilogFiles: design.simulationModels + design.verilogFiles, testbenchFile: design.testbenchFile)
        initiationInterval = design.initiationInterval
    }
}

extension VerilatorSimulation {
    /// Prepares the simulation of an emitted design.
    public init(design: VerilogDesign, model: LoweredModel, cacheDirectory: String? = nil, jobs: Int = 2,
                profile: Profile = .quickBuild, threads: Int = 1) {
        self.init(sources: RTLSources(design), model: model, cacheDirectory: cacheDirectory, jobs: jobs, profile: profile, threads: threads)
    }
}

import ModelZoo
import Simulation
import Testing
import VerilogBackend

/// What an emitted design gives Verilator to build.
@Suite struct RTLSourcesTests {
    /// Only the files the build reads: `netlist.txt` (for the reader) is
    /// left out, so the build's cache key is the one `simulate DIR` computes
    /// from the files a compiled folder lists, and either finds the other's
    /// build. (The suite built the shipped tagger's RTL twice, for `report`
    /// on its model.json and for `simulate` of its compiled folder, 27 s of
    /// CPU for the second, because the two differed by that file alone.)
    @Test func anEmittedDesignStagesOnlyWhatTheBuildReads() throws {
        let design = try VerilogEmitter.emit(try RTLTest.lower(ModelZoo.oneLayer()), options: VerilogOptions())
        #expect(design.files.contains { $0.path == VerilogEmitter.netlistFile })
        let sources = RTLSources(design)
        let listed = design.simulationModels + design.verilogFiles + [design.testbenchFile]
        #expect(sources.files.map(\.path).sorted() == listed.sorted())
        #expect(!sources.files.contains { $0.path == VerilogEmitter.netlistFile })
        #expect(sources.verilogFiles == design.simulationModels + design.verilogFiles)
    }
}

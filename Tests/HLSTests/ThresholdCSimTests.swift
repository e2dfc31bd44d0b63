import Foundation
import Testing
import HLSBackend
import ModelIR
import ModelZoo
import Passes
import Simulation
import TensorIO

/// Threshold ops in C++ (nnet_threshold.h), compiled with g++ and the open
/// ap_types headers: bit-exact with the Swift reference, and the header is
/// shipped only to models that use it.
@Suite("HLS thresholds", .serialized)
struct ThresholdCSimTests {
    @Test func thresholdModelIsBitExactInCSim() async throws {
        let model = try Pipeline.lower(ModelZoo.thresholdMLP())
        let sim = try CSimulation(model: model, options: HLSOptions())
        let events = StressEvents.make(model, events: 3_000, seed: 26)
        let report = try await sim.run(events)
        #expect(report.compared.events == 3_000)
        #expect(report.compared.mismatchCount == 0, "\(report.compared.mismatches.prefix(5).map(\.description).joined(separator: "\n"))")
    }

    @Test func theThresholdHeaderShipsOnlyWhenUsed() throws {
        let with = try HLSEmitter.emit(try Pipeline.lower(ModelZoo.thresholdMLP()), options: HLSOptions(), testInputs: nil)
        let without = try HLSEmitter.emit(try Pipeline.lower(ModelZoo.oneLayer()), options: HLSOptions(), testInputs: nil)
        #expect(with.contains { $0.path.hasSuffix("nnet_threshold.h") })
        #expect(!without.contains { $0.path.hasSuffix("nnet_threshold.h") })
    }
}

import Foundation
import Testing
import FixedPoint
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

    /// Thresholds counted by multiply-add-shift (`nnet::threshold_affine`):
    /// one per-channel form per list of a uniform staircase, every input code.
    @Test func affineThresholdsAreBitExactInCSim() async throws {
        let input = FixedType.fixed(12, 6)
        let lists: [[Int64]] = [(1...7).map { Int64(((Double($0) - 0.5) * 11.6 - 30).rounded(.up)) },
                                (1...7).map { Int64(((Double($0) - 0.5) * 5.3 + 4).rounded(.up)) }]
        let forms = try lists.map { try #require(ThresholdAffineProof.search(list: $0, lo: input.minRaw, hi: input.maxRaw)) }
        let op = ThresholdOp(thresholds: lists, outputBias: -3, outputStep: 2, affine: forms)
        let model = LoweredModel(name: "affine_thresholds", tensors: [TensorInfo(name: "x", size: 2, type: input),
                                                                      TensorInfo(name: "y", size: 2, type: .fixed(8, 8))],
                                 inputs: [TensorID(0)], outputs: [TensorID(1)],
                                 ops: [LoweredOp(name: "mt", sourceLayers: ["mt"], kind: .threshold(op), inputs: [TensorID(0)], output: TensorID(1))])
        try Verify.run(model, after: "test")
        let codes = Array(input.minRaw...input.maxRaw)
        let events = EventTable(rows: codes.count, columns: 2, values: codes.flatMap { [Double($0) * input.lsb, Double($0) * input.lsb] })
        let report = try await CSimulation(model: model, options: HLSOptions()).run(events)
        #expect(report.compared.events == codes.count)
        #expect(report.compared.mismatchCount == 0, "\(report.compared.mismatches.prefix(5).map(\.description).joined(separator: "\n"))")
        let files = try HLSEmitter.emit(model, options: HLSOptions(), testInputs: nil)
        #expect(files.contains { $0.contents.contains("nnet::threshold_affine<") })
    }

    @Test func theThresholdHeaderShipsOnlyWhenUsed() throws {
        let with = try HLSEmitter.emit(try Pipeline.lower(ModelZoo.thresholdMLP()), options: HLSOptions(), testInputs: nil)
        let without = try HLSEmitter.emit(try Pipeline.lower(ModelZoo.oneLayer()), options: HLSOptions(), testInputs: nil)
        #expect(with.contains { $0.path.hasSuffix("nnet_threshold.h") })
        #expect(!without.contains { $0.path.hasSuffix("nnet_threshold.h") })
    }
}

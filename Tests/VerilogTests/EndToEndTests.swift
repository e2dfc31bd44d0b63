import Testing
import FixedPoint
import ModelIR
import ModelZoo
import Simulation
import VerilogBackend

/// Generated RTL, simulated with Verilator, against the Swift reference:
/// every raw output code of every vector must agree, and the latency the
/// emitter reports must be the one measured. Vectors include values at and
/// beyond the input types' ranges. These tests fail (they do not skip) when
/// Verilator is missing.
@Suite(.serialized) struct EndToEndTests {
    static let vectors = 10_000

    func expectBitExact(_ graph: Graph, options: VerilogOptions = VerilogOptions(), count: Int = vectors) async throws {
        let model = try RTLTest.lower(graph)
        let (design, result) = try await RTLTest.simulate(model, count: count, options: options)
        #expect(result.compared.mismatchCount == 0, "first mismatches: \(result.compared.mismatches.prefix(5))")
        #expect(result.missingEvents == 0)
        #expect(result.compared.outputs.count == count)
        #expect(result.measuredLatency == design.latency)
    }

    @Test func oneLayerMatchesTheReference() async throws {
        try await expectBitExact(ModelZoo.oneLayer())
    }

    @Test func jetTaggerMatchesTheReference() async throws {
        try await expectBitExact(ModelZoo.tagger())
    }

    @Test func autoencoderWithAnomalyScoreMatchesTheReference() async throws {
        try await expectBitExact(ModelZoo.autoencoder())
    }

    /// Slow: a second tagger-sized build (the softmax tables are checked
    /// bit-exactly by the default run in C simulation, `tagger_softmax`).
    @Test(.slow, .tags(.slow)) func taggerWithSoftmaxMatchesTheReference() async throws {
        try await expectBitExact(ModelZoo.tagger(softmax: true))
    }

    @Test func sigmoidTableMatchesTheReference() async throws {
        try await expectBitExact(ModelZoo.sigmoid())
    }

    @Test func branchyGraphMatchesTheReference() async throws {
        try await expectBitExact(ModelZoo.branchy())
    }

    /// Scale ops: a zero weight, fused ReLUs (one after a declared result),
    /// a rounding accumulator, and a diagonal dense layer.
    @Test func scaleOpsMatchTheReference() async throws {
        try await expectBitExact(ModelZoo.scales())
    }

    /// Per-particle dense layers with a folded per-channel batchnorm, sum
    /// and max over the particles, concatenated.
    /// Slow: a large build (C simulation checks `deep_sets` in the default run).
    @Test(.slow, .tags(.slow)) func deepSetsTaggerMatchesTheReference() async throws {
        try await expectBitExact(ModelZoo.deepSets(), count: 4_000)
    }

    /// Strided `same` convolution, max pool, dilated depthwise convolution,
    /// average pool of 2 and 3 cells, transpose and flatten.
    @Test func calorimeterConvolutionMatchesTheReference() async throws {
        try await expectBitExact(ModelZoo.calorimeterConv(), count: 4_000)
    }

    /// Conv1D corners, broadcasts, concatenation on an inner axis, a mean of 3.
    /// Slow: the default run's convolution is `calorimeterConv` here and
    /// `sequence_conv` in C simulation.
    @Test(.slow, .tags(.slow)) func sequenceConvolutionMatchesTheReference() async throws {
        try await expectBitExact(ModelZoo.sequenceConv(), count: 4_000)
    }

    /// Without subexpression sharing every signed digit has its own adder:
    /// the other way to build the same sums, and it must agree as well.
    /// Slow: a second tagger build (in the default run the unshared rows
    /// are checked against the exact products by `SubexpressionSharingTests`).
    @Test(.slow, .tags(.slow)) func taggerWithoutSharingMatchesTheReference() async throws {
        try await expectBitExact(ModelZoo.tagger(), options: VerilogOptions(shareSubexpressions: false), count: 2_000)
    }

    /// A faster clock means fewer adders per stage and a longer pipeline;
    /// the arithmetic must not change.
    @Test func oneAdderPerStageStillMatches() async throws {
        try await expectBitExact(ModelZoo.oneLayer(), options: VerilogOptions(clockNs: 2.5), count: 2_000)
    }
}

/// The design accepts a new event every clock (II=1) and `valid` travels
/// with the data.
@Suite(.serialized) struct ThroughputTests {
    @Test func backToBackEventsAreEachAcceptedOnce() async throws {
        let model = try RTLTest.lower(ModelZoo.oneLayer())
        let count = 500
        let (design, result) = try await RTLTest.simulate(model, count: count, seed: 7)
        // Inputs on consecutive cycles, outputs on consecutive cycles, one per input.
        #expect(result.inputCycles == Array(0..<count))
        #expect(result.outputCycles == Array(design.latency..<(design.latency + count)))
        #expect(result.compared.mismatchCount == 0)
    }

    @Test func eventsWithIdleCyclesBetweenKeepTheirLatency() async throws {
        let model = try RTLTest.lower(ModelZoo.oneLayer())
        let (design, result) = try await RTLTest.simulate(model, count: 500, seed: 8, validGap: 2)
        #expect(result.inputCycles.prefix(3) == [0, 3, 6])
        #expect(result.measuredLatency == design.latency)
        #expect(result.compared.mismatchCount == 0)
        #expect(result.compared.outputs.count == 500)
    }
}

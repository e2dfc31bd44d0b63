import FixedPoint
import ModelIR
import ModelZoo
import Passes
import Reference
import Testing

/// The optional passes must not change a single output bit.
@Suite struct PassEquivalenceTests {
    static let names = ModelZoo.all.map(\.name)

    @Test(arguments: names)
    func pruneFuseAndInsertQuantizeKeepEveryBit(name: String) throws {
        let g = ModelZoo.all.first { $0.name == name }!.make()
        let base = try lowerOnly(g)
        let (q, _) = InsertQuantize.run(base)
        let (pruned, _) = PruneZeroWeights.run(q)
        let (fused, _) = FuseActivations.run(pruned)
        try Verify.run(fused, after: "test")
        let before = FixedPointEvaluator(q), after = FixedPointEvaluator(fused)
        for x in randomRawInputs(base, count: 300, seed: 11) {
            #expect(before.runRaw(x) == after.runRaw(x))
        }
    }

    @Test func pruningRemovesExactlyTheZeroWeights() throws {
        let base = try lowerOnly(ModelZoo.tagger())
        let (pruned, log) = PruneZeroWeights.run(base)
        for (a, b) in zip(base.ops, pruned.ops) {
            guard case .dense(let d0) = a.kind, case .dense(let d1) = b.kind else { continue }
            let zeros = d0.rows.reduce(0) { $0 + $1.filter { $0.weight == 0 }.count }
            #expect(d1.termCount == d0.termCount - zeros)
            #expect(d1.rows.allSatisfy { $0.allSatisfy { $0.weight != 0 } })
        }
        #expect(log.count == 4)
    }

    @Test func fusionMergesDenseAndReluIntoOneOp() throws {
        let m = try Pipeline.lower(ModelZoo.tagger())
        #expect(m.ops.map(\.name) == ["fc1", "fc2", "fc3", "fc4"])
        guard case .dense(let d) = m.ops[0].kind else { Issue.record("fc1 is not dense"); return }
        #expect(d.activation == .relu)
        // fc1 declared its result type: it is kept as the pre-activation quantization.
        #expect(d.preActivationType == .fixed(16, 6))
        #expect(m.ops[0].sourceLayers == ["fc1", "act1"])
    }

    /// An unfolded batchnorm and a diagonal dense layer lower to scale ops
    /// with the quantized weights of the diagonal; a ReLU after a scale fuses
    /// into it. (ReferenceAgreesWithSpecTests checks their arithmetic.)
    @Test func unfoldedBatchNormsAndDiagonalDenseLayersAreScaleOps() throws {
        let g = ModelZoo.scales()
        let m = try Pipeline.lower(g)
        #expect(m.ops.map { "\($0.name):\($0.kind.kindName)" } == ["bn_in:scale", "d1:dense", "bn_mid:scale", "d2:dense", "diag:scale"])
        guard case .scale(let first) = m.ops[0].kind, case .scale(let mid) = m.ops[2].kind, case .scale(let diag) = m.ops[4].kind else {
            Issue.record("not scale ops"); return
        }
        #expect(m.ops[0].sourceLayers == ["bn_in", "r0"])
        #expect(first.activation == .relu && first.preActivationType == nil)   // exact until the ReLU
        #expect(first.weights.count == 8 && first.weights[5] == 0)             // gamma 0: a zero weight stays
        #expect(mid.activation == .relu && mid.preActivationType == .fixed(12, 5, .rndConv, .sat))
        #expect(diag.weights == [12, -20, 8])                                  // 0.75, -1.25, 0.5 in ap_fixed<6,2>
        #expect(diag.bias == [2, 0, -4])
    }

    @Test func foldingBatchNormKeepsTheFloatFunction() throws {
        let g = ModelZoo.branchy()
        let (folded, log) = FoldBatchNorm.run(g)
        #expect(log == ["FoldBatchNorm: folded 'bn1' into dense 'd1'"])
        #expect(folded.nodes.count == g.nodes.count - 1)
        // bn2 follows a ReLU, not a dense layer: it stays.
        #expect(folded.nodes.contains { $0.name == "bn2" && $0.op.kindName == "batchnorm" })
        var rng = ModelZoo.Random(seed: 3)
        for _ in 0..<50 {
            let x = (0..<10).map { _ in rng.uniform(-4, 4) }
            let a = FloatEvaluator(g).trace(x[...]), b = FloatEvaluator(folded).trace(x[...])
            for (u, v) in zip(a["head"]!, b["head"]!) { #expect(abs(u - v) < 1e-9) }
        }
    }

    @Test func insertQuantizeMakesConcatenationPureWiring() throws {
        let m = try Pipeline.lower(ModelZoo.branchy())
        let cat = m.ops.first { $0.name == "cat" }!
        #expect(cat.inputs.allSatisfy { m[$0].type == m[cat.output].type })
        #expect(m.ops.filter { $0.kind == .quantize }.map(\.name) == ["cat_in0", "cat_in1", "cat_in2"])
    }
}

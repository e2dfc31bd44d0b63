import FixedPoint
import ModelIR
import ModelZoo
import Passes
import Reference
import TensorIO
import Testing

@Suite struct ReferenceAgreesWithSpecTests {
    /// Random raw inputs over the input type's whole range, plus its corners.
    static func inputs(_ m: LoweredModel, count: Int, seed: UInt64) -> [[Int64]] {
        var rng = ModelZoo.Random(seed: seed)
        var out: [[Int64]] = []
        for n in 0..<count {
            out.append(m.inputs.flatMap { id -> [Int64] in
                let t = m[id].type
                return (0..<m[id].size).map { _ in
                    switch n % 10 {
                    case 0: return t.maxRaw
                    case 1: return t.minRaw
                    case 2: return 0
                    default:
                        let span = UInt64(t.maxRaw - t.minRaw) + 1
                        return t.minRaw + Int64(rng.next() % span)
                    }
                }
            })
        }
        return out
    }

    @Test(arguments: ModelZoo.all.map(\.name))
    func fixedPointEvaluatorEqualsTheNaiveSpecEvaluator(name: String) throws {
        let m = try Pipeline.lower(ModelZoo.all.first { $0.name == name }!.make())
        let reference = FixedPointEvaluator(m)
        let spec = SpecEvaluator(m: m)
        var mismatches = 0
        for x in Self.inputs(m, count: 400, seed: 21) where reference.runRaw(x) != spec.run(x) { mismatches += 1 }
        #expect(mismatches == 0)
    }

    /// The fixed-point tagger with softmax tracks the float model: every
    /// probability within 0.05 for inputs well inside the input range.
    @Test func softmaxTaggerTracksTheFloatModel() throws {
        let g = ModelZoo.tagger(softmax: true)
        let m = try Pipeline.lower(g)
        var rng = ModelZoo.Random(seed: 4)
        let events = EventTable(rows: 200, columns: 16, values: (0..<3200).map { _ in rng.uniform(-2, 2) })
        let fixed = FixedPointEvaluator(m).run(events), float = FloatEvaluator(g).run(events)
        let worst = zip(fixed.values, float.values).map { abs($0 - $1) }.max()!
        #expect(worst < 0.05)
        for r in 0..<fixed.rows { #expect(abs(fixed[row: r].reduce(0, +) - 1) < 0.03) }
    }

    @Test func inputsAreConvertedOnceWithTheInputTypesModes() throws {
        // ap_fixed<10,4,AP_RND,AP_SAT>: 6 fractional bits; 1/128 is half an LSB -> rounds up; 100 saturates.
        let m = try Pipeline.lower(ModelZoo.oneLayer())
        let raw = FixedPointEvaluator(m).quantizeInputs([1.0 / 128, -1.0 / 128, 100, -100, 0, 0, 0, 0][...])
        #expect(raw == [1, 0, 511, -512, 0, 0, 0, 0])
    }
}

/// Threshold ops (issue 26): the scalar and batch reference agree with the
/// naive spec evaluator on every vector, input boundaries included.
@Suite struct ThresholdReferenceTests {
    @Test func referenceAndBatchEqualTheSpecEvaluator() throws {
        let m = try Pipeline.lower(ModelZoo.thresholdMLP())
        let reference = FixedPointEvaluator(m), spec = SpecEvaluator(m: m)
        let inputs = ReferenceAgreesWithSpecTests.inputs(m, count: 3_000, seed: 26)
        var mismatches = 0
        for x in inputs where reference.runRaw(x) != spec.run(x) { mismatches += 1 }
        #expect(mismatches == 0)
        let batch = reference.runRaw(codes: inputs.flatMap { $0 }, events: inputs.count, threads: 2)
        #expect(batch == inputs.flatMap { spec.run($0) })
    }
}

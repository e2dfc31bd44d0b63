import Foundation
import FixedPoint
import ModelIR
import Passes
import Reference
import SeededRandomness
import Testing

/// The multiply-add-shift form of a threshold list (issue 26, item 2): the
/// few-point proof agrees with brute force, the search finds forms for the
/// nearly uniform staircases float scales give and none where none exists,
/// the lowered text keeps the forms, and Verify refuses a form that lies.
@Suite struct ThresholdAffineTests {
    /// A sorted list of `k` codes in `lo - 2 ... hi + 2` (some outside the range, some repeated).
    static func randomList(_ k: Int, lo: Int64, hi: Int64, _ rng: inout SplitMix64) -> [Int64] {
        (0..<k).map { _ in Int64.random(in: (lo - 2)...(hi + 2), using: &rng) }.sorted()
    }

    /// The staircase of a float scale: thresholds at `(c - 0.5) * step + shift` (c = 1 ... k), as input codes.
    static func uniformList(_ k: Int, step: Double, shift: Double) -> [Int64] {
        (1...k).map { Int64(((Double($0) - 0.5) * step + shift).rounded(.up)) }
    }

    static func agreesEverywhere(_ form: AffineCount, _ list: [Int64], lo: Int64, hi: Int64) -> Bool {
        (lo...hi).allSatisfy { form.count($0, steps: list.count) == ThresholdOp.count($0, in: list) }
    }

    @Test func theFewPointProofAgreesWithBruteForceOnSmallRanges() {
        var rng = SplitMix64(seed: 2602)
        var agreed = 0, refused = 0
        for _ in 0..<3000 {
            let lo = Int64.random(in: -40...10, using: &rng), hi = lo + Int64.random(in: 0...60, using: &rng)
            let list = Self.randomList(Int.random(in: 1...5, using: &rng), lo: lo, hi: hi, &rng)
            // Forms near a real fit, so that both answers occur often.
            let s = Int.random(in: 0...4, using: &rng)
            let slope = Double(list.count) / Double(max(hi - lo, 1))
            let m = max(0, Int64((slope * Double(1 << s)).rounded()) + Int64.random(in: -1...1, using: &rng))
            let a = -m * (list.first ?? 0) + Int64(1 << s) + Int64.random(in: -3...3, using: &rng)
            let form = AffineCount(multiplier: m, offset: a, shift: s)
            let everywhere = Self.agreesEverywhere(form, list, lo: lo, hi: hi)
            let proof = ThresholdAffineProof.counterexample(form, list: list, lo: lo, hi: hi)
            #expect((proof == nil) == everywhere, "\(form) on \(list) over [\(lo), \(hi)]")
            if let x = proof { #expect(form.count(x, steps: list.count) != ThresholdOp.count(x, in: list)) }
            if everywhere { agreed += 1 } else { refused += 1 }
        }
        // Both outcomes were exercised.
        #expect(agreed > 100 && refused > 100, "agreed \(agreed), refused \(refused)")
    }

    @Test func searchedFormsAgreeOnEveryCode() {
        var rng = SplitMix64(seed: 26)
        var found = 0
        for _ in 0..<400 {
            let lo = Int64.random(in: -300...0, using: &rng), hi = lo + Int64.random(in: 1...600, using: &rng)
            let list = Int.random(in: 0...3, using: &rng) == 0
                ? Self.randomList(Int.random(in: 1...6, using: &rng), lo: lo, hi: hi, &rng)
                : Self.uniformList(Int.random(in: 1...15, using: &rng), step: Double.random(in: 0.3...40, using: &rng),
                                   shift: Double.random(in: Double(lo)...Double(hi), using: &rng))
            guard let form = ThresholdAffineProof.search(list: list, lo: lo, hi: hi) else { continue }
            found += 1
            #expect(Self.agreesEverywhere(form, list, lo: lo, hi: hi), "\(form) on \(list) over [\(lo), \(hi)]")
        }
        #expect(found > 200, "found \(found)")
    }

    @Test func aFloatScaleStaircaseHasASmallForm() throws {
        // A 3-bit activation of scale 1/7 after an accumulator scaled by 0.0123: steps of 11.6 codes.
        let list = Self.uniformList(7, step: 1 / (7 * 0.0123), shift: 3.2)
        let form = try #require(ThresholdAffineProof.search(list: list, lo: -2048, hi: 2047))
        #expect(form.shift <= 12)
        #expect(Self.agreesEverywhere(form, list, lo: -2048, hi: 2047))
    }

    @Test func aStaircaseNoLineFitsHasNoForm() {
        // Steps at 0, 1 and 100: the slope must exceed 1/2 between -1 and 1, and stay below 1/98 from 1 to 99.
        #expect(ThresholdAffineProof.search(list: [0, 1, 100], lo: -10, hi: 200, maxShift: 40) == nil)
    }

    @Test func constantStaircasesNeedNoProduct() throws {
        let above = try #require(ThresholdAffineProof.search(list: [50, 60], lo: -8, hi: 7))
        let below = try #require(ThresholdAffineProof.search(list: [-50, -8], lo: -8, hi: 7))
        #expect(above.multiplier == 0 && below.multiplier == 0)
        #expect(Self.agreesEverywhere(above, [50, 60], lo: -8, hi: 7) && Self.agreesEverywhere(below, [-50, -8], lo: -8, hi: 7))
    }

    /// A threshold op on ap_fixed<12,6> inputs with uniform per-channel staircases, and its affine forms.
    static func affineModel() throws -> LoweredModel {
        let input = FixedType.fixed(12, 6)
        let lists = [Self.uniformList(7, step: 11.6, shift: -30), Self.uniformList(7, step: 5.3, shift: 4)]
        let forms = try lists.map { try #require(ThresholdAffineProof.search(list: $0, lo: input.minRaw, hi: input.maxRaw)) }
        let op = ThresholdOp(thresholds: lists, outputBias: -3, outputStep: 2, affine: forms)
        return LoweredModel(name: "affine", tensors: [TensorInfo(name: "x", size: 4, type: input), TensorInfo(name: "y", size: 4, type: .fixed(8, 8))],
                            inputs: [TensorID(0)], outputs: [TensorID(1)],
                            ops: [LoweredOp(name: "mt", sourceLayers: ["mt"], kind: .threshold(op), inputs: [TensorID(0)], output: TensorID(1))])
    }

    @Test func theLoweredTextKeepsTheForms() throws {
        let m = try Self.affineModel()
        try Verify.run(m, after: "test")
        let text = LoweredPrinter.print(m)
        #expect(text.contains("  affine "))
        #expect(try LoweredParser.parse(text) == m)
    }

    @Test func theReferenceCountsByTheFormAsTheBankDoes() throws {
        let m = try Self.affineModel()
        var bank = m
        guard case .threshold(var op) = bank.ops[0].kind else { return }
        op.affine = nil
        bank.ops[0].kind = .threshold(op)
        let affineEval = FixedPointEvaluator(m), bankEval = FixedPointEvaluator(bank)
        let codes = Array(FixedType.fixed(12, 6).minRaw...FixedType.fixed(12, 6).maxRaw)
        for x in codes {
            #expect(affineEval.runRaw([x, x, x, x]) == bankEval.runRaw([x, x, x, x]), "code \(x)")
        }
        // The batched evaluator too, every code in one batch per element.
        let rows = codes.map { [$0, $0, $0, $0] }
        let batchedAffine = affineEval.runRaw(codes: rows.flatMap { $0 }, events: rows.count, threads: 1)
        let batchedBank = bankEval.runRaw(codes: rows.flatMap { $0 }, events: rows.count, threads: 1)
        #expect(batchedAffine == batchedBank)
    }

    @Test func verifyRefusesAFormThatDisagreesSomewhere() throws {
        let text = LoweredPrinter.print(try Self.affineModel())
        // A hand edit: the first form's offset 2^shift higher, one more step on every code below the top.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let i = try #require(lines.firstIndex { $0.hasPrefix("  affine ") })
        var words = lines[i].split(separator: " ").map(String.init)
        words[2] = String(try #require(Int64(words[2])) + (1 << (try #require(Int64(words[3])))))
        lines[i] = "  " + words.joined(separator: " ")
        let edited = try LoweredParser.parse(lines.joined(separator: "\n"))
        do {
            try Verify.run(edited, after: "parse")
            Issue.record("accepted")
        } catch {
            #expect("\(error)".contains("mt") && "\(error)".contains("affine form 0") && "\(error)".contains("input code"), "\(error)")
        }
    }

    @Test func affineLinesMustMatchTheLists() throws {
        let text = "hepml-lowered 1\nmodel m\ntensor %0 x 2 ap_fixed<8,3>\ntensor %1 y 2 ap_fixed<8,8>\ninput %0\nop t threshold %0 -> %1\n  output 0 1\n"
            + "  thresholds 1 2\n  thresholds 3 4\n  affine 1 0 0\noutput %1\n"
        do {
            _ = try LoweredParser.parse(text)
            Issue.record("accepted")
        } catch {
            #expect("\(error)".contains("line 6") && "\(error)".contains("one 'affine' line per 'thresholds' line"), "\(error)")
        }
    }
}

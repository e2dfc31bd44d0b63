import Testing
import FixedPoint
import ModelIR
import NetlistIR
import NetlistLowering
import Simulation
import VerilogBackend

/// Threshold ops counted by multiply-add-shift (issue 26, item 2): the
/// netlist equals the comparator bank's on every input code, Verilator
/// agrees with the reference, and the choice by netlist cost takes the
/// form that is cheaper.
@Suite(.serialized) struct AffineThresholdRTLTests {
    /// The staircase of a float scale: thresholds at `(c - 0.5) * step + shift`, as input codes.
    static func uniformList(_ k: Int, step: Double, shift: Double) -> [Int64] {
        (1...k).map { Int64(((Double($0) - 0.5) * step + shift).rounded(.up)) }
    }

    /// One threshold op on `input` with the given lists (bank form), output codes `bias + step * n`.
    static func model(_ lists: [[Int64]], input: FixedType, size: Int, bias: Int64 = -3, step: Int64 = 2) -> LoweredModel {
        let op = ThresholdOp(thresholds: lists, outputBias: bias, outputStep: step)
        return LoweredModel(name: "affine_thresholds", tensors: [TensorInfo(name: "x", size: size, type: input),
                                                                 TensorInfo(name: "y", size: size, type: .fixed(10, 10))],
                            inputs: [TensorID(0)], outputs: [TensorID(1)],
                            ops: [LoweredOp(name: "mt", sourceLayers: ["mt"], kind: .threshold(op), inputs: [TensorID(0)], output: TensorID(1))])
    }

    static let lists = [uniformList(7, step: 11.6, shift: -30), uniformList(7, step: 5.3, shift: 4), uniformList(7, step: 0.8, shift: -2)]

    @Test func theNetlistEqualsTheBankOnEveryCode() throws {
        let bank = Self.model(Self.lists, input: .fixed(12, 6), size: 3)
        let (affine, decisions) = try ThresholdFormChoice.apply(.affine, to: bank)
        #expect(decisions.count == 1 && decisions[0].affine?.count == 3)
        let a = Interpreter(try OpNetlists.build(affine.ops[0], in: affine).netlist)
        let b = Interpreter(try OpNetlists.build(bank.ops[0], in: bank).netlist)
        for x in FixedType.fixed(12, 6).minRaw...FixedType.fixed(12, 6).maxRaw {
            #expect(a.evaluate([[x, x, x]]) == b.evaluate([[x, x, x]]), "code \(x)")
        }
    }

    @Test func affineThresholdsMatchTheReferenceInVerilator() async throws {
        let (model, _) = try ThresholdFormChoice.apply(.affine, to: Self.model(Self.lists, input: .fixed(12, 6), size: 6))
        guard case .threshold(let t) = model.ops[0].kind else { Issue.record("not a threshold op"); return }
        #expect(t.affine != nil)
        let (design, result) = try await RTLTest.simulate(model, count: 3_000, seed: 2602)
        #expect(result.compared.mismatchCount == 0, "first mismatches: \(result.compared.mismatches.prefix(5))")
        #expect(result.compared.outputs.count == 3_000)
        #expect(result.measuredLatency == design.latency)
    }

    @Test func theChoiceTakesTheCheaperNetlist() throws {
        // 31 steps over a 16-bit accumulator: a product and a clamp beat 31 comparators.
        let wide = Self.model([Self.uniformList(31, step: 97.3, shift: -1500)], input: .fixed(16, 16), size: 2)
        let w = try ThresholdFormChoice.apply(.auto, to: wide).decisions[0]
        #expect(w.affine != nil)
        #expect(try #require(w.affineBits) < (try #require(w.bankBits)))
        // One threshold: one comparator is cheaper than any product.
        let narrow = Self.model([[37]], input: .fixed(16, 16), size: 2, bias: 0, step: 1)
        let n = try ThresholdFormChoice.apply(.auto, to: narrow).decisions[0]
        #expect(n.affine == nil)
        #expect(try #require(n.bankBits) <= (try #require(n.affineBits)))
        // Asked for the bank: no form is searched or built.
        let b = try ThresholdFormChoice.apply(.bank, to: wide).decisions[0]
        #expect(b.affine == nil && b.bankBits == nil && b.affineBits == nil)
    }

    @Test func aListWithNoFormKeepsTheBankAndSaysWhy() throws {
        let m = Self.model([[0, 1, 100]], input: .fixed(10, 10), size: 1)
        let (chosen, decisions) = try ThresholdFormChoice.apply(.affine, to: m)
        #expect(chosen == m)
        #expect(decisions[0].line.contains("list 0 has no multiply-add-shift form"))
    }
}

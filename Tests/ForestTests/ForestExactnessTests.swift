import FixedPoint
import Foundation
import ModelIR
import Passes
import Reference
import Testing

/// The fixed-point forest takes the float forest's path on every input code.
@Suite("Forests decide exactly as the float forest")
struct ForestExactnessTests {
    /// A one-layer graph around `forest` with inputs of `type`.
    static func graph(_ forest: Forest, input type: FixedType, leaf: FixedType) -> Graph {
        Graph(name: "bdt", inputs: [GraphInput(name: "x", shape: [forest.featureCount], type: type)],
              nodes: [Node(name: "margin", op: .forest(forest), inputs: ["x"], precision: LayerPrecision(weight: leaf))],
              outputs: ["margin"])
    }

    /// Every input code vector of `features` elements of `type`.
    static func allCodes(_ type: FixedType, features: Int) -> [[Int64]] {
        var out: [[Int64]] = [[]]
        for _ in 0..<features { out = out.flatMap { prefix in (type.minRaw...type.maxRaw).map { prefix + [$0] } } }
        return out
    }

    static let cases: [(FixedType, Int, Int, ForestDecision)] = [
        (.fixed(7, 2), 2, 1, .lessThan),
        (.ufixed(6, 3), 2, 2, .lessOrEqual),
        (.fixed(5, -1), 3, 3, .lessThan),
        (.fixed(4, 6), 3, 1, .lessOrEqual),
    ]

    @Test("With leaves exact in the leaf type, fixed-point scores equal the float forest's on every input code", arguments: cases)
    func everyCode(_ type: FixedType, _ features: Int, _ classes: Int, _ decision: ForestDecision) throws {
        let span = type.maxValue - type.minValue
        // Thresholds over and a little beyond the input range; leaves on a 1/64 grid.
        let forest = RandomForests.make(seed: UInt64(type.width * 100 + features), features: features, classes: classes,
                                        trees: 12, depth: 4, range: (type.minValue - span / 8)...(type.maxValue + span / 8),
                                        decision: decision) { (($0 * 128).rounded(.down) - 64) / 64 }
        let model = try Pipeline.run(Self.graph(forest, input: type, leaf: .fixed(16, 6))).model
        let reference = FixedPointEvaluator(model)
        let outType = model[model.outputs[0]].type
        var checked = 0
        for codes in Self.allCodes(type, features: features) {
            let fixed = reference.runRaw(codes).map { outType.value(ofRaw: $0) }
            let float = forest.scores { type.value(ofRaw: codes[$0]) }
            #expect(fixed == float, "codes \(codes)")
            checked += 1
            if fixed != float { break }
        }
        #expect(checked == Int(pow(Double(type.maxRaw - type.minRaw + 1), Double(features))))
    }

    @Test("Rounded leaves move a score by at most the stated leaf-rounding bound, on every input code")
    func roundingBound() throws {
        let type = FixedType.fixed(6, 2)
        let leaf = FixedType.fixed(8, 1, .rnd)
        let forest = RandomForests.make(seed: 7, features: 2, classes: 2, trees: 20, depth: 3, range: -2...2) { $0 * 1.6 - 0.8 }
        let model = try Pipeline.run(Self.graph(forest, input: type, leaf: leaf)).model
        let bound = forest.leafRoundingBound(leafType: leaf)
        // AP_RND: each leaf within half an LSB (2^-8); 10 trees and the base score per class.
        #expect(bound.allSatisfy { $0 <= 11 * pow2(-8) })
        let reference = FixedPointEvaluator(model)
        let outType = model[model.outputs[0]].type
        var largest = 0.0
        for codes in Self.allCodes(type, features: 2) {
            let fixed = reference.runRaw(codes).map { outType.value(ofRaw: $0) }
            let float = forest.scores { type.value(ofRaw: codes[$0]) }
            for k in 0..<2 {
                #expect(abs(fixed[k] - float[k]) <= bound[k] + 1e-12, "codes \(codes) class \(k)")
                largest = max(largest, abs(fixed[k] - float[k]))
            }
        }
        #expect(largest > 0)
    }

    @Test("The batched reference (events innermost, as predict runs it) gives the single-event reference's codes", arguments: cases)
    func batchedAgrees(_ type: FixedType, _ features: Int, _ classes: Int, _ decision: ForestDecision) throws {
        let forest = RandomForests.make(seed: 3, features: features, classes: classes, trees: 9, depth: 3,
                                        range: type.minValue...type.maxValue, decision: decision) { $0 - 0.5 }
        let model = try Pipeline.run(Self.graph(forest, input: type, leaf: .fixed(9, 1, .rnd))).model
        let codes = Self.allCodes(type, features: features)
        let single = FixedPointEvaluator(model)
        let batched = single.runRaw(codes: codes.flatMap { $0 }, events: codes.count, threads: 2)
        var mismatches = 0
        for (e, event) in codes.enumerated() where Array(batched[(e * classes)..<((e + 1) * classes)]) != single.runRaw(event) {
            mismatches += 1
        }
        #expect(mismatches == 0)
    }
}

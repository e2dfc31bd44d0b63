import FixedPoint
import Foundation
import ModelFormat
import ModelIR
import ModelZoo
import Passes
import Testing

/// Lowering reports, as values, every parameter tensor whose values overflow
/// their type when quantized: AP_WRAP turned a weight of 40.0 in the
/// default ap_fixed<16,6> into -24 without a word.
struct ParameterOverflowTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func graph(_ nodes: [Node], inputs: Int = 2) -> Graph {
        Graph(name: "m", inputs: [GraphInput(name: "x", shape: [inputs], type: .fixed(8, 4))], nodes: nodes, outputs: [nodes.last!.name])
    }

    static func dense(_ name: String = "fc", input: String = "x", weights: [[Double]], bias: [Double],
                      precision: LayerPrecision = LayerPrecision()) -> Node {
        Node(name: name, op: .dense(Dense(weights: weights, bias: bias)), inputs: [input], precision: precision)
    }

    @Test func aWrappingWeightIsReportedWithItsLayerCountAndLargestValue() throws {
        // Two units of two inputs: 40 and -33 do not fit [-32, 32); 100 in the bias neither.
        let g = Self.graph([Self.dense(weights: [[40, 0.5], [-33, 1]], bias: [0, 100])])
        let result = try Pipeline.run(g)
        #expect(result.overflows == [
            ParameterOverflow(layer: "fc", sourceLayers: ["fc"], tensor: "weights", type: .fixed(16, 6), count: 2, total: 4,
                              largest: 40, becomes: -24),
            ParameterOverflow(layer: "fc", sourceLayers: ["fc"], tensor: "bias", type: .fixed(16, 6), count: 1, total: 2,
                              largest: 100, becomes: -28),
        ])
        #expect(result.overflows[0].description
            == "layer 'fc': 2 of 4 weights do not fit ap_fixed<16,6> and wrap around; the largest, 40.0, becomes -24.0")
        #expect(result.overflows[1].detail
            == "1 of 2 bias values do not fit ap_fixed<16,6> and wrap around; the largest, 100.0, becomes -28.0")
    }

    @Test func aSaturatingTypeIsReportedAsSaturating() throws {
        let sat = FixedType.fixed(8, 3, .rnd, .sat)
        let g = Self.graph([Self.dense(weights: [[-9, 1]], bias: [0], precision: LayerPrecision(weight: sat))])
        let overflow = try #require(try Pipeline.run(g).overflows.first)
        #expect(overflow.description == "layer 'fc': 1 of 2 weights do not fit ap_fixed<8,3,AP_RND,AP_SAT> and saturate; the largest, -9.0, becomes -4.0")
    }

    /// Rounding decides: 31.99 truncates into range, but rounds to 32 (out of range) with AP_RND.
    @Test func aValueOverflowsWhenItsRoundedValueDoes() throws {
        let fits = Self.graph([Self.dense(weights: [[31.999, -32]], bias: [0])])
        #expect(try Pipeline.run(fits).overflows.isEmpty)
        let rounds = Self.graph([Self.dense(weights: [[31.9999, 0]], bias: [0], precision: LayerPrecision(weight: .fixed(16, 6, .rnd)))])
        #expect(try Pipeline.run(rounds).overflows.map(\.count) == [1])
    }

    /// A batchnorm folded into its dense layer reports under the folded
    /// node's name with both layers; one after the input is its own scale.
    @Test func batchnormParametersAreReportedByTheirLayers() throws {
        let bn = Node(name: "bn", op: .batchNorm(BatchNorm(gamma: [1, 50], beta: [0, 0], mean: [0, 0], variance: [1, 1], epsilon: 0)),
                      inputs: ["fc"])
        let folded = try Pipeline.run(Self.graph([Self.dense(weights: [[1, 0], [0, 1]], bias: [0, 0]), bn]))
        #expect(folded.overflows.map(\.description)
            == ["layer 'bn' (from layers fc, bn): 1 of 4 weights do not fit ap_fixed<16,6> and wrap around; the largest, 50.0, becomes -14.0"])
        let alone = Node(name: "bn", op: .batchNorm(BatchNorm(gamma: [1, 50], beta: [0, 40], mean: [0, 0], variance: [1, 1], epsilon: 0)),
                         inputs: ["x"])
        #expect(try Pipeline.run(Self.graph([alone])).overflows.map(\.tensor) == ["scale", "shift"])
    }

    @Test func aLeakyReLUSlopeThatDoesNotFitItsTypeIsReported() throws {
        let narrow = try FixedType(signed: false, width: 4, integerBits: -1)
        let node = Node(name: "lrelu", op: .activation(.leakyReLU(alpha: 0.9)), inputs: ["x"], precision: LayerPrecision(alpha: narrow))
        let overflow = try #require(try Pipeline.run(Self.graph([node])).overflows.first)
        #expect(overflow.tensor == "alpha" && overflow.count == 1 && overflow.largest == 0.9)
        #expect(overflow.detail.hasPrefix("1 of 1 LeakyReLU slopes do not fit ap_ufixed<4,-1> and wrap around"))
    }

    /// The report is a value: lowering twice gives the same model and the same overflows.
    @Test func loweringStaysPure() throws {
        let g = Self.graph([Self.dense(weights: [[40, 0.5], [-33, 1]], bias: [0, 100])])
        let a = try Pipeline.run(g), b = try Pipeline.run(g)
        #expect(a.model == b.model && a.overflows == b.overflows)
        #expect(a.model == (try Pipeline.lower(g)))
    }

    @Test func shippedModelsAndTheCLIFixtureHaveNoOverflowingParameters() throws {
        for path in ["examples/jet_tagger/model.json", "examples/l1_autoencoder/model.json", "Tests/CLITests/Fixtures/hand_model.json"] {
            let overflows = try Pipeline.run(ModelDecoder.load(path: Self.repoRoot.appendingPathComponent(path).path)).overflows
            #expect(overflows.isEmpty, "\(path): \(overflows.map(\.description))")
        }
    }

    /// The synthetic zoo models fit their types, except four weights of the
    /// autoencoder's fc4 that really wrap in ap_fixed<8,1> (the bit-exact
    /// tests exercise that wrap; the warning is right to name it).
    @Test func zooModelsOverflowOnlyWhereTheyReallyWrap() throws {
        for (name, make) in ModelZoo.all {
            let overflows = try Pipeline.run(make()).overflows.map(\.description)
            if name == "autoencoder" {
                #expect(overflows == ["layer 'fc4': 4 of 48 weights do not fit ap_fixed<8,1> and wrap around; the largest, 1.1235263753417775, becomes -0.8828125"])
            } else {
                #expect(overflows.isEmpty, "\(name): \(overflows)")
            }
        }
    }

    @Test func fixedTypeOverflowsMatchesTheRangeAfterRounding() {
        let t = FixedType.fixed(8, 4) // [-8, 7.9375], TRN, WRAP
        #expect(!t.overflows(7.99) && !t.overflows(-8) && !t.overflows(0))
        #expect(t.overflows(8) && t.overflows(-8.01) && t.overflows(1e300) && t.overflows(-1e300))
        #expect(!t.overflows(.nan) && !t.overflows(.infinity))
        #expect(FixedType.fixed(8, 4, .rnd).overflows(7.99))
        #expect(FixedType.fixed(8, 4, .trn, .satSym).overflows(-8))
        #expect(try! FixedType(signed: false, width: 8, integerBits: 4).overflows(-0.01))
    }
}

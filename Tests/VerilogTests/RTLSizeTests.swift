import Foundation
import ModelFormat
import ModelZoo
import Passes
import Testing
@testable import NetlistLowering
@testable import VerilogBackend

/// The size estimate that guards the Verilog backend against layers that
/// would take minutes and gigabytes to emit.
struct RTLSizeTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A dense layer counts one term per signed digit of each weight, one
    /// for each output's rounding and one more for a nonzero bias.
    @Test func denseTermsAreSignedDigitsPlusBiasAndRounding() throws {
        let model = try Pipeline.lower(ModelDecoder.load(path: Self.repoRoot.appendingPathComponent("Tests/CLITests/Fixtures/hand_model.json").path))
        // Weights 0.5 (one digit) and -1.25 (two: -1 - 0.25), bias 0.375 (nonzero).
        #expect(RTLSize.estimate(model) == [RTLSize(op: "fc", sourceLayers: ["fc"], terms: 5)])
        #expect(RTLSize.exceeding(4, in: model).map(\.op) == ["fc"])
        #expect(RTLSize.exceeding(5, in: model).isEmpty)
    }

    /// The shipped models and every zoo model stay far below the default
    /// limit: at most a hundredth of it per layer.
    @Test func shippedAndZooModelsAreFarBelowTheLimit() throws {
        var graphs = ModelZoo.all.map { ($0.name, $0.make()) }
        for example in ["jet_tagger", "l1_autoencoder"] {
            graphs.append((example, try ModelDecoder.load(path: Self.repoRoot.appendingPathComponent("examples/\(example)/model.json").path)))
        }
        for (name, graph) in graphs {
            let largest = RTLSize.estimate(try Pipeline.lower(graph)).map(\.terms).max() ?? 0
            #expect(largest > 0 && largest <= RTLSize.defaultLimit / 100, "\(name): \(largest) terms")
        }
    }

    /// Grows like the work the emitter does: four times the weights, about
    /// four times the terms.
    @Test func theEstimateGrowsWithTheWeights() throws {
        let small = try Pipeline.lower(ModelZoo.mlp(name: "s", sizes: [50, 50], seed: 1, inputType: .fixed(16, 6)))
        let large = try Pipeline.lower(ModelZoo.mlp(name: "l", sizes: [100, 100], seed: 1, inputType: .fixed(16, 6)))
        let ratio = Double(RTLSize.estimate(large)[0].terms) / Double(RTLSize.estimate(small)[0].terms)
        #expect(ratio > 3 && ratio < 5, "\(ratio)")
    }
}

import Foundation
import Testing

/// The shipped deep-sets tagger (examples/deep_sets_tagger): its config
/// trains reproducibly, and it tags the constituents of the jets whose
/// high-level features the shipped MLP sees.
@Suite struct DeepSetsTaggerTests {
    static let example = CLI.repoRoot.appendingPathComponent("examples/deep_sets_tagger")

    /// The shipped train.json, shortened (--events, --epochs) and run twice
    /// in a private folder: the same seed writes the same model.json.
    @Test func theShippedConfigTrainsTheSameWeightsTwice() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("train.json")
        try FileManager.default.copyItem(at: Self.example.appendingPathComponent("train.json"), to: config)
        var models: [Data] = []
        for name in ["a.json", "b.json"] {
            let r = try CLI.run(["train", "--config", config.path, "--events", "800", "--epochs", "2", "--output", name, "--quiet"])
            #expect(r.code == 0, "\(r.err)")
            models.append(try Data(contentsOf: dir.appendingPathComponent(name)))
        }
        #expect(models[0] == models[1])
        let text = String(decoding: models[0], as: UTF8.self)
        #expect(text.contains("\"shape\": [16, 4]") && text.contains("\"type\": \"reduce_sum\""), "the model reads [16, 4] particles and pools them")
    }
}

extension DeepSetsTaggerTests {
    /// The shipped deep-sets tagger on 1,000 constituent jets of seed 99
    /// (docs/training.md: 65.6% ± 0.5% on 10,000): every class is told
    /// apart from the rest, float and fixed point agree to a few events.
    @Test func theShippedDeepSetsTaggerTagsTheConstituentJets() throws {
        let r = try CLI.run(["physics", Self.example.appendingPathComponent("model.json").path,
                             "--generator", "jet_constituents", "--events", "1000", "--seed", "99", "--quiet"])
        #expect(r.code == 0, "\(r.err)")
        let float = TrackQualityPhysicsTests.figure(r.out, "accuracy", column: 1)
        let fixed = TrackQualityPhysicsTests.figure(r.out, "accuracy", column: 2)
        #expect(float.map { $0 > 0.60 && $0 < 0.71 } == true, "\(r.out)")
        #expect(zip([float], [fixed]).allSatisfy { a, b in a.flatMap { a in b.map { abs(a - $0) <= 0.01 } } == true }, "\(r.out)")
        for name in ["g", "q", "w", "z", "t"] {
            let auc = TrackQualityPhysicsTests.figure(r.out, "AUC \(name) vs rest", column: 1)
            #expect(auc.map { $0 > 0.78 } == true, "\(name): \(r.out)")
        }
    }
}

extension DeepSetsTaggerTests {
    static let folder = CLI.repoRoot.appendingPathComponent("hls-out/deep_sets_tagger").path
    static let testInputs = example.appendingPathComponent("test_inputs.csv").path

    /// hls-out/deep_sets_tagger as shipped: Verilator gives the reference's
    /// bits on the example's 200 test jets, in the 11 cycles design.json says
    /// (2,000 jets, the full build: docs/training.md).
    @Test func theShippedFolderSimulatesBitExactly() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["simulate", Self.folder, "--input", Self.testInputs,
                             "--output", dir.appendingPathComponent("y.csv").path, "--quick-build"])
        #expect(r.code == 0, "exit \(r.code): \(r.err)")
        #expect(r.out.contains("simulated 200 events: latency 11 cycles (design.json: 11)"), "\(r.out)")
        #expect(r.out.contains("bit mismatches vs the Swift reference: 0\n"), "\(r.out)")
    }

    @Test func theShippedFolderCSimulatesBitExactly() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["csim", Self.folder, "--input", Self.testInputs, "--output", dir.appendingPathComponent("y.csv").path])
        #expect(r.code == 0, "exit \(r.code): \(r.err)")
        #expect(r.out.contains("simulated 200 events"), "\(r.out)")
        #expect(r.out.contains("bit mismatches vs the Swift reference: 0\n"), "\(r.out)")
    }
}

extension DeepSetsTaggerTests {
    /// The folder's second config trains the jet_tagger MLP on the
    /// high-level features of the same jets (jet_constituents_hlf),
    /// reproducibly: the same seed writes the same model.
    @Test func theFeatureMLPConfigTrainsTheSameWeightsTwice() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("train_mlp_hlf.json")
        try FileManager.default.copyItem(at: Self.example.appendingPathComponent("train_mlp_hlf.json"), to: config)
        var models: [Data] = []
        for name in ["a.json", "b.json"] {
            let r = try CLI.run(["train", "--config", config.path, "--events", "800", "--epochs", "2", "--output", name, "--quiet"])
            #expect(r.code == 0, "\(r.err)")
            models.append(try Data(contentsOf: dir.appendingPathComponent(name)))
        }
        #expect(models[0] == models[1])
        let text = String(decoding: models[0], as: UTF8.self)
        #expect(text.contains("\"shape\": [16]") && text.contains("\"name\": \"mlp_hlf_tagger\""), "the model reads the 16 features")
    }

    /// The shipped feature MLP on 1,000 jets of seed 99, their features
    /// (docs/training.md has 10,000): above the deep set's band, float and
    /// fixed point within a point.
    @Test func theShippedFeatureMLPTagsTheSameJets() throws {
        let r = try CLI.run(["physics", Self.example.appendingPathComponent("model_mlp_hlf.json").path,
                             "--generator", "jet_constituents_hlf", "--events", "1000", "--seed", "99", "--quiet"])
        #expect(r.code == 0, "\(r.err)")
        let float = TrackQualityPhysicsTests.figure(r.out, "accuracy", column: 1)
        let fixed = TrackQualityPhysicsTests.figure(r.out, "accuracy", column: 2)
        #expect(float.map { $0 > 0.72 && $0 < 0.80 } == true, "\(r.out)")
        #expect(float.flatMap { a in fixed.map { abs(a - $0) <= 0.01 } } == true, "\(r.out)")
    }
}

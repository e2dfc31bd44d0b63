import Foundation
import Testing

/// `generate` writes a built-in set with its event shape; `physics` takes the new sets.
struct GenerateCommandTests {
    @Test func writesCalorimeterEventsWithTheirShapeAndLabels() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let events = dir.appendingPathComponent("zb.npy"), labels = dir.appendingPathComponent("y.csv")
        let r = try CLI.run(["generate", "--generator", "calo_zero_bias", "--events", "5", "--seed", "3",
                             "--output", events.path, "--labels", labels.path])
        #expect(r.code == 0, "\(r.err)")
        let header = String(decoding: try Data(contentsOf: events).prefix(128), as: UTF8.self)
        #expect(header.contains("'shape': (5, 18, 14, 1)"), "\(header)")
        #expect(try String(contentsOf: labels, encoding: .utf8).split(separator: "\n") == ["0", "0", "0", "0", "0"])
        let bad = try CLI.run(["generate", "--generator", "calo_nothing", "--output", events.path])
        #expect(bad.code == 2 && bad.err.contains("unknown generator 'calo_nothing'"), "\(bad.err)")
    }

    /// The shipped tagger (trained on `jet_tagging`) on the retuned jets' features: 75.6% on 10,000 jets (docs/datasets.md).
    @Test func theShippedTaggerScoresTheConstituentJetsHighLevelFeatures() throws {
        let model = CLI.repoRoot.appendingPathComponent("examples/jet_tagger/model.json").path
        let r = try CLI.run(["physics", model, "--generator", "jet_constituents_hlf", "--events", "1000", "--seed", "99", "--quiet"])
        #expect(r.code == 0, "\(r.err)")
        let accuracy = TrackQualityPhysicsTests.figure(r.out, "accuracy", column: 1)
        #expect(accuracy.map { $0 > 0.70 && $0 < 0.81 } == true, "\(r.out)")
        #expect(r.out.contains("AUC g vs rest"), "\(r.out)")
    }

    @Test func theCalorimeterScoreNeedsTwoHundredFiftyTwoInputs() throws {
        let other = CLI.repoRoot.appendingPathComponent("examples/l1_autoencoder/model.json").path
        let r = try CLI.run(["physics", other, "--generator", "calo", "--events", "100", "--quiet"])
        #expect(r.code == 2)
        #expect(r.err.contains("the calo generator makes 252"), "\(r.err)")
    }
}

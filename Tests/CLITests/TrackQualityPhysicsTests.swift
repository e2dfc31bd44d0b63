import Foundation
import Testing

/// `physics --generator track_quality` on the shipped forest: fake tracks
/// are the background, genuine tracks the signal.
struct TrackQualityPhysicsTests {
    static let model = CLI.repoRoot.appendingPathComponent("examples/track_quality/model.json").path

    /// The number in `column` (1: float, 2: fixed) of the table row starting with `label`.
    static func figure(_ out: String, _ label: String, column: Int) -> Double? {
        guard let line = out.split(separator: "\n").first(where: { $0.hasPrefix(label) }) else { return nil }
        let fields = line.dropFirst(label.count).split(separator: " ")
        guard fields.count > column - 1 else { return nil }
        return Double(fields[column - 1].split(separator: "±")[0])
    }

    @Test func theShippedForestSeparatesGenuineFromFakeTracks() throws {
        let r = try CLI.run(["physics", Self.model, "--generator", "track_quality", "--events", "4000",
                             "--background-acceptance", "0.1", "--seed", "99", "--quiet"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("4000 background events and 4000 per signal"), "\(r.out)")
        let aucFloat = Self.figure(r.out, "AUC genuine tracks", column: 1), aucFixed = Self.figure(r.out, "AUC genuine tracks", column: 2)
        let efficiency = Self.figure(r.out, "eff genuine tracks", column: 1)
        // 10^6 tracks give AUC 0.9395 and 0.808 at 90% fake rejection (docs/forests.md); 4000 scatter by ~0.005 and ~0.006.
        #expect(aucFloat.map { abs($0 - 0.94) < 0.02 } == true, "\(r.out)")
        #expect(aucFixed.map { abs($0 - 0.94) < 0.02 } == true, "\(r.out)")
        #expect(efficiency.map { abs($0 - 0.81) < 0.04 } == true, "\(r.out)")
    }

    @Test func aModelOfAnotherWidthIsRefused() throws {
        let other = CLI.repoRoot.appendingPathComponent("examples/l1_autoencoder/model.json").path
        let r = try CLI.run(["physics", other, "--generator", "track_quality", "--events", "100", "--quiet"])
        #expect(r.code == 2)
        #expect(r.err.contains("the model takes 57 values; the track_quality generator makes 7"), "\(r.err)")
    }
}

/// `train` with a forest config: a line per tree, the files written; `--epochs` refused.
struct TrainForestCommandTests {
    @Test func aForestConfigTrainsWithALinePerTreeAndEpochsAreRefused() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("train.json")
        try Data(#"{"name": "tq", "task": "classification", "data": {"generator": "track_quality", "events": 400},"#
            .appending(#" "input_type": "ap_fixed<16,8,AP_RND,AP_SAT>", "model": {"forest": {"trees": 3, "depth": 2}}}"#).utf8).write(to: config)
        let refused = try CLI.run(["train", "--config", config.path, "--epochs", "3"])
        #expect(refused.code == 2 && refused.err.contains("--epochs: a forest (model.forest) trains no epochs"), "\(refused.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("model.json").path))
        let r = try CLI.run(["train", "--config", config.path])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("tree    3/3") || r.err.contains("tree    3/3"), "\(r.out)\(r.err)")
        #expect((r.out + r.err).contains("trained forest 'tq' (3 trees)"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("model.json").path))
    }
}

import FileSafety
import Foundation

/// Results that Slurm tasks of an earlier, interrupted run wrote after that
/// run stopped (`DIR/tasks/results/KEY.json`): gathered into the database
/// before a run decides what to evaluate, whichever executor it uses.
public enum LeftoverResults {
    /// Records the result file of every point in `points` that has one and
    /// removes the file; returns how many were recorded.
    public static func gather(_ points: [PlannedPoint], folder: SweepFolder, database: ResultsDatabase) throws(SweepError) -> Int {
        var count = 0
        for point in points {
            let file = folder.resultFile(point.key)
            guard FileKind.of(file) == .regular, let text = try? String(contentsOfFile: file, encoding: .utf8),
                  let result = PointResultText.parse(text) else { continue }
            try database.record(key: point.key, settings: point.settings, result: result)
            try? FileManager.default.removeItem(atPath: file)
            count += 1
        }
        return count
    }
}

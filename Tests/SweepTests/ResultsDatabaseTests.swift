import Foundation
import Sweep
import Testing

@Suite struct ResultsDatabaseTests {
    func temporary() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hepml-db-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir + "/sweep.db"
    }

    @Test func recordsReplaceFailuresAndCountEvaluations() throws {
        let path = try temporary()
        let db = try ResultsDatabase(path: path)
        var done = PointResult(status: .done)
        done.lut = 120
        done.accuracy = 0.75
        done.maxError = .nan
        try db.record(key: "aa", settings: PointSettings([]), result: .failure("boom", exitCode: 4))
        try db.record(key: "aa", settings: PointSettings([]), result: done)
        try db.record(key: "bb", settings: PointSettings([]), result: .failure("bad", exitCode: 2))
        #expect(try db.evaluationCount() == 3)
        #expect(try db.evaluationCount(key: "aa") == 2)
        #expect(try db.statuses(["aa", "bb", "cc"]) == ["aa": .done, "bb": .failed])
        let reopened = try ResultsDatabase(path: path)
        let points = try reopened.points(["bb", "aa"])
        #expect(points.map(\.key) == ["bb", "aa"])
        #expect(points[0].result.error == "bad" && points[0].result.exitCode == 2)
        #expect(points[1].result.lut == 120 && points[1].result.accuracy == 0.75 && points[1].result.maxError!.isNaN)
    }

    @Test func usesTheWriteAheadLog() throws {
        let path = try temporary()
        _ = try ResultsDatabase(path: path)
        let header = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(20)
        // Bytes 18 and 19 of a SQLite header are 2 in WAL mode (1 for a rollback journal).
        #expect(header.count == 20 && header[18] == 2 && header[19] == 2)
    }

    @Test func paretoFrontKeepsOnlyUnbeatenPoints() {
        let points: [(x: Double, y: Double)] = [(10, 0.5), (20, 0.7), (15, 0.4), (30, 0.7), (25, 0.9), (5, .nan)]
        #expect(ParetoFront.front(points, maximizeY: true) == [0, 1, 4])
        #expect(ParetoFront.front(points, maximizeY: false) == [0, 2])
        // Ties in both figures share the front; a tie in one figure only does not.
        #expect(ParetoFront.front([(10, 0.5), (10, 0.5), (10, 0.4), (12, 0.5)], maximizeY: true) == [0, 1])
    }
}

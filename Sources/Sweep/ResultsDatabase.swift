import Foundation

/// A stored point: its key, settings and result.
public struct StoredPoint: Sendable, Equatable {
    public var key: String
    public var settings: PointSettings
    public var result: PointResult
}

/// The sweep's results database (`DIR/sweep.db`, SQLite): one row per point,
/// keyed by the point's content hash, holding its result or its error; and
/// one row per evaluation ever recorded, so that a re-run can be shown to
/// have recomputed nothing. WAL journal, full sync and one transaction per
/// recorded point: a sweep killed at any instant (SIGKILL included) leaves
/// every committed point and nothing half-written.
public final class ResultsDatabase {
    let connection: SQLiteConnection
    public var path: String { connection.path }

    /// The database file's name in a sweep folder.
    public static let fileName = "sweep.db"
    /// The names SQLite keeps beside it while open.
    public static let companionSuffixes = ["-wal", "-shm", "-journal"]
    static let schemaVersion = "1"

    /// Opens or creates the database. A file that is not a sweep database
    /// of this tool is refused.
    public init(path: String) throws(SweepError) {
        connection = try SQLiteConnection(path: path)
        let mode = try connection.query("PRAGMA journal_mode=WAL").first?.first?.string
        guard mode?.lowercased() == "wal" else {
            throw .database(path: path, message: "cannot use the WAL journal (journal_mode is \(mode ?? "unknown"))")
        }
        try connection.execute("PRAGMA synchronous=FULL")
        try connection.transaction { () throws(SweepError) in
            try connection.execute("""
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS points(
                    key TEXT PRIMARY KEY, label TEXT NOT NULL, settings TEXT NOT NULL, status TEXT NOT NULL,
                    result TEXT NOT NULL, error TEXT, lut INTEGER, latency_ns REAL, accuracy REAL, rms_error REAL,
                    updated TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS evaluations(
                    id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, status TEXT NOT NULL,
                    seconds REAL NOT NULL, at TEXT NOT NULL);
                """)
            let meta = try connection.query("SELECT key, value FROM meta")
            let values = Dictionary(meta.compactMap { r in r[0].string.map { ($0, r[1].string ?? "") } }, uniquingKeysWith: { a, _ in a })
            if values.isEmpty {
                try connection.query("INSERT INTO meta(key, value) VALUES ('generator', 'hepml-compile'), ('schema', ?)",
                                     [.text(Self.schemaVersion)])
            } else if values["generator"] != "hepml-compile" || values["schema"] != Self.schemaVersion {
                throw SweepError.database(path: path, message: "not a sweep database of this version of hepml-compile")
            }
        }
    }

    /// The keys among `keys` with a stored row, and whether each is done.
    public func statuses(_ keys: [String]) throws(SweepError) -> [String: PointResult.Status] {
        var out: [String: PointResult.Status] = [:]
        for row in try connection.query("SELECT key, status FROM points") {
            if let key = row[0].string, let s = row[1].string.flatMap(PointResult.Status.init(rawValue:)) { out[key] = s }
        }
        let wanted = Set(keys)
        return out.filter { wanted.contains($0.key) }
    }

    /// Stores a point's result (replacing an earlier failure) and logs the evaluation, in one transaction.
    public func record(key: String, settings: PointSettings, result: PointResult) throws(SweepError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let resultText = PointResultText.text(result)
        let settingsText: String
        do { settingsText = String(decoding: try encoder.encode(settings), as: UTF8.self) } catch {
            throw .database(path: path, message: "cannot encode a point's settings: \(error)")
        }
        let now = ISO8601DateFormatter().string(from: Date())
        try connection.transaction { () throws(SweepError) in
            try connection.query("INSERT INTO evaluations(key, status, seconds, at) VALUES (?, ?, ?, ?)",
                                 [.text(key), .text(result.status.rawValue), .real(result.seconds), .text(now)])
            try connection.query("""
                INSERT OR REPLACE INTO points(key, label, settings, status, result, error, lut, latency_ns, accuracy, rms_error, updated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(key), .text(settings.label), .text(settingsText), .text(result.status.rawValue), .text(resultText),
                      result.error.map { .text($0) } ?? .null, result.lut.map { .integer(Int64($0)) } ?? .null,
                      result.latencyNs.map { .real($0) } ?? .null, result.accuracy.map { .real($0) } ?? .null,
                      result.rmsError.map { .real($0) } ?? .null, .text(now)])
        }
    }

    /// The stored points among `keys`, in the order of `keys`.
    public func points(_ keys: [String]) throws(SweepError) -> [StoredPoint] {
        var byKey: [String: StoredPoint] = [:]
        let decoder = JSONDecoder()
        for row in try connection.query("SELECT key, settings, result FROM points") {
            guard let key = row[0].string, let s = row[1].string, let r = row[2].string,
                  let settings = try? decoder.decode(PointSettings.self, from: Data(s.utf8)),
                  let result = PointResultText.parse(r) else { continue }
            byKey[key] = StoredPoint(key: key, settings: settings, result: result)
        }
        return keys.compactMap { byKey[$0] }
    }

    /// Evaluations recorded for `key` (all keys when nil).
    public func evaluationCount(key: String? = nil) throws(SweepError) -> Int {
        let rows = if let key {
            try connection.query("SELECT COUNT(*) FROM evaluations WHERE key = ?", [.text(key)])
        } else {
            try connection.query("SELECT COUNT(*) FROM evaluations")
        }
        return rows.first?.first?.int ?? 0
    }

    /// Writes the WAL back into the main file (on a clean finish).
    public func checkpoint() {
        try? connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }
}

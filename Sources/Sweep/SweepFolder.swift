import FileSafety
import Foundation

/// A sweep's output folder (`--out DIR`), which outlives a run so that a
/// re-run resumes from its database:
///
///     DIR/sweep.db              the results database (+ SQLite's -wal/-shm while open)
///     DIR/report/               results.csv, pareto.html and hepml-manifest.json,
///                               replaced whole by each run (FolderReplacement)
///     DIR/tasks/plan-HASH.json  a run's points, for its child processes and Slurm tasks
///                               (named by its content: sweeps sharing DIR do not overwrite each other's)
///     DIR/tasks/results/KEY.json  a point's result handed back by a task, until gathered
///     DIR/tasks/logs/           Slurm task logs
///
/// A new folder is created; an existing one is used only when it is empty
/// or holds nothing but these names and its database is a sweep database
/// (``ResultsDatabase`` checks that), so a sweep never writes into a
/// folder of the user's. Files the user edited under `report/` are caught
/// by its manifest, as for `--out` of the other commands.
public struct SweepFolder: Sendable {
    public let path: String

    public var database: String { path + "/" + ResultsDatabase.fileName }
    public var report: String { path + "/report" }
    public var tasks: String { path + "/tasks" }
    /// The plan file of `plan` (named by the hash of its text).
    public func planFile(_ plan: SweepPlan) -> String { tasks + "/plan-" + ContentHash.of(plan.json) + ".json" }
    public var results: String { tasks + "/results" }
    public var logs: String { tasks + "/logs" }

    /// The result file of point `key` in ``results``.
    public func resultFile(_ key: String) -> String { results + "/" + key + ".json" }

    /// The names a sweep folder may hold at its top.
    static func isSweepEntry(_ name: String) -> Bool {
        let db = ResultsDatabase.fileName
        return name == db || ResultsDatabase.companionSuffixes.contains { name == db + $0 }
            || name == "report" || name == "tasks" || name.hasPrefix(".report.")
    }

    /// Opens or creates `path` as a sweep folder, refusing anything else.
    public init(_ path: String) throws(SweepError) {
        var p = path
        while p.count > 1, p.hasSuffix("/") { p.removeLast() }
        self.path = p
        switch FileKind.of(p) {
        case nil:
            do { try FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true) } catch {
                throw .refused(.io(path: p, reason: "cannot create the sweep folder: \(error.localizedDescription)"))
            }
        case .directory?:
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: p) } catch {
                throw .refused(.io(path: p, reason: "cannot list it: \(error.localizedDescription)"))
            }
            if let stranger = names.sorted().first(where: { !Self.isSweepEntry($0) }) {
                throw .refused(.refused(path: p, reason: "it holds \(stranger), which a sweep did not write; choose a new folder (a sweep folder holds only "
                    + "\(ResultsDatabase.fileName), report/ and tasks/)"))
            }
            if !names.isEmpty, FileKind.of(database) != .regular {
                throw .refused(.refused(path: p, reason: "it has no \(ResultsDatabase.fileName) (a regular file), so it is not a sweep folder; choose a new folder"))
            }
            for sub in ["report", "tasks"] where names.contains(sub) && FileKind.of(p + "/" + sub) != .directory {
                throw .refused(.refused(path: p, reason: "its \(sub) is not a folder, so a sweep did not write it"))
            }
        case let kind?:
            throw .refused(.refused(path: p, reason: "it exists and is \(kind), not a sweep folder"))
        }
        for folder in [tasks, results, logs] where FileKind.of(folder) == nil {
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false) } catch {
                throw .refused(.io(path: folder, reason: "cannot create it: \(error.localizedDescription)"))
            }
        }
        for folder in [tasks, results, logs] where FileKind.of(folder) != .directory {
            throw .refused(.refused(path: folder, reason: "it is not a folder, so a sweep did not write it"))
        }
    }
}

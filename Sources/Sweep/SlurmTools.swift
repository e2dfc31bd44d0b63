import FileSafety
import Foundation
import Toolchain

/// How the Slurm job array is submitted (`--partition`, `--time`, `--mem`)
/// and watched.
public struct SlurmSettings: Sendable, Equatable {
    public var partition: String?
    /// `--time` of each task (Slurm's formats, e.g. `10:00`).
    public var time: String?
    /// `--mem` of each task (e.g. `2G`).
    public var mem: String?
    /// Times a task that ended without a result is submitted again.
    public var maxResubmits = 2
    /// Seconds between two looks at the queue.
    public var pollSeconds = 1.0
    /// At most this many tasks of the array run at once (`--array=...%N`); nil: Slurm decides.
    public var concurrentTasks: Int?

    public init() {}

    /// Refuses values that would reach sbatch as something else than one option's value.
    public func check() throws(SweepError) {
        for (name, value) in [("--partition", partition), ("--time", time), ("--mem", mem)] {
            guard let value else { continue }
            guard !value.isEmpty, value.count <= 200,
                  value.allSatisfy({ $0.isLetter || $0.isNumber || "-_:.,+".contains($0) }) else {
                throw .input("\(name) '\(value)': use letters, digits and - _ : . , + only")
            }
        }
        guard maxResubmits >= 0 && maxResubmits <= 100 else { throw .input("--max-resubmits must be in 0...100") }
        if let n = concurrentTasks, n < 1 { throw .input("--jobs must be at least 1") }
    }
}

/// sbatch, squeue and scontrol, found on PATH by the project's lookup
/// (absolute entries only) and used only when trusted: owned by you or
/// root and writable by nobody else, as the other tools we run.
struct SlurmTools: Sendable {
    var sbatch: String
    var squeue: String
    var scontrol: String

    static let hint = "install Slurm's client commands (Debian: slurm-client) or run on a submit node; scripts/slurm.sh start brings up a one-node Slurm"

    static func locate() throws(SweepError) -> SlurmTools {
        func find(_ name: String) throws(SweepError) -> String {
            do { return try ToolRunner.require(name, installHint: hint) } catch { throw .tool(error) }
        }
        return SlurmTools(sbatch: try find("sbatch"), squeue: try find("squeue"), scontrol: try find("scontrol"))
    }

    func run(_ tool: String, _ arguments: [String]) async throws(SweepError) -> String {
        do { return try await ToolRunner.run(tool, arguments, installHint: Self.hint, timeLimit: 120).standardOutput } catch {
            throw .tool(error)
        }
    }

    /// Submits `script` as an array over `indices`; returns the job id.
    func submit(script: String, indices: [Int], settings: SlurmSettings, logs: String) async throws(SweepError) -> String {
        var arguments = ["--parsable", "--job-name=hepml-sweep", "--array=" + Self.arraySpec(indices) + (settings.concurrentTasks.map { "%\($0)" } ?? ""),
                         "--output=\(logs)/%A_%a.out", "--cpus-per-task=1"]
        if let p = settings.partition { arguments.append("--partition=\(p)") }
        if let t = settings.time { arguments.append("--time=\(t)") }
        if let m = settings.mem { arguments.append("--mem=\(m)") }
        let out = try await run(sbatch, arguments + [script])
        let id = out.split(whereSeparator: { $0 == ";" || $0.isNewline }).first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw .tool(.unreadableOutput(tool: "sbatch", reason: "no job id in '\(out.prefix(200))'", log: "(not kept)"))
        }
        return id
    }

    /// `0-3,7,9`: runs of consecutive indices as ranges.
    static func arraySpec(_ indices: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        let s = indices.sorted()
        while i < s.count {
            var j = i
            while j + 1 < s.count, s[j + 1] == s[j] + 1 { j += 1 }
            parts.append(i == j ? "\(s[i])" : "\(s[i])-\(s[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }

    /// The array indices of `job` still queued or running, with their state;
    /// empty once the job has left the queue (squeue then says the job id is
    /// invalid). Nil when squeue could not answer: nothing is concluded then.
    func queued(job: String) async -> [Int: String]? {
        let out: String
        do { out = try await run(squeue, ["-h", "-r", "-j", job, "-o", "%i|%T"]) } catch {
            if case .tool(.failed(_, _, _, let lines)) = error, lines.lowercased().contains("invalid job id") { return [:] }
            return nil
        }
        var tasks: [Int: String] = [:]
        for line in out.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: "|")
            guard fields.count == 2, let underscore = fields[0].lastIndex(of: "_"),
                  let index = Int(fields[0][fields[0].index(after: underscore)...]) else { continue }
            tasks[index] = String(fields[1])
        }
        return tasks
    }

    /// `JobState=... ExitCode=...` of a finished task, as scontrol still knows it (best effort).
    func state(job: String, index: Int) async -> String {
        guard let out = try? await run(scontrol, ["show", "job", "\(job)_\(index)"]) else { return "state unknown" }
        let words = out.split(whereSeparator: { $0 == " " || $0.isNewline })
        let picked = words.filter { $0.hasPrefix("JobState=") || $0.hasPrefix("ExitCode=") || $0.hasPrefix("Reason=") }
        return picked.isEmpty ? "state unknown" : picked.joined(separator: " ")
    }
}

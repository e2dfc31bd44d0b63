import Foundation
import Sweep
import Testing

/// The Slurm executor against a real one-node Slurm (scripts/slurm.sh start;
/// scripts/test.sh starts it before the suite and stops it after).
/// In CI (`CI` set) they always run: a Slurm that did not start is a failure there, not a skip.
@Suite(.serialized, .tags(.slurm), .enabled(if: SlurmCluster.isUp || ProcessInfo.processInfo.environment["CI"] != nil,
                                            "needs a running Slurm: scripts/slurm.sh start"))
struct SlurmExecutorTests {
    /// The CSV without the seconds column (wall clock of each evaluation).
    func figures(_ f: SweepFixture) throws -> [[String: String]] {
        try f.results().map { $0.filter { $0.key != "seconds" } }
    }

    @Test func localAndSlurmGiveTheSameResults() throws {
        let local = try SweepFixture()
        let slurm = try SweepFixture()
        #expect(try local.sweep().code == 0)
        let r = try slurm.sweep(["--executor", "slurm"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("slurm: submitted job"), "\(r.out)")
        #expect(r.out.contains("sweep: 4 points: 4 evaluated now"))
        // The same model, events and settings: the same keys and figures.
        #expect(try figures(local) == figures(slurm))
        #expect(try ResultsDatabase(path: slurm.out + "/sweep.db").evaluationCount() == 4)
        let again = try slurm.sweep(["--executor", "slurm"])
        #expect(again.out.contains("0 evaluated now, 4 from the database") && !again.out.contains("submitted"), "\(again.out)")
    }

    @Test func cancelledTasksAreSubmittedAgain() throws {
        let f = try SweepFixture()
        let p = Process()
        p.executableURL = SweepFixture.executable
        p.arguments = ["sweep", f.spec, "--out", f.out, "--executor", "slurm", "--jobs", "1", "--max-resubmits", "1"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Cancel the first job as soon as it is queued: its tasks leave the queue without results.
        var cancelled = false
        for _ in 0..<1200 where !cancelled && p.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
            let jobs = try Self.shell("/usr/bin/squeue", ["-h", "-o", "%F", "-n", "hepml-sweep"])
            if let job = jobs.split(separator: "\n").first {
                _ = try Self.shell("/usr/bin/scancel", [String(job)])
                cancelled = true
            }
        }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(cancelled)
        #expect(p.terminationStatus == 0, "\(text)")
        #expect(text.contains("slurm: resubmitted"), "\(text)")
        let rows = try f.results()
        #expect(rows.count == 4 && rows.allSatisfy { $0["status"] == "done" }, "\(rows)")
        #expect(try ResultsDatabase(path: f.out + "/sweep.db").evaluationCount() == 4, "a cancelled task records nothing")
    }

    static func shell(_ tool: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Whether a Slurm is configured here (SLURM_CONF, as scripts/slurm.sh env sets it) and its client installed.
enum SlurmCluster {
    static var isUp: Bool {
        let env = ProcessInfo.processInfo.environment
        let conf = env["SLURM_CONF"] ?? "/etc/slurm/slurm.conf"
        return FileManager.default.fileExists(atPath: conf) && FileManager.default.isExecutableFile(atPath: "/usr/bin/sbatch")
    }
}

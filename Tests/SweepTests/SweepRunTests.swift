import Foundation
import Sweep
import Testing

/// Whole sweeps through the built CLI (local executor: one child process per point).
@Suite struct SweepRunTests {
    func evaluations(_ f: SweepFixture) throws -> Int {
        try ResultsDatabase(path: f.out + "/sweep.db").evaluationCount()
    }

    @Test func aSecondRunRecomputesNothing() throws {
        let f = try SweepFixture()
        let first = try f.sweep(["--jobs", "2"])
        #expect(first.code == 0, "\(first.err)")
        #expect(first.out.contains("sweep: 4 points: 4 evaluated now, 0 from the database, 0 failed"))
        #expect(try evaluations(f) == 4)
        let csv = try f.read("report/results.csv")
        let second = try f.sweep()
        #expect(second.code == 0, "\(second.err)")
        #expect(second.out.contains("sweep: 4 points: 0 evaluated now, 4 from the database, 0 failed"))
        #expect(try evaluations(f) == 4, "no point evaluated again")
        #expect(try f.read("report/results.csv") == csv, "the report is written from the database")
        // A grown grid evaluates only the new points.
        try f.writeSpec(#""axes": { "precision.weight": ["ap_fixed<4,1>", "ap_fixed<8,2>"], "clock_ns": [2, 5, 10] }"#)
        let third = try f.sweep()
        #expect(third.out.contains("sweep: 6 points: 2 evaluated now, 4 from the database"), "\(third.out)")
        #expect(try evaluations(f) == 6)
    }

    @Test func resultsHoldTheFiguresOfEachPoint() throws {
        let f = try SweepFixture()
        #expect(try f.sweep().code == 0)
        let rows = try f.results()
        #expect(rows.count == 4)
        for r in rows {
            #expect(r["status"] == "done")
            #expect(Int(r["lut"] ?? "") ?? 0 > 0)
            #expect(r["events"] == "300")
            #expect(r["resource_method"] == "estimate")
            let cycles = Int(r["latency_cycles"]!)!, clock = Double(r["clock_ns"]!)!
            #expect(abs(Double(r["latency_ns"]!)! - Double(cycles) * clock) < 1e-9)
            let accuracy = Double(r["accuracy"]!)!
            #expect(accuracy >= 0 && accuracy <= 1)
            #expect(Double(r["rms_error"]!)! <= Double(r["max_error"]!)!)
        }
        func row(_ weight: String, _ clock: String) -> [String: String] {
            rows.first { $0["set:precision.weight"] == weight && $0["set:clock_ns"] == clock }!
        }
        // Narrower weights: fewer LUTs, larger error; a faster clock: more cycles, same outputs.
        #expect(Int(row("ap_fixed<4,1>", "5")["lut"]!)! < Int(row("ap_fixed<8,2>", "5")["lut"]!)!)
        #expect(Double(row("ap_fixed<4,1>", "5")["rms_error"]!)! > Double(row("ap_fixed<8,2>", "5")["rms_error"]!)!)
        #expect(Int(row("ap_fixed<8,2>", "2")["latency_cycles"]!)! > Int(row("ap_fixed<8,2>", "5")["latency_cycles"]!)!)
        #expect(row("ap_fixed<8,2>", "2")["rms_error"] == row("ap_fixed<8,2>", "5")["rms_error"])
    }

    @Test func paretoPageLinksEveryPointToItsSettings() throws {
        let f = try SweepFixture()
        try f.writeSpec(SweepFixture.grid, extra: #" "chosen": { "clock_ns": 5, "precision.weight": "ap_fixed<8,2>" },"#)
        #expect(try f.sweep().code == 0)
        let html = try f.read("report/pareto.html")
        let rows = try f.results()
        #expect(html.components(separatedBy: "<svg").count - 1 == 2)
        #expect(html.contains("LUT vs accuracy") && html.contains("latency vs LUT"))
        #expect(!html.contains("<script") && !html.contains("src="), "self-contained: nothing fetched")
        for r in rows {
            let key = r["key"]!
            #expect(html.contains("id=\"p-\(key)\""), "a row for \(key)")
            #expect(html.components(separatedBy: "href=\"#p-\(key)\"").count - 1 == 2, "a point in each chart for \(key)")
        }
        #expect(html.contains("<code>precision.weight=ap_fixed&lt;4,1&gt;</code>"), "settings escaped in the table")
        // Every front holds at least one point, and the CSV marks the same ones.
        let front = rows.filter { $0["on_front"] == "1" }
        #expect(!front.isEmpty)
        for r in front where r["chosen"] == "0" { #expect(html.contains("<tr id=\"p-\(r["key"]!)\" class=\"front\">")) }
        // The chosen design: one row marked in the CSV, its row and a ring in each chart.
        let chosen = rows.filter { $0["chosen"] == "1" }
        #expect(chosen.count == 1 && chosen.first?["set:clock_ns"] == "5" && chosen.first?["set:precision.weight"] == "ap_fixed<8,2>")
        #expect(html.contains("<tr id=\"p-\(chosen[0]["key"]!)\" class=\"chosen\">"))
        #expect(html.components(separatedBy: ">chosen</text>").count - 1 == 2)
    }

    @Test func aFailedPointKeepsItsErrorAndIsNotRetriedUnlessAsked() throws {
        let f = try SweepFixture(axes: #""axes": { "latency_cycles": [0, 6] }"#)
        let first = try f.sweep()
        #expect(first.code == 0, "\(first.err)")
        #expect(first.out.contains("1 failed"))
        let rows = try f.results()
        let failed = rows.first { $0["set:latency_cycles"] == "0" }!
        #expect(failed["status"] == "failed")
        #expect(failed["error"]!.contains("latency_cycles 0: the model needs at least"), "\(failed["error"]!)")
        #expect(rows.first { $0["set:latency_cycles"] == "6" }!["status"] == "done")
        #expect(try evaluations(f) == 2)
        _ = try f.sweep()
        #expect(try evaluations(f) == 2, "a stored failure is a result")
        let retry = try f.sweep(["--retry-failed"])
        #expect(retry.out.contains("1 evaluated now"), "\(retry.out)")
        #expect(try evaluations(f) == 3)
        #expect(try f.results().first { $0["set:latency_cycles"] == "0" }!["error"] == failed["error"])
    }

    @Test func aKilledSweepResumesWithoutRedoingFinishedPoints() throws {
        let f = try SweepFixture(axes: #""axes": { "precision.weight": ["ap_fixed<4,1>", "ap_fixed<6,1>", "ap_fixed<8,2>"], "clock_ns": [2, 3, 5] }"#)
        let p = Process()
        p.executableURL = SweepFixture.executable
        p.arguments = ["sweep", f.spec, "--out", f.out, "--jobs", "1"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait (by polling the database, not a clock) for some but not all points, then SIGKILL.
        var recorded = 0
        for _ in 0..<3000 where recorded == 0 && p.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
            if FileManager.default.fileExists(atPath: f.out + "/sweep.db") {
                recorded = (try? ResultsDatabase(path: f.out + "/sweep.db").evaluationCount()) ?? 0
            }
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let before = try evaluations(f)
        #expect(before >= 1 && before < 9, "killed mid-sweep (\(before) points recorded)")
        let resumed = try f.sweep()
        #expect(resumed.code == 0, "\(resumed.err)")
        #expect(resumed.out.contains("sweep: 9 points: \(9 - before) evaluated now, \(before) from the database"), "\(resumed.out)")
        #expect(try evaluations(f) == 9, "every point evaluated exactly once")
        #expect(try f.results().allSatisfy { $0["status"] == "done" })
    }

    @Test func theOutputFolderFollowsTheOutRules() throws {
        let f = try SweepFixture(axes: #""axes": { "clock_ns": [5] }"#, events: 20)
        // A folder of the user's is refused.
        try FileManager.default.createDirectory(atPath: f.out, withIntermediateDirectories: true)
        try "mine".write(toFile: f.out + "/notes.txt", atomically: true, encoding: .utf8)
        let refused = try f.sweep()
        #expect(refused.code == 2 && refused.err.contains("it holds notes.txt, which a sweep did not write"), "\(refused.err)")
        #expect(try String(contentsOfFile: f.out + "/notes.txt", encoding: .utf8) == "mine")
        try FileManager.default.removeItem(atPath: f.out + "/notes.txt")
        // The spec's own folder holds the inputs.
        let inputs = try f.run(["sweep", f.spec, "--out", f.folder.path], in: URL(fileURLWithPath: "/"))
        #expect(inputs.code == 2 && inputs.err.contains("it holds the input file"), "\(inputs.err)")
        // An edited report is the user's: the run stops before replacing it.
        #expect(try f.sweep().code == 0)
        try "edited\n".write(toFile: f.out + "/report/results.csv", atomically: true, encoding: .utf8)
        let edited = try f.sweep()
        #expect(edited.code == 2 && edited.err.contains("results.csv was changed since hepml-compile wrote it"), "\(edited.err)")
        #expect(try f.read("report/results.csv") == "edited\n")
        // A database file that is not a sweep's is refused.
        let g = try SweepFixture(axes: #""axes": { "clock_ns": [5] }"#, events: 20)
        try FileManager.default.createDirectory(atPath: g.out, withIntermediateDirectories: true)
        try "not sqlite".write(toFile: g.out + "/sweep.db", atomically: true, encoding: .utf8)
        let notDB = try g.sweep()
        #expect(notDB.code == 4 && notDB.err.contains("sweep.db"), "\(notDB.err)")
    }
}

/// `--synthesize`: yosys per op module, through the per-user module cache.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/yosys"), "needs yosys"))
struct SweepSynthesisTests {
    @Test func synthesizedPointsCountWithYosys() throws {
        let f = try SweepFixture(axes: #""axes": { "clock_ns": [5] }"#, events: 50)
        let r = try f.sweep(["--synthesize", "--synthesis-budget", "300"])
        #expect(r.code == 0, "\(r.err)")
        let row = try #require(try f.results().first)
        #expect(row["status"] == "done", "\(row)")
        #expect(row["resource_method"] == "yosys", "\(row)")
        #expect(Int(row["lut"] ?? "") ?? 0 > 0)
        // The estimate is a different key: the same point, estimated, is a new row.
        let estimated = try f.sweep()
        #expect(estimated.out.contains("1 evaluated now"), "\(estimated.out)")
    }
}

/// Keys computed in another process are the CLI's keys, and a result file a
/// task left behind is gathered instead of being evaluated again.
@Suite struct LeftoverResultTests {
    @Test func aResultFileOfAnEarlierTaskIsGathered() throws {
        let f = try SweepFixture()
        let spec = try SweepSpec.load(path: f.spec)
        let tool = SweepFixture.executable.resolvingSymlinksInPath().path
        let plan = try SweepPlan.make(spec, synthesize: false, synthesisBudget: 600, threads: 1,
                                      toolVersion: SweepPlan.toolVersion(executable: tool))
        let folder = try SweepFolder(f.out)
        _ = try ResultsDatabase(path: folder.database)
        var left = PointResult(status: .done)
        left.lut = 12345
        try PointResultText.text(left).write(toFile: folder.resultFile(plan.points[2].key), atomically: true, encoding: .utf8)
        let r = try f.sweep()
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("sweep: gathered 1 result(s)"), "\(r.out)")
        #expect(r.out.contains("4 points: 3 evaluated now, 1 from the database"), "\(r.out)")
        let rows = try f.results()
        #expect(rows.first { $0["key"] == plan.points[2].key }?["lut"] == "12345")
        #expect(!FileManager.default.fileExists(atPath: folder.resultFile(plan.points[2].key)))
    }
}

/// Options and tools the sweep refuses, with their exit codes; a point
/// whose process is killed is one failed row.
@Suite struct SweepRefusalTests {
    @Test func badOptionsExitTwo() throws {
        let f = try SweepFixture(axes: #""axes": { "clock_ns": [5] }"#, events: 10)
        let jobs = try f.sweep(["--jobs", "0"])
        #expect(jobs.code == 2 && jobs.err.contains("--jobs must be at least 1"))
        let executor = try f.sweep(["--executor", "condor"])
        #expect(executor.code == 2 && executor.err.contains("--executor must be local or slurm"))
        let partition = try f.sweep(["--executor", "slurm", "--partition", "a b;rm"])
        #expect(partition.code == 2 && partition.err.contains("--partition"), "\(partition.err)")
    }

    @Test func slurmCommandsMissingOrUntrustedExitThree() throws {
        let f = try SweepFixture(axes: #""axes": { "clock_ns": [5] }"#, events: 10)
        let missing = try f.sweep(["--executor", "slurm"], environment: ["PATH": "/nonexistent"])
        #expect(missing.code == 3 && missing.err.contains("sbatch is not installed"), "\(missing.err)")
        // An sbatch that another user could have written is never run.
        let bin = f.folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for tool in ["sbatch", "squeue", "scontrol"] {
            let path = bin.appendingPathComponent(tool).path
            try "#!/bin/sh\ntouch \(f.folder.path)/ran\n".write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o777)
        }
        let untrusted = try f.sweep(["--executor", "slurm"], environment: ["PATH": bin.path])
        #expect(untrusted.code == 3 && untrusted.err.contains("no trusted sbatch on PATH") && untrusted.err.contains("writable by other users"), "\(untrusted.err)")
        #expect(!FileManager.default.fileExists(atPath: f.folder.appendingPathComponent("ran").path))
    }

    @Test func aKilledPointProcessIsOneFailedRow() throws {
        let f = try SweepFixture(axes: #""axes": { "clock_ns": [2, 3, 5, 10] }"#, events: 20_000)
        let p = Process()
        p.executableURL = SweepFixture.executable
        p.arguments = ["sweep", f.spec, "--out", f.out, "--jobs", "1"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Kill the first child process of the sweep found evaluating a point.
        var killed = false
        for _ in 0..<4000 where !killed && p.isRunning {
            for child in Self.children(of: p.processIdentifier) where Self.commandLine(child).contains("sweep-point") {
                kill(child, SIGKILL)
                killed = true
            }
            if !killed { Thread.sleep(forTimeInterval: 0.005) }
        }
        p.waitUntilExit()
        #expect(killed)
        #expect(p.terminationStatus == 0)
        let rows = try f.results()
        let failed = rows.filter { $0["status"] == "failed" }
        #expect(failed.count == 1 && rows.count == 4, "\(rows)")
        #expect(failed.first?["error"]?.contains("the point's process was killed by signal 9") == true, "\(failed)")
    }

    static func children(of parent: pid_t) -> [pid_t] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { Int32($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[1]) == parent
        }
    }

    static func commandLine(_ pid: pid_t) -> String {
        let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
        return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
    }
}

import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `report --synthesize` keeps to `--synthesis-budget`: a yosys that never
/// finishes is killed at the budget and its module keeps the estimate. Run as
/// its own process, so that the timer is not starved by the tests around it.
@Suite struct SynthesisBudgetTests {
    @Test func aHangingYosysIsKilledAtTheBudget() throws {
        let root = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let fm = FileManager.default
        for d in ["bin", "tmp", "cache"] { try fm.createDirectory(at: root.appendingPathComponent(d), withIntermediateDirectories: true) }
        // A stand-in yosys: answers -V, hangs on a synthesis.
        let fake = root.appendingPathComponent("bin/yosys").path
        try writeExecutable(fake, "#!/bin/sh\nif [ \"$1\" = -V ]; then echo 'Yosys 0.23 (stand-in)'; exit 0; fi\nexec sleep 3600\n")
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = root.appendingPathComponent("bin").path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["TMPDIR"] = root.appendingPathComponent("tmp").path
        env["XDG_CACHE_HOME"] = root.appendingPathComponent("cache").path
        let out = root.appendingPathComponent("report")
        let r = try CLI.run(["report", CLI.handModel, "--input", CLI.handInputs, "--out", out.path,
                             "--synthesize", "--synthesis-budget", "2"], environment: env, timeout: 600)
        // The stand-in sleeps an hour: a report that ended (before the
        // 600 s hang guard) stopped it at the budget. No bound on how soon.
        #expect(!r.timedOut, "the report was still running after 600 s")
        #expect(r.code == 0, "exit \(r.code): \(r.err)")
        let json = try String(contentsOf: out.appendingPathComponent("report.json"), encoding: .utf8)
        #expect(json.contains("over the synthesis budget, analytic estimate kept"), "\(json.prefix(2000))")
    }
}

import FileSafety
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// An interrupt stops the external tools hepml-compile started and removes
/// its scratch and staging folders.
@Suite(.serialized) struct InterruptTests {
    /// Whether `pid` still runs (a zombie, waiting to be reaped by init,
    /// does not).
    static func running(_ pid: pid_t) -> Bool {
        guard let status = FileManager.default.contents(atPath: "/proc/\(pid)/status") else { return false }
        let state = String(decoding: status, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("State:") } ?? ""
        return !state.contains("Z") && !state.contains("X")
    }

    /// `simulate` stopped while its (stand-in) verilator runs, and `report`
    /// while its (stand-in) yosys runs: the trial's orphaned-yosys case.
    @Test(arguments: [(SIGINT, "verilator"), (SIGTERM, "verilator"), (SIGINT, "yosys")])
    func aSignalStopsTheToolsAndRemovesScratchFolders(signal: Int32, tool: String) throws {
        let root = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let fm = FileManager.default
        for d in ["bin", "tmp", "cache"] { try fm.createDirectory(at: root.appendingPathComponent(d), withIntermediateDirectories: true) }
        // A stand-in for the tool that records its pid and a child's, then hangs.
        let pids = root.appendingPathComponent("pids").path
        let fake = root.appendingPathComponent("bin/\(tool)").path
        try writeExecutable(fake, "#!/bin/sh\nsleep 300 &\necho $$ $! > \(pids).tmp\nmv \(pids).tmp \(pids)\nwait\n")
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = root.appendingPathComponent("bin").path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["TMPDIR"] = root.appendingPathComponent("tmp").path
        env["XDG_CACHE_HOME"] = root.appendingPathComponent("cache").path
        let arguments = tool == "yosys"
            ? ["report", CLI.handModel, "--input", CLI.handInputs, "--out", root.appendingPathComponent("report").path, "--synthesize"]
            : ["simulate", CLI.handModel, "--input", CLI.handInputs, "--output", root.appendingPathComponent("y.csv").path]
        let child = try CLI.Child(arguments, environment: env)
        // Hang guards only (each loop ends as soon as its condition holds):
        // a loaded 2-core machine can take long to start a debug build.
        let deadline = Date().addingTimeInterval(CLI.minimumHangGuard)
        while !fm.fileExists(atPath: pids), Date() < deadline { usleep(20_000) }
        let started = (String(data: fm.contents(atPath: pids) ?? Data(), encoding: .utf8) ?? "")
            .split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { pid_t($0) }
        #expect(started.count == 2, "the stand-in \(tool) never started")
        kill(child.pid, signal)
        let r = try child.wait(timeout: 30)
        #expect(r.code == 128 + signal, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("stopped by"), "\(r.err)")
        // Killed before hepml-compile exits; on a loaded machine the kernel
        // may take a moment to finish them, so wait (not forever).
        let gone = Date().addingTimeInterval(60)
        while started.contains(where: Self.running), Date() < gone { usleep(50_000) }
        for pid in started { #expect(!Self.running(pid), "tool process \(pid) outlived hepml-compile") }
        for pid in started where Self.running(pid) { kill(pid, SIGKILL) }
        #expect(try fm.contentsOfDirectory(atPath: root.appendingPathComponent("tmp").path).isEmpty, "scratch folders left in TMPDIR")
        let cache = root.appendingPathComponent("cache/hepml-compile/verilator").path
        let staging = ((try? fm.contentsOfDirectory(atPath: cache)) ?? []).filter { $0.contains(".tmp-") }
        #expect(staging.isEmpty, "staging folders left in the cache: \(staging)")
        #expect(!fm.fileExists(atPath: root.appendingPathComponent("y.csv").path))
    }
}

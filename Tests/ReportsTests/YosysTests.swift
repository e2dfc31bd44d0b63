import FileSafety
import Foundation
import Testing
import Toolchain
@testable import Reports

/// The one yosys runner (Toolchain) and the per-module synthesis built on it.
@Suite struct YosysTests {
    static let statJSON = """
    {
       "creator": "Yosys 0.23 (git sha1 7ce5011c24b)",
       "invocation": "stat -json ",
       "modules": {
          "\\\\sub": { "num_cells": 20, "num_cells_by_type": { "CARRY4": 3, "FDRE": 9, "LUT2": 8 } },
          "\\\\top": { "num_cells": 19, "num_cells_by_type": { "BUFG": 1, "DSP48E2": 1, "FDRE": 16, "sub": 1, "SRL16E": 2, "RAMB18E2": 1 } }
       },
          "design": { "num_cells": 39, "num_cells_by_type": { "BUFG": 1, "CARRY4": 3, "DSP48E2": 1, "FDRE": 25, "LUT2": 8, "SRL16E": 2, "RAMB18E2": 1 } }
    }
    """

    @Test func statJSONIsParsedAndCellsAreClassifiedOnce() throws {
        let stat = try #require(YosysStatistics.parse(json: "some log line\n" + Self.statJSON))
        #expect(Set(stat.modules.keys) == ["sub", "top"])
        #expect(PrimitiveCounts(cells: stat.modules["sub"]!) == PrimitiveCounts(lut: 8, ff: 9, carry: 3))
        #expect(stat.counts == PrimitiveCounts(lut: 10, ff: 25, carry: 3, dsp: 1, bram: 0.5))
        #expect(PrimitiveCounts(cells: ["LUT6": 2, "CARRY8": 1, "RAMB36E1": 1, "MUXF7": 5, "$_SDFF_PP0_": 3, "FDCE": 1])
                == PrimitiveCounts(lut: 2, ff: 4, carry: 1, bram: 1))
        #expect(YosysStatistics.parse(json: "ERROR: no design") == nil)
    }

    @Test func scriptSynthesizesWithoutIOBuffersAndWritesStatistics() {
        #expect(Yosys.script(files: ["a.v", "b.v"], top: "tagger", flow: .xilinx(family: "xcup"))
                == "read_verilog -sv a.v; read_verilog -sv b.v; synth_xilinx -family xcup -top tagger -noiopad; tee -q -o stat.json stat -json")
        // The generic flows read the Xilinx primitives (of the ternary adders) as black boxes.
        #expect(Yosys.script(files: ["a.v"], top: "t", flow: .generic)
                == "read_verilog -lib +/xilinx/cells_sim.v; read_verilog -sv a.v; synth -flatten -top t; tee -q -o stat.json stat -json")
        #expect(Yosys.script(files: ["a.v"], top: "t", flow: .prove(output: "ok", xilinxCells: true))
                == "read_verilog +/xilinx/cells_sim.v; read_verilog -sv a.v; hierarchy -check -top t; proc; flatten; opt; sat -prove ok 1 -verify; "
                    + "tee -q -o stat.json stat -json")
    }

    /// A run over its limit is a `.timedOut` error naming the tool. (The
    /// tool runs far longer than any pool starvation under the full suite:
    /// a run that ended on its own before the runner even knew its process
    /// group is not a timeout.)
    @Test func aToolOverItsTimeLimitIsKilledAndNamed() async throws {
        await #expect {
            try await ToolRunner.run("sleep", ["600"], installHint: "coreutils", timeLimit: 0.5)
        } throws: { error in
            guard case .timedOut(let tool, _, _) = error as? ToolError else { return false }
            return tool == "sleep"
        }
    }

    /// The limit's timer does not need a thread of Swift's cooperative
    /// pool: with every pool thread blocked (this test's own included) until
    /// the tool is gone, the tool is still killed. (A timer task on the pool
    /// could not fire while the pool is blocked: the blockers would wait
    /// out their hang guard and the test would fail.) No wall-clock bound
    /// is asserted: what is checked is that the kill came while the pool was
    /// blocked, that the error names the limit, and that the group is gone.
    @Test func theTimeLimitKillsTheToolWhileEveryPoolThreadIsBlocked() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hepml-deadline-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let pidFile = folder + "/pid"
        let run = Task {
            try await ToolRunner.run("/bin/sh", ["-c", "echo $$ > \(pidFile); exec sleep 600"], installHint: "a POSIX shell", timeLimit: 1)
        }
        var found: Int32?
        for _ in 0..<6000 where found == nil {
            found = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if found == nil { try await Task.sleep(nanoseconds: 50_000_000) }
        }
        let pid = try #require(found, "the tool never started")
        // The runner registers the group right after the launch, when a pool
        // thread runs its body; a limit that passed before that kills at
        // registration (ToolDeadline.started). Block the pool after it.
        while !Interrupts.shared.isTracking(processGroup: pid), Self.isRunning(pid) {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        let trackedWhileRunning = Interrupts.shared.isTracking(processGroup: pid)

        // Block the pool: one blocker per other pool thread, and this thread,
        // each until the tool is gone (or a hang guard far past any load).
        let blocked = DispatchSemaphore(value: 0)
        let others = max(ProcessInfo.processInfo.activeProcessorCount - 1, 0)
        let sawTheKill = LockedFlags()
        for _ in 0..<others {
            Task.detached {
                blocked.signal()
                sawTheKill.add(Self.blockUntilGone(pid))
            }
        }
        for _ in 0..<others { _ = blocked.wait(timeout: .now() + 300) }
        sawTheKill.add(Self.blockUntilGone(pid))
        #expect(trackedWhileRunning || !Self.isRunning(pid), "the runner never registered the tool's process group")
        #expect(sawTheKill.all.allSatisfy { $0 }, "the tool was still running when a pool thread stopped waiting (\(Self.hangGuard) s)")
        await #expect {
            try await run.value
        } throws: { error in
            guard case .timedOut(let tool, let limit, _) = error as? ToolError else { return false }
            return tool == "/bin/sh" && limit == 1
        }
        #expect(!Interrupts.shared.isTracking(processGroup: pid), "the tool's group is still tracked after the run")
    }

    /// How long a blocker waits for the tool to go before giving up: a guard
    /// against hanging the suite, not a measure (the limit is 1 s).
    static let hangGuard = 300.0

    /// Blocks the calling thread until `pid` is gone; true if it went before the guard.
    static func blockUntilGone(_ pid: Int32) -> Bool {
        let start = Date()
        while isRunning(pid) {
            if Date().timeIntervalSince(start) > hangGuard { return false }
            usleep(20_000)
        }
        return true
    }

    /// Booleans added from several threads.
    final class LockedFlags: @unchecked Sendable {
        private let lock = NSLock()
        private var flags: [Bool] = []
        func add(_ flag: Bool) { lock.lock(); flags.append(flag); lock.unlock() }
        var all: [Bool] { lock.lock(); defer { lock.unlock() }; return flags }
    }

    /// A tool that ends on its own inside its limit is not a timeout, even
    /// when the task awaiting it resumes after the limit has passed (every
    /// pool thread blocked): the timer fired, but killed nothing.
    /// (The limit is 3 s, not 1: a shell that prints one word must end
    /// inside it even on a loaded machine; the pool is held past it.)
    @Test func aToolThatEndsInTimeIsNotATimeoutWhenItsTaskResumesLate() async throws {
        let blockers = max(ProcessInfo.processInfo.activeProcessorCount, 1)
        let started = DispatchSemaphore(value: 0)
        let run = Task { try await ToolRunner.run("/bin/sh", ["-c", "echo done"], installHint: "a POSIX shell", timeLimit: 3) }
        for _ in 0..<blockers {
            Task.detached {
                started.signal()
                Self.block(seconds: 4.5)
            }
        }
        for _ in 0..<blockers { _ = started.wait(timeout: .now() + 10) }
        let result = try await run.value
        #expect(result.standardOutput == "done\n")
    }

    /// Holds the calling thread (a pool thread, in a task) without yielding it.
    static func block(seconds: Double) { Thread.sleep(forTimeInterval: seconds) }

    /// Whether `pid` is a live process (not gone, not a zombie awaiting its parent).
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state != "Z" && state != "X"
    }

    static let adder = """
    module add8(input clk, input [7:0] a, input [7:0] b, output reg [8:0] y);
      always @(posedge clk) y <= a + b;
    endmodule
    """

    @Test(.enabled(if: ToolRunner.locate("yosys") != nil, "yosys is not installed (scripts/setup.sh installs it)"))
    func yosysSynthesizesASmallAdder() async throws {
        let r = try await Yosys.run([("add8.v", Self.adder)], top: "add8", flow: .xilinx(family: "xc7"))
        #expect(r.statistics.counts.ff == 9)
        #expect(r.statistics.counts.carry >= 2)
        #expect(r.statistics.counts.lut >= 8)
    }

    @Test(.enabled(if: ToolRunner.locate("yosys") != nil, "yosys is not installed (scripts/setup.sh installs it)"))
    func modulesAreSynthesizedSeparatelyCachedAndKeepTheEstimateOverBudget() async throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("hepml-yosys-cache-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let sub = Self.adder.replacingOccurrences(of: "add8", with: "sub8").replacingOccurrences(of: "a + b", with: "a - b")
        let units = [SynthesisUnit(module: "add8", op: "add", verilog: Self.adder), SynthesisUnit(module: "sub8", op: "sub", verilog: sub)]
        let estimate = ResourceReport(method: "analytic estimate", isEstimate: true, total: ResourceCounts(lut: 40, ff: 38), modules: [
            ModuleResources(module: "add8", op: "add", counts: ResourceCounts(lut: 20, ff: 9), source: .estimate),
            ModuleResources(module: "sub8", op: "sub", counts: ResourceCounts(lut: 20, ff: 9), source: .estimate),
            ModuleResources(module: "top (delay lines)", op: nil, counts: ResourceCounts(ff: 20), source: .estimate),
        ], part: nil)
        let lines = LineCollector()
        // The budget is a hang guard here, not a speed claim: an 8-bit adder
        // takes seconds alone, and minutes on a loaded 2-core CI machine.
        let options = ModuleSynthesisOptions(family: "xc7", budgetSeconds: 600, cacheFolder: cache,
                                             progress: ProgressReporter(interval: 60, write: { lines.add($0) }))
        let first = try await ModuleSynthesis.run(units, estimate: estimate, options: options)
        #expect(first.modules.allSatisfy { if case .synthesized = $0.outcome { true } else { false } })
        #expect(first.report.modules.map(\.source) == [.yosys, .yosys, .estimate])
        #expect(first.report.modules[0].counts.ff == 9)
        #expect(first.report.total.ff == 9 + 9 + 20)
        #expect(!first.report.isEstimate)
        #expect(lines.all.contains { $0.contains("of add8") && $0.contains("done after") })

        let again = try await ModuleSynthesis.run(units, estimate: estimate, options: options)
        #expect(again.modules.allSatisfy { $0.outcome == .cached })
        #expect(again.report == first.report)

        // A budget spent before yosys starts: not run, named, estimated. (A
        // run killed at its budget is SynthesisBudgetTests' stand-in yosys;
        // a 0.05 s budget raced a loaded machine's scheduler.)
        let edited = units.map { SynthesisUnit(module: $0.module, op: $0.op, verilog: $0.verilog + "\n// edited\n") }
        var short = options
        short.budgetSeconds = 0
        let over = try await ModuleSynthesis.run(edited, estimate: estimate, options: short)
        #expect(over.modules.allSatisfy { $0.outcome == .overBudget })
        #expect(over.report.isEstimate)
        #expect(over.report.modules.map(\.counts) == estimate.modules.map(\.counts))
        #expect(over.report.notes.contains { $0.contains("over the synthesis budget") && $0.contains("add8") && $0.contains("sub8") })
    }
}

import FileSafety
import Foundation
import Subprocess
import SystemPackage

/// The outcome of one external tool run.
public struct ToolResult: Sendable {
    public var exitCode: Int32
    public var standardOutput: String
    public var standardError: String
    public var seconds: Double
}

/// Why an external tool could not do its job. The CLI maps ``notInstalled``
/// to exit code 3.
public enum ToolError: Error, Sendable, CustomStringConvertible {
    /// The executable is not on PATH.
    case notInstalled(tool: String, hint: String)
    /// Every executable of that name on PATH failed the trust check
    /// (``ToolLookup``): each path with the reason.
    case untrusted(tool: String, candidates: [String])
    /// The tool ran and failed; the full output is in `log`.
    case failed(tool: String, exitCode: Int32, log: String, firstLines: String)
    /// The tool could not be started or was killed.
    case launch(tool: String, reason: String)
    /// The tool ran longer than its time limit and was killed (with every
    /// process it started); what it wrote so far is in `log`.
    case timedOut(tool: String, seconds: Double, log: String)
    /// The tool succeeded but its output could not be read.
    case unreadableOutput(tool: String, reason: String, log: String)

    public var description: String {
        switch self {
        case let .notInstalled(tool, hint):
            return "\(tool) is not installed: \(hint)"
        case let .untrusted(tool, candidates):
            return "no trusted \(tool) on PATH; skipped " + candidates.joined(separator: "; ")
                + " (a tool must belong to you or root, and neither it nor its folder may be writable by other users)"
        case let .failed(tool, code, log, first):
            return "\(tool) failed (exit code \(code)); full log: \(log)\n\(first)"
        case let .launch(tool, reason):
            return "\(tool) could not run: \(reason)"
        case let .timedOut(tool, seconds, log):
            return "\(tool) was stopped after its time limit of \(String(format: "%.0f", seconds)) s; log: \(log)"
        case let .unreadableOutput(tool, reason, log):
            return "\(tool) ran, but its output could not be read: \(reason); full log: \(log)"
        }
    }
}

/// Runs external programs (verilator, make, g++, yosys) through swift-subprocess.
public enum ToolRunner {
    /// The absolute path of the first trusted `name` on `PATH`, or nil
    /// (``ToolLookup``).
    public static func locate(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        ToolLookup(name, environment: environment).path
    }

    /// The absolute entries of `PATH`, in order.
    public static func searchPath(_ environment: [String: String]) -> [String] {
        ToolLookup.searchPath(environment)
    }

    /// The trusted `name` on PATH, after warning about each untrusted one
    /// skipped; throws ``ToolError/untrusted(tool:candidates:)`` when there
    /// were only untrusted ones, ``ToolError/notInstalled(tool:hint:)``
    /// when there were none.
    public static func require(_ name: String, installHint: String,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws(ToolError) -> String {
        let found = ToolLookup(name, environment: environment)
        found.warn()
        guard let path = found.path else {
            if found.skipped.isEmpty { throw .notInstalled(tool: name, hint: installHint) }
            throw .untrusted(tool: name, candidates: found.skipped.map { "\($0.path) (\($0.reason))" })
        }
        return path
    }

    /// Runs `tool` and waits. Output and error are captured (up to 64 MiB each)
    /// and, when `log` is given, also written there. A non-zero exit is a
    /// ``ToolError/failed`` carrying the first lines that say "error".
    /// With `timeLimit` (seconds), a run that lasts longer is killed with its
    /// whole process group (on time, however busy Swift's thread pool is:
    /// ``ToolDeadline``) and is a ``ToolError/timedOut``; so is a run whose
    /// task is cancelled. A run that ended on its own is never a timeout,
    /// even when its task resumes after the limit.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String], in directory: String? = nil,
                           log: String? = nil, installHint: String, timeLimit: Double? = nil) async throws(ToolError) -> ToolResult {
        let path = try require(tool, installHint: installHint)
        let start = Date()
        // A process group of its own: an interrupt or the time limit stops
        // the tool and all it started (make's compilers, yosys's ABC), and
        // nothing outlives us. Cancelling the task kills that group too.
        var options = PlatformOptions()
        options.processGroupID = 0
        options.teardownSequence = [.send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .milliseconds(200))]
        let platform = options
        // The limit's timer is a Dispatch timer on a queue of its own, and it
        // kills the process group itself: a task of Swift's shared pool would
        // wait for a free thread, which under load (the suite's blocking
        // tests, parallel syntheses on 2 cores) came a minute late.
        let deadline = timeLimit.map { ToolDeadline(seconds: $0) }
        defer { deadline?.cancel() }
        let record: ExecutionRecord?
        do {
            // The run's own tasks (the launch, the body that registers the
            // group, the output readers) run on a queue of their own, not on
            // Swift's shared pool: with every pool thread busy (a suite of
            // blocking tests, syntheses on 2 cores) the group was registered
            // only when one came free, after the tool had run to its end.
            record = try await withTaskExecutorPreference(ToolRunExecutor()) {
                try await execute(path, arguments, directory: directory, options: platform) { deadline?.started(processGroup: $0) }
            }
        } catch {
            if deadline?.hasFired == true || Task.isCancelled { record = nil } else { throw .launch(tool: tool, reason: "\(error)") }
        }
        deadline?.cancel()
        // A tool that ended on its own is not a timeout, even if the timer
        // fired before this task resumed (a starved pool can take that long).
        let killedByTheLimit = deadline?.hasFired == true && record?.killed == true
        guard let outcome = record, !killedByTheLimit, !Task.isCancelled else {
            let seconds = Date().timeIntervalSince(start)
            if let log { try? OutputFile.write("$ \(tool) \(arguments.joined(separator: " "))\n(killed after \(seconds) s)\n", to: log) }
            throw .timedOut(tool: tool, seconds: timeLimit ?? seconds, log: log ?? "(no output kept: the tool was killed)")
        }
        let seconds = Date().timeIntervalSince(start)
        if let log {
            let text = "$ \(tool) \(arguments.joined(separator: " "))\n\(outcome.out)\n\(outcome.err)"
            try? OutputFile.write(text, to: log)
        }
        guard outcome.code == 0 else {
            // A run without a log of its own keeps its output in the user's cache.
            let kept = log ?? PrivateFolder.keepLog("$ \(tool) \(arguments.joined(separator: " "))\n\(outcome.out)\n\(outcome.err)",
                                                    label: (tool as NSString).lastPathComponent)
            throw .failed(tool: tool, exitCode: outcome.code, log: kept ?? "(not kept: the user cache could not be written)",
                          firstLines: firstErrorLines(outcome.err + "\n" + outcome.out))
        }
        return ToolResult(exitCode: 0, standardOutput: outcome.out, standardError: outcome.err, seconds: seconds)
    }

    /// Runs `path` to its end; `started` gets its process group (its pid)
    /// as soon as it runs. Its `PATH` holds only the trusted folders of
    /// ours (``ToolLookup/childSearchPath(_:)``): what the tool runs by name
    /// (make's compiler, verilator's perl) is found where ours would be.
    static func execute(_ path: String, _ arguments: [String], directory: String?, options: PlatformOptions,
                        started: @escaping @Sendable (pid_t) -> Void) async throws -> ExecutionRecord {
        let launch = Interrupts.shared.beginLaunch()
        defer { Interrupts.shared.endLaunch(launch) }
        let result = try await Subprocess.run(
            .path(FilePath(path)), arguments: Arguments(arguments),
            environment: .inherit.updating(["PATH": ToolLookup.childSearchPath()]),
            workingDirectory: directory.map { FilePath($0) }, platformOptions: options,
            input: .none, output: .string(limit: 64 << 20), error: .string(limit: 64 << 20)
        ) { execution in
            Interrupts.shared.add(processGroup: execution.processIdentifier.value, launch: launch)
            started(execution.processIdentifier.value)
        }
        Interrupts.shared.remove(processGroup: result.processIdentifier.value)
        Interrupts.shared.pauseIfStopping()
        let code: Int32
        let killed: Bool
        switch result.terminationStatus {
        case .exited(let c): code = c; killed = false
        case .signaled(let s): code = 128 + s; killed = s == SIGKILL
        }
        return ExecutionRecord(code: code, killed: killed, out: result.standardOutput, err: result.standardError)
    }

    /// How a run ended: its exit code (128 + N for signal N), whether SIGKILL ended it, and its output.
    struct ExecutionRecord: Sendable { var code: Int32; var killed: Bool; var out: String; var err: String }

    /// Up to 12 lines mentioning an error, else the last 12 lines.
    public static func firstErrorLines(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let errors = lines.filter { $0.range(of: "error", options: .caseInsensitive) != nil }
        return (errors.isEmpty ? Array(lines.suffix(12)) : Array(errors.prefix(12))).joined(separator: "\n")
    }
}

/// A task executor on a serial Dispatch queue of its own, one per tool run.
/// A serial queue gets a thread even when Swift's cooperative pool has none
/// free, so a run's launch, registration and output reading never wait for
/// other work. The run's tasks only await (the tool's exit, its pipes), so
/// one thread serves them all.
final class ToolRunExecutor: TaskExecutor, @unchecked Sendable {
    private let queue = DispatchQueue(label: "hepml-compile.tool-run")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

/// The time limit of one tool run. Its timer runs on a Dispatch queue of its
/// own, not on Swift's cooperative pool, and when it fires it sends SIGKILL
/// to the run's process group directly; the task awaiting the run then sees
/// the tool end. So the limit holds however long the pool's threads are
/// busy (they may all be, with blocking work on a 2-core machine), from the
/// moment the run has registered the group (its body's first step after the
/// launch); a limit that passed before that kills the group then.
final class ToolDeadline: @unchecked Sendable {
    private let lock = NSLock()
    private let timer: DispatchSourceTimer
    private var processGroup: pid_t?
    private var fired = false
    private var over = false

    /// Starts the clock: `seconds` from now (clamped to 0 ... 10^9).
    init(seconds: Double) {
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "hepml-compile.tool-deadline"))
        timer.schedule(deadline: .now() + max(0, min(seconds, 1e9)), leeway: .milliseconds(10))
        timer.setEventHandler { [weak self] in self?.expire() }
        timer.resume()
    }

    /// Whether the limit was reached (the group, if it had started, was killed).
    var hasFired: Bool { lock.withLock { fired } }

    /// The run's process group exists: it is killed at once if the limit has passed.
    func started(processGroup group: pid_t) {
        let late = lock.withLock { () -> Bool in
            guard !over else { return false }
            processGroup = group
            return fired
        }
        if late { kill(-group, SIGKILL) }
    }

    /// The run is over: the timer is stopped and the group is never signalled.
    func cancel() {
        lock.withLock {
            over = true
            processGroup = nil
        }
        timer.cancel()
    }

    private func expire() {
        let group = lock.withLock { () -> pid_t? in
            guard !over else { return nil }
            fired = true
            return processGroup
        }
        if let group { kill(-group, SIGKILL) }
    }
}

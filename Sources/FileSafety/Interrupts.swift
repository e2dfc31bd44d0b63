import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What must not outlive the process when it is interrupted (SIGINT,
/// SIGTERM, SIGHUP): the external tools it started and its scratch folders.
///
/// Each external tool runs in a process group of its own (so that one
/// signal reaches the tool and everything it started, make's compilers
/// included); the group is registered here while it runs. Scratch folders
/// are registered while they exist. On a signal, every registered group is
/// sent SIGTERM, then SIGKILL half a second later, the folders are removed,
/// and the process exits with 128 + the signal number.
///
/// This is the one process-wide object in the project, and deliberately so:
/// signal dispositions belong to the process, not to a value.
public final class Interrupts: @unchecked Sendable {
    public static let shared = Interrupts()

    private let lock = NSLock()
    private var groups: Set<pid_t> = []
    private var folders: [UInt64: String] = [:]
    /// Tools being started whose process group is not known yet.
    private var launching: Set<UInt64> = []
    private var nextToken: UInt64 = 0
    private var sources: [DispatchSourceSignal] = []
    private var stopping = false
    private let queue = DispatchQueue(label: "hepml-compile.interrupts")

    private init() {}

    /// Installs the handlers (once; later calls do nothing). The CLI calls
    /// this at start-up; a library user who handles signals itself need not.
    public func install() {
        lock.lock()
        defer { lock.unlock() }
        guard sources.isEmpty else { return }
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { [unowned self] in self.terminate(signal: sig) }
            source.resume()
            sources.append(source)
        }
    }

    /// A tool is about to start. Until its group is added
    /// (``add(processGroup:launch:)``) or the launch ends (``endLaunch(_:)``),
    /// an interrupt waits for it, a few seconds at most, before it stops the
    /// tools: a tool started just before the signal, whose group was not
    /// registered yet (the task that registers it can wait for a thread of
    /// a busy pool), is stopped with the others instead of outliving us.
    public func beginLaunch() -> UInt64 {
        lock.withLock {
            nextToken += 1
            launching.insert(nextToken)
            return nextToken
        }
    }

    /// A running tool's process group, from the launch that started it.
    public func add(processGroup: pid_t, launch: UInt64) {
        lock.withLock {
            groups.insert(processGroup)
            launching.remove(launch)
        }
    }

    /// The launch is over (its group added, or the tool never started).
    public func endLaunch(_ launch: UInt64) { lock.withLock { _ = launching.remove(launch) } }
    public func remove(processGroup: pid_t) { lock.withLock { _ = groups.remove(processGroup) } }
    /// Whether a running tool's process group is registered (tests wait for it).
    public func isTracking(processGroup: pid_t) -> Bool { lock.withLock { groups.contains(processGroup) } }

    /// Registers a scratch folder to delete on an interrupt; returns the
    /// token that ``forget(_:)`` takes once the folder is gone or kept.
    public func removeOnInterrupt(_ folder: String) -> UInt64 {
        lock.withLock {
            nextToken += 1
            folders[nextToken] = folder
            return nextToken
        }
    }

    public func forget(_ token: UInt64) { lock.withLock { _ = folders.removeValue(forKey: token) } }

    /// Called where the process would otherwise go on or exit by itself
    /// (after a tool returns, before the CLI exits): while an interrupt is
    /// being handled it waits for the handler to end the process, so that a
    /// tool killed by the handler is not reported as a failure and nothing
    /// new is started.
    public func pauseIfStopping() {
        while lock.withLock({ stopping }) { usleep(50_000) }
    }

    /// How long an interrupt waits for tools being started to register.
    static let launchWait: TimeInterval = 5

    private func terminate(signal sig: Int32) {
        lock.withLock { stopping = true }
        let launched = Date().addingTimeInterval(Self.launchWait)
        while Date() < launched, lock.withLock({ !launching.isEmpty }) { usleep(5_000) }
        let (running, scratch) = lock.withLock { (groups, Array(folders.values)) }
        for g in running { kill(-g, SIGTERM) }
        if !running.isEmpty {
            let deadline = Date().addingTimeInterval(0.5)
            while Date() < deadline, running.contains(where: { kill(-$0, 0) == 0 }) { usleep(10_000) }
            for g in running { kill(-g, SIGKILL) }
        }
        for folder in scratch { try? FileManager.default.removeItem(atPath: folder) }
        let name = sig == SIGINT ? "interrupt" : sig == SIGTERM ? "termination signal" : "hangup"
        let message = "hepml-compile: stopped by \(name); \(running.count) tool process group(s) stopped, \(scratch.count) scratch folder(s) removed\n"
        _ = message.withCString { POSIX.write(STDERR_FILENO, $0, strlen($0)) }
        _exit(128 + sig)
    }
}

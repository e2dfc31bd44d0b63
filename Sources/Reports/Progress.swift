import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress of long steps (synthesis, simulations) on stderr: a line when a
/// step starts, a line with the elapsed time every `interval` seconds while it
/// runs, and a line when it ends. Plain lines (no carriage returns) so that
/// CI logs stay readable.
public final class ProgressReporter: Sendable {
    let interval: Double
    let write: @Sendable (String) -> Void

    public init(interval: Double = 10, write: @escaping @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }) {
        self.interval = interval
        self.write = write
    }

    /// A running step; call ``Step/finish(success:)`` when it ends.
    public final class Step: Sendable {
        let name: String
        let started: Date
        let reporter: ProgressReporter
        let ticker: Task<Void, Never>

        init(name: String, reporter: ProgressReporter) {
            self.name = name
            self.reporter = reporter
            let started = Date()
            self.started = started
            let interval = reporter.interval
            self.ticker = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
                    if Task.isCancelled { break }
                    reporter.write("[report] \(name): \(ProgressReporter.format(Date().timeIntervalSince(started))) elapsed")
                }
            }
        }

        public var elapsed: Double { Date().timeIntervalSince(started) }

        public func finish(success: Bool = true) {
            ticker.cancel()
            reporter.write("[report] \(name): \(success ? "done" : "failed") after \(ProgressReporter.format(elapsed))")
        }
    }

    /// A reporter on standard error when it is a terminal; nil in a pipe or
    /// a log file, where per-module lines would only be noise.
    public static func forTerminal() -> ProgressReporter? {
        isatty(STDERR_FILENO) == 1 ? ProgressReporter() : nil
    }

    public func start(_ name: String) -> Step {
        write("[report] \(name) ...")
        return Step(name: name, reporter: self)
    }

    /// Runs `body` as a step.
    public func step<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let s = start(name)
        do {
            let value = try body()
            s.finish(success: true)
            return value
        } catch {
            s.finish(success: false)
            throw error
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds < 60 ? String(format: "%.1f s", seconds)
                     : String(format: "%d min %02d s", Int(seconds) / 60, Int(seconds) % 60)
    }
}

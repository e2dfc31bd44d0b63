import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress of a long step on standard error: shown only when standard
/// error is a terminal (never in a pipe or a log file), only once the step
/// has run for `delay` seconds, at most a few times a second, and erased
/// when the step ends. `--quiet` turns it off.
public final class ProgressMeter: @unchecked Sendable {
    let label: String
    let enabled: Bool
    let delay: Double
    let start = DispatchTime.now().uptimeNanoseconds
    var lastShown: UInt64 = 0
    var shown = false
    let lock = NSLock()

    /// `quiet`: never show anything.
    public init(_ label: String, quiet: Bool = false, delay: Double = 2) {
        self.label = label
        self.delay = delay
        enabled = !quiet && isatty(STDERR_FILENO) == 1
    }

    /// Reports `done` of `total` units (`total` nil when unknown), with an
    /// optional rate unit (`events`).
    public func update(done: Int, total: Int?, unit: String = "events") {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        lock.lock()
        defer { lock.unlock() }
        let elapsed = Double(now - start) / 1e9
        guard elapsed >= delay, now - lastShown >= 250_000_000 else { return }
        lastShown = now
        shown = true
        var text = "\r\(label): \(done) \(unit)"
        if let total, total > 0 {
            text += String(format: " of %d (%.0f%%)", total, 100 * Double(done) / Double(total))
        }
        text += String(format: ", %.0f %@/s, %.0f s\u{1B}[K", Double(done) / elapsed, unit, elapsed)
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Erases the line, if anything was shown.
    public func finish() {
        lock.lock()
        defer { lock.unlock() }
        guard shown else { return }
        shown = false
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

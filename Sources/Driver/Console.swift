import Foundation

/// Where a command's messages go while it runs: lines that appear as the
/// work goes on (an epoch of training, a chosen clock) and warnings. A
/// command's final output comes back in its typed result instead.
public struct Console: Sendable {
    /// Writes text to standard output at once (unbuffered, so that a long
    /// run shows each line as it comes).
    public var write: @Sendable (String) -> Void
    /// Reports a warning; the run goes on.
    public var warn: @Sendable (String) -> Void

    public init(write: @escaping @Sendable (String) -> Void, warn: @escaping @Sendable (String) -> Void) {
        self.write = write
        self.warn = warn
    }

    /// Standard output, and standard error for warnings
    /// (`hepml-compile: warning: ...`).
    public static let standard = Console(
        write: { FileHandle.standardOutput.write(Data($0.utf8)) },
        warn: { FileHandle.standardError.write(Data("hepml-compile: warning: \($0)\n".utf8)) })

    /// Writes one line.
    public func line(_ text: String) { write(text + "\n") }
}

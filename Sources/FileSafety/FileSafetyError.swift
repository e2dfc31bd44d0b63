/// Why a file or folder was not written, read or trusted. Each case names
/// the path; the CLI maps ``refused`` to exit code 2 (the user asked for
/// something the tool will not do) and the others to 4 (the file system
/// failed).
public enum FileSafetyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request would overwrite, delete or trust something it must not.
    case refused(path: String, reason: String)
    /// A file-system call failed.
    case io(path: String, reason: String)

    /// Why, without the path (for a message that names the path its own way).
    public var reason: String {
        switch self {
        case let .refused(_, reason), let .io(_, reason): return reason
        }
    }

    public var description: String {
        switch self {
        case let .refused(path, reason): return "refusing \(Self.quoted(path)): \(reason)"
        case let .io(path, reason): return "\(Self.quoted(path)): \(reason)"
        }
    }

    /// The path as the user typed it, or `""` made visible.
    static func quoted(_ path: String) -> String { path.isEmpty ? "\"\" (an empty path)" : path }
}

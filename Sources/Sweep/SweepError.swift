import FileSafety
import Toolchain

/// Why a sweep (or one of its points) could not run. The Driver maps each
/// case to the exit codes of the README: a bad spec, model or data is 2, a
/// missing tool 3, a failed tool, database or file operation 4.
public enum SweepError: Error, Sendable, Equatable, CustomStringConvertible {
    /// sweep.json is wrong: the file, the field (a JSON path such as
    /// `axes["precision.weight"][1]`) and what is wrong with it.
    case spec(file: String, field: String, message: String)
    /// The model, events or labels cannot be used; the message names the file.
    case input(String)
    /// One point's settings cannot be compiled (a lowering or emitter error).
    case point(String)
    /// An external tool (yosys, sbatch, squeue) is missing, untrusted or failed.
    case tool(ToolError)
    /// A file or folder the sweep will not write or trust.
    case refused(FileSafetyError)
    /// The results database could not be opened or written.
    case database(path: String, message: String)
    case io(String)

    public var description: String {
        switch self {
        case let .spec(file, field, message): return "\(file): \(field): \(message)"
        case .input(let s), .point(let s), .io(let s): return s
        case .tool(let e): return e.description
        case .refused(let e): return e.description
        case let .database(path, message): return "results database \(path): \(message)"
        }
    }

    public static func == (a: SweepError, b: SweepError) -> Bool { a.description == b.description }
}

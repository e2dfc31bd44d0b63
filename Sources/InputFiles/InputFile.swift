import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path names, from `stat(2)` (symbolic links followed), found
/// before the file is opened: opening a FIFO for reading blocks until a
/// writer appears, and reading a directory or a device gives no useful
/// error, so every reader of user files asks this first.
public enum FileKind: Equatable, Sendable {
    case regular(size: Int)
    case directory
    case fifo
    case socket
    case characterDevice
    case blockDevice
    /// Nothing at the path (or a path through something that is not a folder).
    case missing
    /// `stat` failed otherwise; the system's reason.
    case inaccessible(String)

    public init(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            self = code == ENOENT || code == ENOTDIR ? .missing : .inaccessible(String(cString: strerror(code)))
            return
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: self = .regular(size: Int(info.st_size))
        case S_IFDIR: self = .directory
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        default: self = .inaccessible("not a regular file")
        }
    }

    /// Why this is not a file that can be read, as the end of a sentence
    /// ("cannot read the file: it is a directory"); nil for a regular file.
    public var problem: String? {
        switch self {
        case .regular: return nil
        case .directory: return "it is a directory"
        case .fifo: return "it is a FIFO (named pipe), not a regular file"
        case .socket: return "it is a socket, not a regular file"
        case .characterDevice: return "it is a character device, not a regular file"
        case .blockDevice: return "it is a block device, not a regular file"
        case .missing: return "no such file (does it exist?)"
        case .inaccessible(let reason): return reason
        }
    }
}

/// Why ``InputFile/read(_:maxBytes:)`` gave no data: the path's kind, its
/// size, or the read itself.
public enum InputFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not a regular file; ``FileKind/problem`` says what it is.
    case notAFile(FileKind)
    case tooLarge(size: Int, limit: Int)
    case unreadable

    public var description: String {
        switch self {
        case .notAFile(let kind): return kind.problem ?? "not a regular file"
        case let .tooLarge(size, limit): return "the file is \(size) bytes; the limit is \(limit)"
        case .unreadable: return "the file could not be read"
        }
    }
}

/// Reading the user's input files (models, events, configs) whole.
public enum InputFile {
    /// The contents of the regular file at `path`. Anything else (a folder,
    /// a FIFO, a device, nothing) is refused from `stat` without opening it,
    /// and so is a file larger than `maxBytes`.
    public static func read(_ path: String, maxBytes: Int? = nil) throws(InputFileError) -> Data {
        let kind = FileKind(path: path)
        guard case .regular(let size) = kind else { throw .notAFile(kind) }
        if let maxBytes, size > maxBytes { throw .tooLarge(size: size, limit: maxBytes) }
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable }
        return data
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin, typed views of the few POSIX calls this module needs.
enum POSIX {
    /// The text of the current `errno`.
    static var lastError: String { String(cString: strerror(errno)) }

    /// What `lstat` says of a path (nil when nothing is there).
    struct Status {
        var mode: mode_t
        var owner: uid_t
        var size: Int64

        var kind: FileKind { FileKind(mode) }
        /// Writable by the group or by everyone.
        var writableByOthers: Bool { mode & (S_IWGRP | S_IWOTH) != 0 }
    }

    static func lstatus(_ path: String) -> Status? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return Status(mode: st.st_mode, owner: st.st_uid, size: Int64(st.st_size))
    }

    /// `stat`, following symbolic links.
    static func status(_ path: String) -> Status? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Status(mode: st.st_mode, owner: st.st_uid, size: Int64(st.st_size))
    }

    /// The absolute, symlink-free form of an existing path.
    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    static var effectiveUser: uid_t { geteuid() }

    /// `mkdir -p`: nil on success, else the failing folder and the reason.
    static func makeDirectories(_ path: String, mode: mode_t = 0o777) -> String? {
        var built = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            built += "/" + part
            if mkdir(built, mode) == 0 { continue }
            let failure = errno
            if failure != EEXIST { return "cannot create \(built): \(String(cString: strerror(failure)))" }
            if FileKind.following(built) != .directory { return "cannot create \(built): \(String(cString: strerror(ENOTDIR)))" }
        }
        return nil
    }

    /// `write(2)`.
    static func write(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.write(fd, bytes, count)
        #else
        return Darwin.write(fd, bytes, count)
        #endif
    }

    /// Whether a process with this id exists (possibly another user's).
    static func isAlive(_ pid: pid_t) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }
}

/// The type of a file-system entry.
public enum FileKind: Sendable, Equatable, CustomStringConvertible {
    case regular, directory, symbolicLink, characterDevice, blockDevice, fifo, socket, other

    init(_ mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symbolicLink
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        default: self = .other
        }
    }

    /// What is there, with an article: "is a folder".
    public var description: String {
        switch self {
        case .regular: return "a regular file"
        case .directory: return "a folder"
        case .symbolicLink: return "a symbolic link"
        case .characterDevice: return "a character device"
        case .blockDevice: return "a block device"
        case .fifo: return "a FIFO (named pipe)"
        case .socket: return "a socket"
        case .other: return "not a regular file"
        }
    }

    /// The kind of `path` without following a final symbolic link; nil if
    /// nothing is there.
    public static func of(_ path: String) -> FileKind? { POSIX.lstatus(path)?.kind }

    /// The kind of what `path` finally names, following symbolic links.
    public static func following(_ path: String) -> FileKind? { POSIX.status(path)?.kind }
}

/// Which file a path names, following links: two paths with equal
/// identities are the same file.
public struct FileIdentity: Sendable, Hashable {
    let device: UInt64
    let inode: UInt64

    /// Nil when nothing is there.
    public static func of(_ path: String) -> FileIdentity? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }
}

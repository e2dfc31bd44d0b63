import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one output file (`--output`, a report page, a trained model) the
/// way a user expects of a Unix tool:
///
/// - `-` is standard output;
/// - a regular file, or a path that does not exist yet, is written whole:
///   a temporary file beside it is renamed over it, so a reader never sees
///   half a file and a failure leaves the old file as it was; an existing
///   file keeps its permission bits;
/// - a symbolic link is written through: the file it points to is replaced
///   the same way, and the link stays a link;
/// - a character device (`/dev/null`, `/dev/stdout`, a terminal) or a FIFO
///   is opened and streamed to, never replaced by a regular file;
/// - a folder, a block device or a socket is refused.
public enum OutputFile {
    /// The name that means standard output.
    public static let standardOutput = "-"

    public static func write(_ text: String, to path: String) throws(FileSafetyError) {
        try write(Data(text.utf8), to: path)
    }

    public static func write(_ data: Data, to path: String) throws(FileSafetyError) {
        guard !path.isEmpty else { throw .refused(path: path, reason: "an output path is required") }
        if path == standardOutput {
            try stream(data, toDescriptor: STDOUT_FILENO, path: "standard output")
            return
        }
        switch FileKind.following(path) {
        case nil:
            // Nothing there, or a dangling link: create what the link names.
            let target = FileKind.of(path) == .symbolicLink ? try linkTarget(path) : path
            try replaceRegular(data, at: target, mode: nil, shownAs: path)
        case .regular:
            let target = FileKind.of(path) == .symbolicLink ? (POSIX.realPath(path) ?? path) : path
            try replaceRegular(data, at: target, mode: POSIX.status(target).map { $0.mode & 0o7777 }, shownAs: path)
        case .characterDevice, .fifo:
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .io(path: path, reason: "cannot open for writing: \(POSIX.lastError)") }
            defer { close(fd) }
            try stream(data, toDescriptor: fd, path: path)
        case let kind?:
            throw .refused(path: path, reason: "it is \(kind); give a file name")
        }
    }

    /// The path a dangling symbolic link names, absolute.
    static func linkTarget(_ path: String) throws(FileSafetyError) -> String {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else {
            throw .io(path: path, reason: "cannot read the symbolic link")
        }
        if target.hasPrefix("/") { return target }
        return (path as NSString).deletingLastPathComponent.isEmpty
            ? target : (path as NSString).deletingLastPathComponent + "/" + target
    }

    static func stream(_ data: Data, toDescriptor fd: Int32, path: String) throws(FileSafetyError) {
        let failure: String? = data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = POSIX.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return POSIX.lastError
                }
                offset += n
            }
            return nil
        }
        if let failure { throw .io(path: path, reason: "write failed: \(failure)") }
    }

    /// Writes `data` to a fresh temporary file in the destination's folder,
    /// then renames it over `target`.
    static func replaceRegular(_ data: Data, at target: String, mode: mode_t?, shownAs path: String) throws(FileSafetyError) {
        let folder = (target as NSString).deletingLastPathComponent
        let dir = folder.isEmpty ? "." : folder
        if FileKind.following(dir) == nil, let failure = POSIX.makeDirectories(dir) {
            throw .io(path: path, reason: failure)
        }
        let name = (target as NSString).lastPathComponent
        var template = Array("\(dir)/.\(name).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .io(path: path, reason: "cannot create a file in \(dir): \(POSIX.lastError)") }
        let temporary = String(cString: template)
        var finished = false
        defer {
            if !finished { unlink(temporary) }
        }
        // mkstemp makes 0600; a new file gets the usual 0666 less the umask.
        let umaskValue = umask(0)
        umask(umaskValue)
        let wanted = mode ?? (0o666 & ~umaskValue)
        fchmod(fd, wanted)
        do {
            try stream(data, toDescriptor: fd, path: path)
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw .io(path: path, reason: "write failed: \(POSIX.lastError)") }
        guard rename(temporary, target) == 0 else { throw .io(path: path, reason: "cannot replace: \(POSIX.lastError)") }
        finished = true
    }
}

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
///   the same way, and the link stays a link; except that in a folder
///   others can write, another user's link is refused (``OutputPath``);
/// - a temporary file a killed run left beside the output
///   (`.<name>.tmp-<pid>-XXXXXX`, yours, its process gone) is removed;
/// - a character device (`/dev/null`, `/dev/stdout`, a terminal) or a FIFO
///   is opened and streamed to, never replaced by a regular file;
/// - a folder, a block device or a socket is refused.
///
/// ``StreamingOutput`` writes with the same rules in pieces, for outputs
/// too large to build in memory.
public enum OutputFile {
    /// The name that means standard output.
    public static let standardOutput = "-"

    /// `within`: the folder the output must stay in after its links are
    /// resolved (``OutputPath/resolve(_:within:)``). `mode`: the new file's
    /// permission bits, whatever the umask (a cache entry: 0600); nil keeps
    /// an existing file's, or gives a new one 0666 less the umask.
    public static func write(_ text: String, to path: String, within: String? = nil, mode: mode_t? = nil) throws(FileSafetyError) {
        try write(Data(text.utf8), to: path, within: within, mode: mode)
    }

    public static func write(_ data: Data, to path: String, within: String? = nil, mode: mode_t? = nil) throws(FileSafetyError) {
        let output = try StreamingOutput(path, within: within, mode: mode)
        try output.write(data)
        try output.commit()
    }

    static func stream(_ raw: UnsafeRawBufferPointer, toDescriptor fd: Int32, path: String) throws(FileSafetyError) {
        var offset = 0
        while offset < raw.count {
            let n = POSIX.write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, reason: "write failed: \(POSIX.lastError)")
            }
            offset += n
        }
    }
}

/// One output written in pieces, with the rules of ``OutputFile``: a regular
/// file (or a new path, or a link to either) goes to a temporary file beside
/// it that ``commit()`` renames over it, so a failure half-way — a bad event
/// in the middle of the input, an interrupt — leaves no partial output and
/// the old file as it was; `-`, a character device or a FIFO is streamed to
/// as the pieces come (what was sent cannot be taken back).
public final class StreamingOutput {
    /// The path as given, for messages.
    public let path: String
    let descriptor: Int32
    let ownsDescriptor: Bool
    /// The temporary file and the file it replaces, for regular files.
    let temporary: (path: String, target: String, token: UInt64)?
    var finished = false

    /// Opens `path` for writing. Its symbolic links are resolved by
    /// ``OutputPath/resolve(_:within:)`` (a link another user planted in a
    /// folder others can write is refused, and with `within` the output
    /// must stay inside that folder); the file it leads to is the one
    /// replaced. `mode` as in ``OutputFile/write(_:to:within:mode:)``.
    public init(_ path: String, within: String? = nil, mode: mode_t? = nil) throws(FileSafetyError) {
        guard !path.isEmpty else { throw .refused(path: path, reason: "an output path is required") }
        self.path = path
        if path == OutputFile.standardOutput, within == nil {
            (descriptor, ownsDescriptor, temporary) = (STDOUT_FILENO, false, nil)
            return
        }
        let target = try OutputPath.resolve(path, within: within)
        switch FileKind.following(path) {
        case nil, .regular?:
            // Nothing there (or a dangling link: what it names is created),
            // or a regular file: replaced whole, keeping its mode.
            let existing = POSIX.status(target).map { $0.mode & 0o7777 }
            (descriptor, temporary) = try Self.temporaryFile(for: target, mode: mode ?? existing, shownAs: path)
            ownsDescriptor = true
        case .characterDevice?, .fifo?:
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .io(path: path, reason: "cannot open for writing: \(POSIX.lastError)") }
            (descriptor, ownsDescriptor, temporary) = (fd, true, nil)
        case let kind?:
            throw .refused(path: path, reason: "it is \(kind); give a file name")
        }
    }

    deinit { discard() }

    /// Whether earlier bytes can be rewritten (``write(_:at:)``): true for a
    /// regular file, which is written to a temporary file first.
    public var isRewritable: Bool { temporary != nil }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(FileSafetyError) {
        guard !bytes.isEmpty else { return }
        try OutputFile.stream(bytes, toDescriptor: descriptor, path: temporary == nil && path == "-" ? "standard output" : path)
    }

    public func write(_ data: Data) throws(FileSafetyError) {
        var failure: FileSafetyError? = nil
        data.withUnsafeBytes { raw in
            do throws(FileSafetyError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    public func write(_ bytes: [UInt8]) throws(FileSafetyError) {
        var failure: FileSafetyError? = nil
        bytes.withUnsafeBytes { raw in
            do throws(FileSafetyError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Rewrites bytes already written (a header whose counts are known only
    /// at the end); only when ``isRewritable``.
    public func write(_ bytes: [UInt8], at offset: Int) throws(FileSafetyError) {
        precondition(isRewritable, "StreamingOutput: rewriting a stream")
        let n = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
        guard n == bytes.count else { throw .io(path: path, reason: "write failed: \(POSIX.lastError)") }
    }

    /// Makes the output final: the temporary file replaces the target.
    public func commit() throws(FileSafetyError) {
        guard !finished else { return }
        finished = true
        guard let temporary else {
            if ownsDescriptor { close(descriptor) }
            return
        }
        defer { Interrupts.shared.forget(temporary.token) }
        guard close(descriptor) == 0 else {
            unlink(temporary.path)
            throw .io(path: path, reason: "write failed: \(POSIX.lastError)")
        }
        guard rename(temporary.path, temporary.target) == 0 else {
            let reason = POSIX.lastError
            unlink(temporary.path)
            throw .io(path: path, reason: "cannot replace: \(reason)")
        }
    }

    /// Gives up: the temporary file is removed and the target left as it
    /// was. (A stream keeps what was already sent.)
    public func discard() {
        guard !finished else { return }
        finished = true
        if ownsDescriptor { close(descriptor) }
        if let temporary {
            unlink(temporary.path)
            Interrupts.shared.forget(temporary.token)
        }
    }

    /// A fresh temporary file in the destination's folder, removed if the
    /// process is interrupted before it is renamed.
    static func temporaryFile(for target: String, mode: mode_t?, shownAs path: String) throws(FileSafetyError)
        -> (Int32, (path: String, target: String, token: UInt64)) {
        let folder = (target as NSString).deletingLastPathComponent
        let dir = folder.isEmpty ? "." : folder
        if FileKind.following(dir) == nil, let failure = POSIX.makeDirectories(dir) {
            throw .io(path: path, reason: failure)
        }
        let name = (target as NSString).lastPathComponent
        removeStaleTemporaries(in: dir, name: name)
        var template = Array("\(dir)/.\(name).tmp-\(getpid())-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .io(path: path, reason: "cannot create a file in \(dir): \(POSIX.lastError)") }
        let temporary = String(cString: template)
        let token = Interrupts.shared.removeOnInterrupt(temporary)
        // mkstemp makes 0600; a new file gets the usual 0666 less the umask.
        let umaskValue = umask(0)
        umask(umaskValue)
        fchmod(fd, mode ?? (0o666 & ~umaskValue))
        return (fd, (temporary, target, token))
    }

    /// Removes what a killed run of ours left beside `name`: regular files
    /// named exactly `.<name>.tmp-<pid>-XXXXXX` (as ``temporaryFile(for:mode:shownAs:)``
    /// names them), that belong to you, of a process that no longer exists.
    /// Anything else, and another user's file, is left alone.
    static func removeStaleTemporaries(in dir: String, name: String) {
        let prefix = ".\(name).tmp-"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for entry in entries where entry.hasPrefix(prefix) {
            let rest = entry.dropFirst(prefix.count)
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            let suffix = rest.dropFirst(digits.count)
            guard !digits.isEmpty, digits.count <= 10, let pid = pid_t(digits), suffix.count == 7, suffix.first == "-",
                  suffix.dropFirst().allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
                  !POSIX.isAlive(pid) else { continue }
            let path = "\(dir)/\(entry)"
            guard let st = POSIX.lstatus(path), st.kind == .regular, st.owner == POSIX.effectiveUser else { continue }
            unlink(path)
        }
    }
}

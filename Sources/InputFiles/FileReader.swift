#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A user's input file opened for reading in pieces, so that a file of any
/// size is read in constant memory. Opened like ``InputFile/read(_:maxBytes:)``:
/// the path is checked with `stat` first. A folder, a socket or a block
/// device is always refused without being opened; a FIFO, a character
/// device and standard input (`-`) are read as a stream when the caller
/// asks for streams (event files), else refused like the rest.
public final class FileReader {
    /// The path that means standard input.
    public static let standardInput = "-"

    let descriptor: Int32
    let closesDescriptor: Bool
    /// The size `stat` gave when the file was opened; nil for a stream,
    /// whose length is known only at its end.
    public let size: Int?
    /// Bytes handed out by ``read(into:)`` so far.
    public private(set) var offset = 0
    /// Bytes read by ``peek(_:)`` and not yet handed out.
    var pending: [UInt8] = []

    /// A regular file.
    public convenience init(path: String) throws(InputFileError) {
        try self.init(path: path, streams: false)
    }

    /// A regular file, or with `streams` also a FIFO (opening it waits for
    /// a writer, as the user asked to read it), a character device such as
    /// `/dev/stdin` on a terminal, and `-` for standard input.
    public init(path: String, streams: Bool) throws(InputFileError) {
        if streams, path == Self.standardInput {
            descriptor = 0
            closesDescriptor = false
            size = nil
            return
        }
        // `/dev/stdin` and `/dev/fd/N` (a shell's `<(command)`) name a
        // descriptor this process already holds. Reopening a pipe through
        // them waits for a writer, and the writer may be gone already (a
        // short `cat` that has written everything): read the descriptor itself.
        if streams, let inherited = Self.inheritedDescriptor(path) {
            var info = stat()
            if fstat(inherited, &info) == 0, info.st_mode & S_IFMT == S_IFIFO || info.st_mode & S_IFMT == S_IFSOCK {
                let fd = fcntl(inherited, F_DUPFD_CLOEXEC, 0)
                guard fd >= 0 else { throw .unreadable }
                descriptor = fd
                closesDescriptor = true
                size = nil
                return
            }
        }
        let kind = FileKind(path: path)
        switch kind {
        case .regular(let size): self.size = size
        case .fifo where streams, .characterDevice where streams: self.size = nil
        default: throw .notAFile(kind)
        }
        var fd: Int32
        repeat { fd = open(path, O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw .unreadable }
        // What was opened must still be what `stat` saw: a path swapped for a
        // folder or a device between the two calls is refused all the same.
        var info = stat()
        guard fstat(fd, &info) == 0, Self.kind(info.st_mode) == Self.kind(of: kind) else {
            close(fd)
            throw .notAFile(kind)
        }
        descriptor = fd
        closesDescriptor = true
        #if canImport(Glibc)
        // The file is read front to back once: let the kernel read ahead.
        if size != nil { _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL)) }
        #endif
    }

    deinit { if closesDescriptor { close(descriptor) } }

    /// The descriptor that `/dev/stdin`, `/dev/fd/N` or `/proc/self/fd/N` names, if `path` is one of them.
    static func inheritedDescriptor(_ path: String) -> Int32? {
        if path == "/dev/stdin" { return 0 }
        for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
            return Int32(path.dropFirst(prefix.count)).flatMap { $0 >= 0 ? $0 : nil }
        }
        return nil
    }

    /// True when the input has no size up front and cannot be read at a position.
    public var isStream: Bool { size == nil }

    static func kind(_ mode: mode_t) -> mode_t { mode & S_IFMT }
    static func kind(of kind: FileKind) -> mode_t {
        switch kind {
        case .regular: return S_IFREG
        case .fifo: return S_IFIFO
        case .characterDevice: return S_IFCHR
        default: return 0
        }
    }

    /// The first `count` bytes still to be read (fewer at the end), without
    /// consuming them: the next ``read(into:)`` hands them out first.
    public func peek(_ count: Int) throws(InputFileError) -> [UInt8] {
        if pending.count < count {
            var more = [UInt8](repeating: 0, count: count - pending.count)
            var failure: InputFileError? = nil
            let n = more.withUnsafeMutableBytes { b -> Int in
                do throws(InputFileError) { return try readDescriptor(into: b) } catch { failure = error; return 0 }
            }
            if let failure { throw failure }
            pending += more.prefix(n)
        }
        return Array(pending.prefix(count))
    }

    /// Fills `buffer` from the current position as far as the input allows;
    /// returns the number of bytes read (less than the buffer only at the end).
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputFileError) -> Int {
        var filled = 0
        if !pending.isEmpty {
            filled = min(pending.count, buffer.count)
            pending.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: filled) }
            pending.removeFirst(filled)
        }
        if filled < buffer.count {
            filled += try readDescriptor(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
        }
        offset += filled
        return filled
    }

    /// Reads the descriptor until `buffer` is full or the input ends.
    func readDescriptor(into buffer: UnsafeMutableRawBufferPointer) throws(InputFileError) -> Int {
        var filled = 0
        while filled < buffer.count {
            #if canImport(Glibc)
            let n = Glibc.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            #else
            let n = Darwin.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            #endif
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable
            }
            if n == 0 { break }
            filled += n
        }
        return filled
    }
}

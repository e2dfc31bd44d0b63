#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A user's input file opened for reading in pieces, so that a file of any
/// size is read in constant memory. Opened like ``InputFile/read(_:maxBytes:)``:
/// the path is checked with `stat` first (a FIFO, a folder or a device is
/// refused without being opened).
public final class FileReader {
    let descriptor: Int32
    /// The size `stat` gave when the file was opened.
    public let size: Int
    /// Bytes handed out by ``read(into:)`` so far.
    public private(set) var offset = 0

    public init(path: String) throws(InputFileError) {
        let kind = FileKind(path: path)
        guard case .regular(let size) = kind else { throw .notAFile(kind) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable }
        descriptor = fd
        self.size = size
        #if canImport(Glibc)
        // The file is read front to back once: let the kernel read ahead.
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        #endif
    }

    deinit { close(descriptor) }

    /// Fills `buffer` from the current position as far as the file allows;
    /// returns the number of bytes read (less than the buffer only at the end).
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputFileError) -> Int {
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
        offset += filled
        return filled
    }

    /// Reads `buffer.count` bytes at `position` (fewer only at the end of the file),
    /// without moving the position of ``read(into:)``.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at position: Int) throws(InputFileError) -> Int {
        var filled = 0
        while filled < buffer.count {
            let n = pread(descriptor, buffer.baseAddress! + filled, buffer.count - filled, off_t(position + filled))
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

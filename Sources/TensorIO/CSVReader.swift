import InputFiles

/// Reads a numeric CSV file (the format of ``CSVTable``) in blocks of
/// events, in constant memory whatever the file's size.
///
/// Opening reads up to the first event: the header and the column count
/// are known, and a file without events or with the wrong number of columns
/// is refused before any output is made. Each ``next()`` then reads a block
/// of about `blockBytes` and parses its lines on several threads (cut at
/// line ends, so the result and the error messages never depend on the
/// thread count). The first bad line is reported with its line number,
/// counted from the start of the file.
public final class CSVReader: EventReader {
    public let file: String
    public private(set) var columns = 0
    public var totalRows: Int? { nil }
    let threads: Int
    let source: ByteSource
    var buffer: UnsafeMutableRawBufferPointer
    /// `buffer[start..<filled]` is read but not yet parsed.
    var start = 0
    var filled = 0
    var atEnd = false
    /// Lines before `buffer[start]`.
    var lineNumber = 0
    /// The first event, read while opening; handed out with the first block.
    var firstRow: [Double]?
    /// The model's input width, when the caller knows it.
    let expectedColumns: Int?

    /// The longest line read, in bytes: a line of 10^6 values is about 10 MB.
    public static let maxLineBytes = 32 << 20
    /// The most values on one line when no width is known yet (a model
    /// input has at most 10^6 elements).
    public static let maxFields = 1_000_000

    public convenience init(path: String, expectedColumns: Int? = nil, threads: Int = Parallel.defaultThreads,
                            blockBytes: Int = 4 << 20) throws(TensorIOError) {
        try self.init(source: .file(EventFile.open(path)), file: path, expectedColumns: expectedColumns,
                      threads: threads, blockBytes: blockBytes)
    }

    /// Reads CSV text held in memory.
    public convenience init(bytes: [UInt8], file: String, expectedColumns: Int? = nil,
                            threads: Int = Parallel.defaultThreads, blockBytes: Int = 4 << 20) throws(TensorIOError) {
        try self.init(source: ByteSource.memory(bytes), file: file, expectedColumns: expectedColumns, threads: threads, blockBytes: blockBytes)
    }

    init(source: ByteSource, file: String, expectedColumns: Int?, threads: Int, blockBytes: Int) throws(TensorIOError) {
        self.source = source
        self.file = file
        self.threads = max(1, threads)
        self.expectedColumns = expectedColumns
        buffer = .allocate(byteCount: max(64, blockBytes), alignment: 64)
        try readFirstEvent()
        if let expectedColumns, columns != expectedColumns {
            throw TensorIOError(file: file, message: "events have \(columns) values but the model takes \(expectedColumns)")
        }
    }

    deinit { buffer.deallocate() }

    /// Comments, blank lines and an optional header, line by line, up to and
    /// including the first event.
    func readFirstEvent() throws(TensorIOError) {
        var headerColumns: Int? = nil
        while let line = try nextLine() {
            lineNumber += 1
            switch try CSVTable.classify(line, lineNumber: lineNumber, file: file,
                                         headerAllowed: headerColumns == nil, columns: headerColumns) {
            case .blank: continue
            case .header(let fields): headerColumns = fields
            case .values(let row):
                guard row.count <= Self.maxFields else {
                    throw TensorIOError(file: file, line: lineNumber, message: "more than \(Self.maxFields) values on one line; an event has at most \(Self.maxFields)")
                }
                columns = row.count
                firstRow = row
                return
            }
        }
        throw TensorIOError(file: file, message: "no events in the file")
    }

    /// The next whole line (without its line end), or nil at the end of the file.
    func nextLine() throws(TensorIOError) -> UnsafeBufferPointer<UInt8>? {
        while true {
            let bytes = buffer.bindMemory(to: UInt8.self)
            var i = start
            while i < filled, bytes[i] != 0x0A, bytes[i] != 0x0D { i += 1 }
            // A CR at the end of what is read may be the first half of a CRLF.
            if i < filled, i + 1 < filled || atEnd {
                let line = UnsafeBufferPointer(rebasing: bytes[start..<i])
                start = i + (bytes[i] == 0x0D && i + 1 < filled && bytes[i + 1] == 0x0A ? 2 : 1)
                return line
            }
            if atEnd {
                guard start < filled else { return nil }
                let line = UnsafeBufferPointer(rebasing: bytes[start..<filled])
                start = filled
                return line
            }
            try refill()
        }
    }

    /// Moves the unparsed bytes to the front and reads more after them,
    /// doubling the buffer when one line fills it.
    func refill() throws(TensorIOError) {
        let pending = filled - start
        if start == 0, filled == buffer.count {
            try checkLongLine()
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 64)
            bigger.copyMemory(from: UnsafeRawBufferPointer(buffer))
            buffer.deallocate()
            buffer = bigger
        } else if start > 0 {
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: pending)
        }
        start = 0
        filled = pending
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]), file: file)
        filled += n
        if filled < buffer.count { atEnd = true }
    }

    /// Called when one unfinished line fills the buffer, before the buffer
    /// grows: a line that already holds more values than an event can have
    /// (the width of the lines before, else the model's, else
    /// ``maxFields``), or is longer than ``maxLineBytes``, is refused
    /// without reading the rest of it. The commas are counted again at each
    /// doubling, which costs about twice the line's length in all.
    func checkLongLine() throws(TensorIOError) {
        let bytes = buffer.bindMemory(to: UInt8.self)
        let line = lineNumber + 1
        var i = start
        while i < filled, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        if i == filled || bytes[i] != UInt8(ascii: "#") {
            let limit = columns > 0 ? columns : (expectedColumns ?? Self.maxFields)
            var commas = 0
            for j in i..<filled where bytes[j] == UInt8(ascii: ",") { commas += 1 }
            if commas >= limit {
                let message = columns > 0
                    ? "expected \(columns) values, got more than \(columns) (the rest of the line was not read)"
                    : expectedColumns != nil
                    ? "events have more than \(limit) values but the model takes \(limit) (the rest of the line was not read)"
                    : "more than \(limit) values on one line; an event has at most \(limit)"
                throw TensorIOError(file: file, line: line, message: message)
            }
        }
        if filled - start >= Self.maxLineBytes {
            throw TensorIOError(file: file, line: line, message: "the line is longer than \(Self.maxLineBytes >> 20) MB; event files have one event of at most \(Self.maxFields) values a line")
        }
    }

    /// The next block of events, or nil after the last one.
    public func next() throws(TensorIOError) -> EventTable? {
        let head = firstRow ?? []
        firstRow = nil
        while true {
            if !atEnd, filled - start < buffer.count / 2 { try refill() }
            let cut = wholeLinesEnd()
            if cut == start {
                if atEnd { return head.isEmpty ? nil : EventTable(rows: 1, columns: columns, values: head) }
                // One line longer than what is read: read on until it ends.
                try refill()
                continue
            }
            return try parse(upTo: cut, after: head)
        }
    }

    /// The end of the last whole line read; a final CR waits for the next
    /// read, which may start with the LF of a CRLF.
    func wholeLinesEnd() -> Int {
        if atEnd { return filled }
        let bytes = buffer.bindMemory(to: UInt8.self)
        var cut = filled - 1
        while cut >= start, bytes[cut] != 0x0A, !(bytes[cut] == 0x0D && cut + 1 < filled) { cut -= 1 }
        return cut + 1
    }

    /// Parses `buffer[start..<cut]` on several threads; `head` comes first.
    func parse(upTo cut: Int, after head: [Double]) throws(TensorIOError) -> EventTable {
        let region = UnsafeBufferPointer(rebasing: buffer.bindMemory(to: UInt8.self)[start..<cut])
        let cuts = CSVPiece.cuts(region, pieces: region.count >= 1 << 16 ? threads * 4 : 1)
        let columns = self.columns, file = self.file
        nonisolated(unsafe) let shared = region
        let pieces = Parallel.map(cuts.count - 1, threads: threads) { i in
            CSVPiece.parse(UnsafeBufferPointer(rebasing: shared[cuts[i]..<cuts[i + 1]]), columns: columns, file: file)
        }
        var linesBefore = lineNumber
        for piece in pieces {
            if let (line, found) = piece.error {
                var error = found
                if error.line != nil { error.line = linesBefore + line + 1 }
                throw error
            }
            linesBefore += piece.lines
        }
        lineNumber = linesBefore
        start = cut
        let total = head.count + pieces.reduce(0) { $0 + $1.values.count }
        let values = [Double](unsafeUninitializedCapacity: total) { out, count in
            for v in head { out[count] = v; count += 1 }
            for piece in pieces {
                piece.values.withUnsafeBufferPointer { src in
                    _ = UnsafeMutableBufferPointer(rebasing: out[count..<(count + src.count)]).update(fromContentsOf: src)
                }
                count += piece.values.count
            }
        }
        return EventTable(rows: total / columns, columns: columns, values: values)
    }
}

/// Where a reader's bytes come from: a file, or text already in memory.
enum ByteSource {
    case file(FileReader)
    case memory(MemoryBytes)

    static func memory(_ bytes: [UInt8]) -> ByteSource { .memory(MemoryBytes(bytes: bytes)) }

    /// Reads on from the current position until `buffer` is full or the input ends.
    func read(into buffer: UnsafeMutableRawBufferPointer, file: String) throws(TensorIOError) -> Int {
        switch self {
        case .file(let reader):
            do { return try reader.read(into: buffer) } catch {
                throw TensorIOError(file: file, message: "cannot read the file: \(error)")
            }
        case .memory(let m):
            return m.read(into: buffer)
        }
    }

    /// The next `count` bytes (fewer at the end of the input).
    func bytes(_ count: Int, file: String) throws(TensorIOError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var failure: TensorIOError? = nil
        let n = out.withUnsafeMutableBytes { b -> Int in
            do throws(TensorIOError) { return try read(into: b, file: file) } catch { failure = error; return 0 }
        }
        if let failure { throw failure }
        return Array(out.prefix(n))
    }

    /// The size of the whole input; nil for a stream (a pipe, standard input).
    var size: Int? {
        switch self {
        case .file(let reader): return reader.size
        case .memory(let m): return m.bytes.count
        }
    }
}

/// Bytes in memory read front to back.
final class MemoryBytes {
    let bytes: [UInt8]
    var position = 0
    init(bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = max(0, min(buffer.count, bytes.count - position))
        if n > 0 {
            bytes.withUnsafeBytes { src in
                buffer.baseAddress!.copyMemory(from: src.baseAddress! + position, byteCount: n)
            }
        }
        position += n
        return n
    }
}

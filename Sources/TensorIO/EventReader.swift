import InputFiles

/// A source of events read in blocks, in file order: the streaming form of
/// ``EventTable``, for files too large to hold in memory.
public protocol EventReader: AnyObject {
    /// The path, as errors name it.
    var file: String { get }
    /// Values per event.
    var columns: Int { get }
    /// The number of events when the file says it up front (`.npy`), else nil.
    var totalRows: Int? { get }
    /// The next block of events, or nil after the last one. Blocks hold
    /// whole events; their size is the reader's choice.
    func next() throws(TensorIOError) -> EventTable?
}

extension EventReader {
    /// Every remaining event in one table.
    public func readAll() throws(TensorIOError) -> EventTable {
        var values: [Double] = []
        // The header's count is a promise the file may not keep (a sparse
        // file): reserve at most 16 M values (128 MB) ahead of the data.
        if let totalRows {
            let (n, overflow) = totalRows.multipliedReportingOverflow(by: columns)
            values.reserveCapacity(overflow ? 1 << 24 : min(n, 1 << 24))
        }
        while let block = try next() { values += block.values }
        return EventTable(rows: columns == 0 ? 0 : values.count / columns, columns: columns, values: values)
    }
}

/// Event files by extension: `.npy` (``NPYReader``), anything else numeric
/// CSV (``CSVReader``); a stream (a pipe, `-` for standard input) is `.npy`
/// when it starts with the `.npy` magic string.
public enum EventFile {
    public static func isNPY(_ path: String) -> Bool { path.lowercased().hasSuffix(".npy") }

    /// Opens an event file for reading front to back: a regular file, or a
    /// stream (a FIFO such as `<(zcat events.csv.gz)`, `/dev/stdin`, `-`),
    /// which is read as it comes, once.
    static func open(_ path: String) throws(TensorIOError) -> FileReader {
        do { return try FileReader(path: path, streams: true) } catch {
            throw TensorIOError(file: path, message: "cannot read the file: \(error)")
        }
    }

    /// Opens `path` for reading in blocks; `expectedColumns` checks the
    /// width of the events before any is handed out.
    public static func reader(path: String, expectedColumns: Int? = nil,
                              threads: Int = Parallel.defaultThreads) throws(TensorIOError) -> any EventReader {
        let input = try open(path)
        if isNPY(path) || (input.isStream && startsLikeNPY(input, file: path)) {
            return try NPYReader(source: .file(input), file: path, expectedColumns: expectedColumns, blockBytes: 4 << 20)
        }
        return try CSVReader(source: .file(input), file: path, expectedColumns: expectedColumns,
                             threads: threads, blockBytes: 4 << 20)
    }

    /// Whether a stream starts with the `.npy` magic string (the bytes stay to be read).
    static func startsLikeNPY(_ input: FileReader, file: String) -> Bool {
        (try? input.peek(NPYTable.magic.count)) == NPYTable.magic
    }
}

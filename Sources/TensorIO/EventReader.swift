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

/// Event files by extension: `.npy` (``NPYReader``), anything else numeric CSV (``CSVReader``).
public enum EventFile {
    public static func isNPY(_ path: String) -> Bool { path.lowercased().hasSuffix(".npy") }

    /// Opens `path` for reading in blocks; `expectedColumns` checks the
    /// width of the events before any is handed out.
    public static func reader(path: String, expectedColumns: Int? = nil,
                              threads: Int = Parallel.defaultThreads) throws(TensorIOError) -> any EventReader {
        if isNPY(path) { return try NPYReader(path: path, expectedColumns: expectedColumns) }
        return try CSVReader(path: path, expectedColumns: expectedColumns, threads: threads)
    }
}

/// A table of events: `rows` events of `columns` numbers each, row-major.
public struct EventTable: Sendable, Equatable {
    public var rows: Int
    public var columns: Int
    public var values: [Double]

    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(values.count == rows * columns, "EventTable: values do not fill rows x columns")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    public init(_ rowList: [[Double]]) {
        let columns = rowList.first?.count ?? 0
        self.init(rows: rowList.count, columns: columns, values: rowList.flatMap { $0 })
    }

    /// Event `i` as an array slice.
    public subscript(row i: Int) -> ArraySlice<Double> {
        values[(i * columns)..<((i + 1) * columns)]
    }

    /// All events as arrays.
    public var rowArrays: [[Double]] { (0..<rows).map { Array(self[row: $0]) } }

    /// Why these events cannot be the inputs of a model that takes `width`
    /// values per event, or nil: the column count must be `width`, and every
    /// value finite (a NaN or an infinity has no fixed-point value). The
    /// one check behind every consumer of an event table in memory (C and
    /// RTL simulation, HLS test vectors), so that they say the same.
    public func inputProblem(width: Int) -> String? {
        guard columns == width else { return "events have \(columns) columns, the model takes \(width) inputs" }
        guard let bad = values.firstIndex(where: { !$0.isFinite }) else { return nil }
        return "event \(bad / max(columns, 1)) holds \(values[bad]); only finite numbers have a fixed-point value"
    }
}

/// Why an event file could not be read.
public struct TensorIOError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based line (CSV) when known.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        let text = line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)"
        // A hostile file can put megabytes into a field that a message quotes.
        return text.count <= 2000 ? text : text.prefix(2000) + "…"
    }
}

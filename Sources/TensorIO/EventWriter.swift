import FileSafety
import Foundation

/// Writes an event table in blocks, through ``StreamingOutput``: a regular
/// file appears only when ``finish()`` succeeds (a failure half-way leaves
/// no partial output); `-`, a device or a FIFO is streamed to.
///
/// The bytes of each block come from ``EventEncoding``, a pure function a
/// caller may run on several threads; the writer only puts them in order.
public final class EventWriter {
    public let path: String
    public let format: EventEncoding.Format
    public let columns: Int
    let output: StreamingOutput
    /// Rows written so far.
    public private(set) var rows = 0
    /// The `.npy` header as first written, when it must be rewritten with
    /// the row count at the end; or the whole output, held until then, for
    /// a stream that cannot be rewritten.
    var npyHeaderLength = 0
    var held: [UInt8]? = nil
    let expectedRows: Int?

    /// `expectedRows`: the row count when known before writing (a `.npy`
    /// input), which lets a `.npy` header go to a stream first.
    public init(path: String, format: EventEncoding.Format, columns: Int, expectedRows: Int? = nil,
                header: [String]? = nil, eventShape: [Int]? = nil) throws(FileSafetyError) {
        self.path = path
        self.format = format
        self.columns = columns
        self.expectedRows = expectedRows
        output = try StreamingOutput(path)
        switch format {
        case .csv:
            if let header { try write(Array((header.joined(separator: ",") + "\n").utf8)) }
        case .npy(let type):
            if let expectedRows {
                try write(NPYTable.header(type: type, rows: expectedRows, columns: columns, eventShape: eventShape))
            } else if output.isRewritable {
                // Room for any row count; rewritten with the real one at the end.
                let header = NPYTable.header(type: type, rows: Int.max, columns: columns)
                npyHeaderLength = header.count
                try write(header)
            } else {
                held = []
            }
        }
    }

    /// Appends the encoding of `count` rows.
    public func write(_ bytes: [UInt8], rows count: Int) throws(FileSafetyError) {
        rows += count
        try write(bytes)
    }

    func write(_ bytes: [UInt8]) throws(FileSafetyError) {
        if held != nil { held! += bytes; return }
        do { try output.write(bytes) } catch {
            output.discard()
            throw error
        }
    }

    /// Completes the output (the `.npy` row count, the rename over the target).
    public func finish() throws(FileSafetyError) {
        do throws(FileSafetyError) {
            if case .npy(let type) = format {
                precondition(expectedRows == nil || expectedRows == rows, "EventWriter: \(rows) rows written, \(expectedRows!) announced")
                if let body = held {
                    held = nil
                    try output.write(NPYTable.header(type: type, rows: rows, columns: columns) + body)
                } else if npyHeaderLength > 0 {
                    try output.write(NPYTable.header(type: type, rows: rows, columns: columns, length: npyHeaderLength), at: 0)
                }
            }
            try output.commit()
        } catch {
            output.discard()
            throw error
        }
    }

    /// Gives up: nothing is left at a regular file's path.
    public func discard() { output.discard() }
}

extension EventFile {
    /// Writes a whole table: `.npy` (float64) for a path ending in `.npy`,
    /// else CSV, with the rules of ``StreamingOutput``.
    /// `eventShape` gives a `.npy` file the shape of one event (`[16, 3]`:
    /// an array of shape (rows, 16, 3)); its product must be the column count.
    public static func write(_ table: EventTable, to path: String, eventShape: [Int]? = nil) throws(FileSafetyError) {
        let format = EventEncoding.format(forPath: path, npyType: .float64)
        precondition(eventShape == nil || eventShape!.reduce(1, *) == table.columns, "EventFile.write: event shape does not hold the columns")
        let writer = try EventWriter(path: path, format: format, columns: table.columns, expectedRows: table.rows, eventShape: eventShape)
        let bytes = table.values.withUnsafeBufferPointer { EventEncoding.encode($0, columns: table.columns, as: format) }
        try writer.write(bytes, rows: table.rows)
        try writer.finish()
    }
}

/// How blocks of events become bytes: pure functions, safe to run on
/// several threads at once.
public enum EventEncoding {
    public enum Format: Sendable, Equatable {
        /// Numbers as ``CSVTable/formatNumber(_:)`` spells them, one event a line.
        case csv
        /// The data part of a `.npy` array of this element type.
        case npy(NPYType)
    }

    /// `.npy` for a path ending in `.npy`, else CSV.
    public static func format(forPath path: String, npyType: NPYType) -> Format {
        EventFile.isNPY(path) ? .npy(npyType) : .csv
    }

    /// Real values, row-major, `columns` a row.
    public static func encode(_ values: UnsafeBufferPointer<Double>, columns: Int, as format: Format) -> [UInt8] {
        var out: [UInt8] = []
        switch format {
        case .csv:
            out.reserveCapacity(values.count * 12)
            for (i, v) in values.enumerated() {
                CSVTable.appendNumber(v, to: &out)
                out.append(i % columns == columns - 1 ? 0x0A : 0x2C)
            }
        case .npy(let type):
            out.reserveCapacity(values.count * type.size)
            for v in values {
                switch type {
                case .float64: withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) }
                case .float32: withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { out.append(contentsOf: $0) }
                case .int32: withUnsafeBytes(of: Int32(v).littleEndian) { out.append(contentsOf: $0) }
                case .int64: withUnsafeBytes(of: Int64(v).littleEndian) { out.append(contentsOf: $0) }
                }
            }
        }
        return out
    }

    /// Integer codes, row-major, `columns` a row (`--raw`). In `.npy`, an
    /// `<i4` type must be wide enough (the caller chooses it from the types).
    public static func encode(_ codes: UnsafeBufferPointer<Int64>, columns: Int, as format: Format) -> [UInt8] {
        var out: [UInt8] = []
        switch format {
        case .csv:
            out.reserveCapacity(codes.count * 8)
            for (i, v) in codes.enumerated() {
                CSVTable.appendInteger(v, to: &out)
                out.append(i % columns == columns - 1 ? 0x0A : 0x2C)
            }
        case .npy(let type):
            out.reserveCapacity(codes.count * type.size)
            for v in codes {
                switch type {
                case .int32: withUnsafeBytes(of: Int32(truncatingIfNeeded: v).littleEndian) { out.append(contentsOf: $0) }
                case .int64: withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
                case .float64: withUnsafeBytes(of: Double(v).bitPattern.littleEndian) { out.append(contentsOf: $0) }
                case .float32: withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { out.append(contentsOf: $0) }
                }
            }
        }
        return out
    }
}

import Foundation
import InputFiles

/// NumPy `.npy` arrays (format versions 1.0–3.0): little-endian `f4`, `f8`,
/// `i4`, `i8`, C order, one dimension or more (the first the events). A 1-D array of n values is
/// read as n events of one value. ``NPYReader`` reads one in blocks.
///
/// Hand-written rather than a general library: the subset a trigger study
/// writes is tiny, and a clear error for the rest matters more than coverage.
public enum NPYTable {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59] // "\x93NUMPY"
    /// The longest header read, in bytes: numpy's own default limit
    /// (`max_header_size`); the header of an array of events is under 200.
    public static let maxHeaderBytes = 10_000

    public static func read(path: String, expectedColumns: Int? = nil) throws(TensorIOError) -> EventTable {
        try NPYReader(path: path, expectedColumns: expectedColumns).readAll()
    }

    public static func parse(_ data: Data, file: String = "input.npy", expectedColumns: Int? = nil) throws(TensorIOError) -> EventTable {
        try NPYReader(bytes: [UInt8](data), file: file, expectedColumns: expectedColumns).readAll()
    }

    /// The text of `key`'s value in the header dictionary
    /// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
    static func field(_ key: String, in header: String, file: String) throws(TensorIOError) -> String {
        guard let keyRange = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\""),
              let colon = header[keyRange.upperBound...].firstIndex(of: ":") else {
            throw TensorIOError(file: file, message: "header has no '\(key)' entry")
        }
        var rest = header[header.index(after: colon)...].drop { $0 == " " }
        if rest.first == "(" {
            guard let close = rest.firstIndex(of: ")") else { throw TensorIOError(file: file, message: "malformed '\(key)' in header") }
            return String(rest[...close])
        }
        if let end = rest.firstIndex(where: { $0 == "," || $0 == "}" }) { rest = rest[..<end] }
        return rest.trimmingCharacters(in: .whitespaces)
    }

    /// Writes a table as a little-endian `<f8` C-order 2-D array (version 1.0).
    public static func encode(_ table: EventTable) -> Data {
        var data = Data(header(type: .float64, rows: table.rows, columns: table.columns))
        table.values.withUnsafeBufferPointer { data.append(contentsOf: EventEncoding.encode($0, columns: table.columns, as: .npy(.float64))) }
        return data
    }

    /// The magic string, version 1.0 and header dictionary of a 2-D C-order
    /// array, padded with spaces so that the data starts on a 64-byte
    /// boundary, or to `length` bytes in all (a header rewritten in place).
    /// `eventShape`, when given, replaces `columns` as the shape of one
    /// event (`[18, 14, 1]` writes shape `(rows, 18, 14, 1)`); its product
    /// must be `columns`.
    public static func header(type: NPYType, rows: Int, columns: Int, length: Int? = nil, eventShape: [Int]? = nil) -> [UInt8] {
        let dims = (eventShape.map { $0.map(String.init) } ?? [String(columns)]).joined(separator: ", ")
        var header = "{'descr': '\(type.rawValue)', 'fortran_order': False, 'shape': (\(rows), \(dims)), }"
        if let length {
            while 10 + header.utf8.count + 1 < length { header += " " }
        } else {
            while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        }
        header += "\n"
        let n = header.utf8.count
        return magic + [1, 0, UInt8(n & 0xFF), UInt8(n >> 8)] + Array(header.utf8)
    }
}

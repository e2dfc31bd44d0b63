import Foundation
import InputFiles

/// NumPy `.npy` arrays (format versions 1.0–3.0): little-endian `f4`, `f8`,
/// `i4`, `i8`, C order, one or two dimensions. A 1-D array of n values is
/// read as n events of one value.
///
/// Hand-written rather than a general library: the subset a trigger study
/// writes is tiny, and a clear error for the rest matters more than coverage.
public enum NPYTable {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59] // "\x93NUMPY"

    public static func read(path: String, expectedColumns: Int? = nil) throws(TensorIOError) -> EventTable {
        let data: Data
        do { data = try InputFile.read(path) } catch { throw TensorIOError(file: path, message: "cannot read the file: \(error)") }
        return try parse(data, file: path, expectedColumns: expectedColumns)
    }

    public static func parse(_ data: Data, file: String = "input.npy", expectedColumns: Int? = nil) throws(TensorIOError) -> EventTable {
        let bytes = [UInt8](data)
        func fail(_ message: String) -> TensorIOError { TensorIOError(file: file, message: message) }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw fail("not a .npy file (the magic string \\x93NUMPY is missing)")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            headerStart = 12
        default:
            throw fail("unsupported .npy format version \(major).\(bytes[7])")
        }
        guard bytes.count >= headerStart + headerLength else { throw fail("truncated header") }
        guard let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw fail("unreadable header")
        }
        let descr = try field("descr", in: header, file: file)
        let order = try field("fortran_order", in: header, file: file)
        let shapeText = try field("shape", in: header, file: file)

        guard order == "False" else { throw fail("Fortran-order arrays are not supported; save with np.ascontiguousarray") }
        let dtype = descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        let itemSize: Int
        let decode: (UnsafeRawBufferPointer, Int) -> Double
        switch dtype {
        case "<f4": itemSize = 4; decode = { Double(Float(bitPattern: $0.loadUnaligned(fromByteOffset: $1, as: UInt32.self).littleEndian)) }
        case "<f8": itemSize = 8; decode = { Double(bitPattern: $0.loadUnaligned(fromByteOffset: $1, as: UInt64.self).littleEndian) }
        case "<i4": itemSize = 4; decode = { Double(Int32(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: Int32.self))) }
        case "<i8": itemSize = 8; decode = { Double(Int64(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: Int64.self))) }
        default:
            throw fail("unsupported dtype '\(dtype)'; supported: <f4, <f8, <i4, <i8 (little-endian float32/64, int32/64)")
        }
        let dims = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "()"))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var shape: [Int] = []
        for d in dims {
            guard let v = Int(d), v >= 0 else { throw fail("malformed shape \(shapeText)") }
            shape.append(v)
        }
        let rows: Int, columns: Int
        switch shape.count {
        case 1: rows = shape[0]; columns = 1
        case 2: rows = shape[0]; columns = shape[1]
        default: throw fail("expected a 1-D or 2-D array (events x values), got shape \(shapeText)")
        }
        guard rows > 0, columns > 0 else { throw fail("the array is empty (shape \(shapeText))") }
        let start = headerStart + headerLength
        let needed = rows * columns * itemSize
        guard bytes.count - start >= needed else {
            throw fail("truncated data: shape \(shapeText) needs \(needed) bytes, the file has \(bytes.count - start)")
        }
        if let expectedColumns, columns != expectedColumns {
            throw fail("events have \(columns) values but the model takes \(expectedColumns)")
        }
        var values = [Double](repeating: 0, count: rows * columns)
        var bad: Int? = nil
        bytes.withUnsafeBytes { raw in
            for i in 0..<(rows * columns) {
                let v = decode(raw, start + i * itemSize)
                if !v.isFinite, bad == nil { bad = i }
                values[i] = v
            }
        }
        if let bad { throw fail("event \(bad / columns), column \(bad % columns + 1): not a finite number") }
        return EventTable(rows: rows, columns: columns, values: values)
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
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (\(table.rows), \(table.columns)), }"
        // Pad so that the data starts on a 64-byte boundary, ending in a newline.
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data(magic + [1, 0])
        let n = header.utf8.count
        data.append(contentsOf: [UInt8(n & 0xFF), UInt8(n >> 8)])
        data.append(contentsOf: Array(header.utf8))
        for v in table.values {
            withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }
}

import Foundation
import InputFiles

/// Reads a `.npy` array (the subset of ``NPYTable``) in blocks of rows,
/// front to back, so a file of 10^8 events is never held whole and a stream
/// (a pipe, standard input) reads like a file. The header and the shape
/// are checked when it opens, and for a regular file the size of the data
/// too; a stream that ends early is reported at its end. A value that is
/// not finite is reported with its event and column when its block is read.
public final class NPYReader: EventReader {
    public let file: String
    public let columns: Int
    public let rows: Int
    public var totalRows: Int? { rows }
    let source: ByteSource
    let dtype: NPYType
    let shapeText: String
    let rowsPerBlock: Int
    var nextRow = 0
    var scratch: UnsafeMutableRawBufferPointer

    /// The most values an event may have, as ``ModelDecoder`` allows for one input.
    public static let maxColumns = 1_000_000

    public convenience init(path: String, expectedColumns: Int? = nil, blockBytes: Int = 4 << 20) throws(TensorIOError) {
        try self.init(source: .file(EventFile.open(path)), file: path, expectedColumns: expectedColumns, blockBytes: blockBytes)
    }

    public convenience init(bytes: [UInt8], file: String, expectedColumns: Int? = nil, blockBytes: Int = 4 << 20) throws(TensorIOError) {
        try self.init(source: ByteSource.memory(bytes), file: file, expectedColumns: expectedColumns, blockBytes: blockBytes)
    }

    init(source: ByteSource, file: String, expectedColumns: Int?, blockBytes: Int) throws(TensorIOError) {
        self.source = source
        self.file = file
        func fail(_ message: String) -> TensorIOError { TensorIOError(file: file, message: message) }
        var prefix = try source.bytes(10, file: file)
        guard prefix.count == 10, Array(prefix[0..<6]) == NPYTable.magic else {
            throw fail("not a .npy file (the magic string \\x93NUMPY is missing)")
        }
        let major = prefix[6]
        let headerLength: Int
        switch major {
        case 1:
            headerLength = Int(prefix[8]) | Int(prefix[9]) << 8
        case 2, 3:
            prefix += try source.bytes(2, file: file)
            guard prefix.count == 12 else { throw fail("truncated header") }
            headerLength = (0..<4).reduce(0) { $0 | Int(prefix[8 + $1]) << (8 * $1) }
        default:
            throw fail("unsupported .npy format version \(major).\(prefix[7])")
        }
        // numpy refuses headers over 10 000 bytes unless told otherwise; a
        // header of events is under 200. Nothing larger is read or quoted.
        guard headerLength <= NPYTable.maxHeaderBytes else {
            throw fail("the header is \(headerLength) bytes; at most \(NPYTable.maxHeaderBytes) are read (numpy's own limit)")
        }
        let headerBytes = try source.bytes(headerLength, file: file)
        guard headerBytes.count == headerLength else { throw fail("truncated header") }
        guard let header = String(bytes: headerBytes, encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw fail("unreadable header")
        }
        let descr = try NPYTable.field("descr", in: header, file: file)
        let order = try NPYTable.field("fortran_order", in: header, file: file)
        let shapeField = try NPYTable.field("shape", in: header, file: file)
        let shapeText = shapeField.count > 80 ? shapeField.prefix(80) + "…" : shapeField
        self.shapeText = shapeText
        guard order == "False" else { throw fail("Fortran-order arrays are not supported; save with np.ascontiguousarray") }
        let name = descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        guard let dtype = NPYType(rawValue: name) else {
            throw fail("unsupported dtype '\(name.prefix(40))'; supported: <f4, <f8, <i4, <i8 (little-endian float32/64, int32/64)")
        }
        let dims = shapeField.trimmingCharacters(in: CharacterSet(charactersIn: "()"))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var shape: [Int] = []
        for d in dims {
            guard let v = Int(d), v >= 0 else { throw fail("malformed shape \(shapeText)") }
            shape.append(v)
        }
        // (events,), (events, values), or (events, d1, d2, ...): an event's
        // tensor, its values in C order (the row of a CSV file).
        guard !shape.isEmpty, shape.count <= 9 else {
            throw fail("expected an array of events (1 to 9 dimensions, the first one the events), got shape \(shapeText)")
        }
        rows = shape[0]
        var product = 1
        for d in shape.dropFirst() {
            let (p, overflow) = product.multipliedReportingOverflow(by: d)
            guard !overflow else { throw fail("events have more than \(Int.max) values (shape \(shapeText)); the limit is \(Self.maxColumns)") }
            product = p
        }
        columns = shape.count == 1 ? 1 : product
        guard rows > 0, columns > 0 else { throw fail("the array is empty (shape \(shapeText))") }
        guard columns <= Self.maxColumns else {
            throw fail("events have \(columns) values (shape \(shapeText)); the limit is \(Self.maxColumns)")
        }
        if let expectedColumns, columns != expectedColumns {
            throw fail("events have \(columns) values but the model takes \(expectedColumns)")
        }
        let rowBytes = columns * dtype.size
        let (needed, overflow) = rows.multipliedReportingOverflow(by: rowBytes)
        if let size = source.size {
            let available = size - prefix.count - headerLength
            guard !overflow, available >= needed else {
                throw fail("truncated data: shape \(shapeText) needs \(overflow ? "more than \(Int.max)" : "\(needed)") bytes, the file has \(available)")
            }
        }
        self.dtype = dtype
        rowsPerBlock = max(1, min(rows, blockBytes / rowBytes))
        scratch = .allocate(byteCount: rowsPerBlock * rowBytes, alignment: 64)
    }

    deinit { scratch.deallocate() }

    public func next() throws(TensorIOError) -> EventTable? {
        guard nextRow < rows else { return nil }
        let count = min(rowsPerBlock, rows - nextRow)
        let n = count * columns
        let bytes = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<(n * dtype.size)])
        let got = try source.read(into: bytes, file: file)
        guard got == bytes.count else {
            throw TensorIOError(file: file, message: source.size == nil
                ? "truncated data: shape \(shapeText) has \(rows) events, the input ended in event \(nextRow + got / (columns * dtype.size))"
                : "the file became shorter while it was read")
        }
        let raw = UnsafeRawBufferPointer(bytes)
        var bad: Int? = nil
        let values = [Double](unsafeUninitializedCapacity: n) { out, initialized in
            bad = dtype.decode(raw, into: out)
            initialized = n
        }
        if let bad {
            let i = nextRow * columns + bad
            throw TensorIOError(file: file, message: "event \(i / columns), column \(i % columns + 1): not a finite number")
        }
        nextRow += count
        return EventTable(rows: count, columns: columns, values: values)
    }
}

/// The element types of the `.npy` files read and written.
public enum NPYType: String, Sendable {
    case float32 = "<f4", float64 = "<f8", int32 = "<i4", int64 = "<i8"

    public var size: Int { self == .float32 || self == .int32 ? 4 : 8 }

    /// Decodes little-endian elements into Doubles; returns the index of the
    /// first value that is not finite, if any.
    func decode(_ raw: UnsafeRawBufferPointer, into out: UnsafeMutableBufferPointer<Double>) -> Int? {
        var finite = true
        switch self {
        case .float64:
            for i in out.indices {
                let v = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)))
                out[i] = v
                finite = finite && v.isFinite
            }
        case .float32:
            for i in out.indices {
                let v = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
                out[i] = Double(v)
                finite = finite && v.isFinite
            }
        case .int32:
            for i in out.indices { out[i] = Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: Int32.self))) }
        case .int64:
            for i in out.indices { out[i] = Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))) }
        }
        return finite ? nil : out.firstIndex { !$0.isFinite }
    }
}

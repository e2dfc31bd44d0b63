import Foundation
import Testing
@testable import TensorIO

/// Event tables written in blocks read back as the same table.
struct EventWriterTests {
    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "hepml-writer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static let table: EventTable = {
        var rows: [[Double]] = []
        for i in 0..<1000 {
            let x = Double(i)
            rows.append([x, x / 64, -0.1 * x, 1e20 + x])
        }
        return EventTable(rows)
    }()

    static func write(_ table: EventTable, to path: String, format: EventEncoding.Format, blockRows: Int, announce: Bool) throws {
        let writer = try EventWriter(path: path, format: format, columns: table.columns, expectedRows: announce ? table.rows : nil)
        for start in stride(from: 0, to: table.rows, by: blockRows) {
            let rows = min(blockRows, table.rows - start)
            let bytes = table.values.withUnsafeBufferPointer {
                EventEncoding.encode(UnsafeBufferPointer(rebasing: $0[(start * table.columns)..<((start + rows) * table.columns)]),
                                     columns: table.columns, as: format)
            }
            try writer.write(bytes, rows: rows)
        }
        try writer.finish()
    }

    @Test(arguments: [true, false])
    func npyInBlocksReadsBackTheSameTable(announced: Bool) throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.write(Self.table, to: dir + "/y.npy", format: .npy(.float64), blockRows: 77, announce: announced)
        #expect(try NPYTable.read(path: dir + "/y.npy") == Self.table)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["y.npy"])
    }

    @Test func csvInBlocksIsTheWholeTableFormatted() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.write(Self.table, to: dir + "/y.csv", format: .csv, blockRows: 100, announce: false)
        #expect(String(decoding: FileManager.default.contents(atPath: dir + "/y.csv")!, as: UTF8.self) == CSVTable.format(Self.table))
    }

    @Test func rawCodesGoToIntegerArrays() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let codes: [Int64] = [1, -2, 32767, -32768, 5, 6]
        for type in [NPYType.int32, .int64] {
            let writer = try EventWriter(path: dir + "/r.npy", format: .npy(type), columns: 2)
            try writer.write(codes.withUnsafeBufferPointer { EventEncoding.encode($0, columns: 2, as: .npy(type)) }, rows: 3)
            try writer.finish()
            let data = FileManager.default.contents(atPath: dir + "/r.npy")!
            #expect(String(decoding: data.prefix(80), as: UTF8.self).contains("'descr': '\(type.rawValue)'"))
            #expect(try NPYTable.read(path: dir + "/r.npy").values == codes.map(Double.init))
        }
        #expect(codes.withUnsafeBufferPointer { String(decoding: EventEncoding.encode($0, columns: 2, as: .csv), as: UTF8.self) }
                == "1,-2\n32767,-32768\n5,6\n")
    }

    @Test func numbersAreSpelledAsBefore() {
        for v in [0, -0.0, 1, -1, 1e15, 1e15 + 1, 0.1, -2.5e-7, 123456789.125, Double.greatestFiniteMagnitude, -9.223372036854776e18] {
            var bytes: [UInt8] = []
            CSVTable.appendNumber(v, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == CSVTable.formatNumber(v))
        }
        for v: Int64 in [0, 7, -7, .max, .min, 1_000_000] {
            var bytes: [UInt8] = []
            CSVTable.appendInteger(v, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(v))
        }
    }
}

/// `hepml-compile generate` writes tensor events with their shape after the event axis.
struct ShapedNPYTests {
    @Test func anEventShapeGoesIntoTheHeaderAndReadsBackFlat() throws {
        let folder = try EventWriterTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/jets.npy"
        let t = EventTable(rows: 2, columns: 6, values: (0..<12).map { Double($0) / 4 })
        try EventFile.write(t, to: path, eventShape: [2, 3])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let header = String(decoding: bytes.prefix(128), as: UTF8.self)
        #expect(header.contains("'shape': (2, 2, 3)"))
        #expect(bytes.count % 64 == (2 * 6 * 8) % 64)
        #expect(try NPYTable.read(path: path) == t)
    }
}

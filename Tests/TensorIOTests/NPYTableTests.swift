import Testing
import Foundation
import TensorIO

struct NPYTableTests {
    /// A hand-built .npy file: version 1.0, the given header dictionary and raw bytes.
    static func file(_ header: String, _ payload: [UInt8], magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) -> Data {
        var h = header
        while (10 + h.utf8.count + 1) % 64 != 0 { h += " " }
        h += "\n"
        var d = Data(magic + [1, 0, UInt8(h.utf8.count & 0xFF), UInt8(h.utf8.count >> 8)])
        d.append(contentsOf: Array(h.utf8))
        d.append(contentsOf: payload)
        return d
    }

    static func bytes<T>(_ values: [T]) -> [UInt8] {
        values.withUnsafeBytes { Array($0) }
    }

    @Test func roundTripsTwoDimensionalFloat64() throws {
        let t = EventTable([[1.5, -2, 3], [4, 5.25, 6e-3]])
        let back = try NPYTable.parse(NPYTable.encode(t))
        #expect(back == t)
    }

    @Test func readsFloat32AndIntegersAndOneDimensionalArrays() throws {
        let f4 = try NPYTable.parse(Self.file("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", Self.bytes([Float(0.5), 1, 2, -3])))
        #expect(f4 == EventTable([[0.5, 1], [2, -3]]))
        let i8 = try NPYTable.parse(Self.file("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", Self.bytes([Int64(7), -1, 4])))
        #expect(i8 == EventTable([[7], [-1], [4]]))
        let i4 = try NPYTable.parse(Self.file("{'descr': '<i4', 'fortran_order': False, 'shape': (1, 2), }", Self.bytes([Int32(-5), 9])))
        #expect(i4 == EventTable([[-5, 9]]))
    }

    static func message(_ data: Data, columns: Int? = nil) -> String {
        do {
            _ = try NPYTable.parse(data, file: "x.npy", expectedColumns: columns)
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test func rejectsBadInputWithAClearMessage() {
        let good = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }"
        let payload = Self.bytes([1.0, 2, 3, 4])
        #expect(Self.message(Self.file(good, payload, magic: Array("NUMPY!".utf8))).contains("magic"))
        #expect(Self.message(Self.file("{'descr': '<f2', 'fortran_order': False, 'shape': (2, 2), }", payload)).contains("unsupported dtype '<f2'"))
        #expect(Self.message(Self.file("{'descr': '>f8', 'fortran_order': False, 'shape': (2, 2), }", payload)).contains("unsupported dtype"))
        #expect(Self.message(Self.file("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", payload)).contains("Fortran"))
        #expect(Self.message(Self.file(good, Array(payload.prefix(20)))).contains("truncated data"))
        // An event may be a tensor: (events, 2, 2) holds 4 values per event, in C order.
        #expect(Self.message(Self.file("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 2), }", payload), columns: 4) == "no error")
        #expect(Self.message(Self.file("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1, 4), }", payload)).contains("1 to 9 dimensions"))
        #expect(Self.message(Self.file(good, Self.bytes([1.0, .nan, 3, 4]))).contains("not a finite number"))
        #expect(Self.message(Self.file(good, payload), columns: 3).contains("the model takes 3"))
        #expect(Self.message(Data([0x93, 0x4E])).contains("magic"))
        #expect(Self.message(Self.file(good, payload)) == "no error")
    }

    /// Issue 21: a shape whose byte count overflows `Int` is an error, not a trap.
    @Test func aShapeWhoseSizeOverflowsIsRefused() {
        let payload = Self.bytes([1.0, 2, 3, 4])
        let huge = Self.message(Self.file("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4611686018427387904), }", payload))
        #expect(huge.contains("events have 4611686018427387904 values (shape (4611686018427387904, 4611686018427387904)); the limit is 1000000"), "\(huge)")
        let wide = Self.message(Self.file("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 4611686018427387904), }", payload))
        #expect(wide.contains("the limit is 1000000"), "\(wide)")
        // Rows times the row's bytes past Int: checked, not a trap.
        let long = Self.message(Self.file("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", payload))
        #expect(long.contains("truncated data: shape (4611686018427387904, 4) needs more than"), "\(long)")
    }

    /// Issue 21: a 20 MB header (format 2.0) is refused unread, and no
    /// message quotes more than 2000 characters of a file.
    @Test func aHugeHeaderIsRefusedUnreadAndNeverEchoed() {
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + String(repeating: "9", count: 20_000_000) + ",), }\n"
        let n = header.utf8.count
        var data = Data(NPYTableTests.magicV2 + [UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8(n >> 24)])
        data.append(contentsOf: Array(header.utf8))
        let m = Self.message(data)
        #expect(m.contains("the header is \(n) bytes; at most 10000 are read"), "\(m.prefix(300))")
        #expect(m.count < 300)
        // Within the limit, a long malformed shape is quoted in part only.
        let long = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + String(repeating: "x", count: 9_000) + ",), }"
        let quoted = Self.message(Self.file(long, []))
        #expect(quoted.contains("malformed shape"), "\(quoted.prefix(300))")
        #expect(quoted.count < 2100)
    }

    static let magicV2: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 2, 0]
}

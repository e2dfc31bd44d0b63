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
        #expect(Self.message(Self.file("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 2), }", payload)).contains("1-D or 2-D"))
        #expect(Self.message(Self.file(good, Self.bytes([1.0, .nan, 3, 4]))).contains("not a finite number"))
        #expect(Self.message(Self.file(good, payload), columns: 3).contains("the model takes 3"))
        #expect(Self.message(Data([0x93, 0x4E])).contains("magic"))
        #expect(Self.message(Self.file(good, payload)) == "no error")
    }
}

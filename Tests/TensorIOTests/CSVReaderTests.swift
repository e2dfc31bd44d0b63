import Foundation
import Testing
@testable import TensorIO

/// The streaming CSV reader: the same values and messages as reading the
/// file whole, whatever the block size and the number of threads.
struct CSVReaderTests {
    static func blocks(_ text: String, blockBytes: Int, threads: Int, columns: Int? = nil) throws(TensorIOError) -> EventTable {
        try CSVReader(bytes: Array(text.utf8), file: "x.csv", expectedColumns: columns, threads: threads, blockBytes: blockBytes).readAll()
    }

    static func error(_ text: String, blockBytes: Int = 64, threads: Int = 3) -> String? {
        do { _ = try blocks(text, blockBytes: blockBytes, threads: threads); return nil } catch { return error.description }
    }

    /// A mixed file: header, comments, blank lines, three line-end styles,
    /// blanks around values, and spellings the fast path hands on.
    static let mixed: String = {
        var lines = ["# a comment", "pt, eta ,phi", ""]
        for i in 0..<500 {
            let end = ["\n", "\r\n", "\r"][i % 3]
            let row = i % 7 == 0 ? " \(i).5 ,\t-\(i)e-3, +.25" : "\(i),\(Double(i) / 3),\(i * 1000)"
            lines.append(row + end)
            if i % 50 == 0 { lines.append("  # note\n") }
        }
        return lines.joined(separator: "\n")
    }()

    @Test(arguments: [(16, 1), (64, 2), (100, 4), (1 << 20, 4), (1 << 20, 1)])
    func blocksAndThreadsDoNotChangeTheValues(blockBytes: Int, threads: Int) throws {
        let whole = try Self.blocks(Self.mixed, blockBytes: 1 << 24, threads: 1)
        #expect(whole.rows == 500 && whole.columns == 3)
        #expect(try Self.blocks(Self.mixed, blockBytes: blockBytes, threads: threads) == whole)
    }

    @Test func aBadLineIsNamedByItsNumberWhereverTheBlocksEnd() throws {
        var lines = (0..<2000).map { "\($0),\($0 + 1)" }
        lines[1234] = "7,x"
        let text = "a,b\n" + lines.joined(separator: "\r\n") + "\n"
        for (blockBytes, threads) in [(32, 1), (256, 4), (1 << 20, 4)] {
            #expect(Self.error(text, blockBytes: blockBytes, threads: threads) == "x.csv:1236: column 2: 'x' is not a number")
        }
        lines[1234] = "7"
        #expect(Self.error("a,b\n" + lines.joined(separator: "\r\n"), blockBytes: 128) == "x.csv:1236: expected 2 values, got 1")
    }

    @Test func aLineLongerThanTheBufferIsRead() throws {
        let wide = (0..<1000).map { "\($0).25" }.joined(separator: ",")
        let t = try Self.blocks(wide + "\n" + wide, blockBytes: 64, threads: 2)
        #expect(t.rows == 2 && t.columns == 1000 && t.values[999] == 999.25)
    }

    /// Issue 21: a line wider than the known width is refused once the
    /// buffer holds width + 1 fields, not after reading the whole line.
    @Test func aHugeSecondLineStopsAtTheKnownWidth() throws {
        let huge = Array(repeating: "0.5", count: 1_000_000).joined(separator: ",")  // 4 MB
        let reader = try CSVReader(bytes: Array(("1,2\n" + huge + "\n").utf8), file: "x.csv", threads: 1, blockBytes: 64)
        #expect(throws: TensorIOError(file: "x.csv", line: 2, message: "expected 2 values, got more than 2 (the rest of the line was not read)")) {
            _ = try reader.readAll()
        }
        #expect(reader.buffer.count <= 64, "the buffer did not grow for the huge line: \(reader.buffer.count)")
        // The model's width bounds the first line the same way.
        #expect(throws: TensorIOError(file: "x.csv", line: 1, message: "events have more than 3 values but the model takes 3 (the rest of the line was not read)")) {
            _ = try CSVReader(bytes: Array((huge + "\n").utf8), file: "x.csv", expectedColumns: 3, threads: 1, blockBytes: 64)
        }
        // A line over the buffer but within a block of the parser: the count, not a String of fields.
        #expect(Self.error("1,2\n" + Array(repeating: "7", count: 5000).joined(separator: ",") + "\n", blockBytes: 1 << 20)
                == "x.csv:2: expected 2 values, got 5000")
    }

    /// Without any width, a line holds at most 10^6 values and 32 MB.
    @Test func aLineHasAtMostAMillionValuesAndThirtyTwoMegabytes() throws {
        let wide = String(repeating: "1,", count: 1_000_001) + "1\n"
        #expect(Self.error(wide, blockBytes: 1 << 16, threads: 1) == "x.csv:1: more than 1000000 values on one line; an event has at most 1000000")
        let long = [UInt8](repeating: UInt8(ascii: "1"), count: 40 << 20) + [0x0A]
        #expect(throws: TensorIOError(file: "x.csv", line: 1, message: "the line is longer than 32 MB; event files have one event of at most 1000000 values a line")) {
            _ = try CSVReader(bytes: long, file: "x.csv", threads: 1).readAll()
        }
    }

    @Test func aFinalCRIsALineEnd() throws {
        #expect(try Self.blocks("1,2\r3,4\r", blockBytes: 4, threads: 1).values == [1, 2, 3, 4])
        #expect(try Self.blocks("1,2\r\n3,4", blockBytes: 4, threads: 1).values == [1, 2, 3, 4])
    }

    @Test func theColumnCountIsCheckedWhenTheFileOpens() {
        #expect(throws: TensorIOError(file: "x.csv", message: "events have 2 values but the model takes 3")) {
            _ = try CSVReader(bytes: Array("a,b\n1,2\n".utf8), file: "x.csv", expectedColumns: 3)
        }
    }

    @Test func invalidUTF8IsRefusedWhereverItIs() {
        var bytes = Array("1,2\n# caf".utf8) + [0xE9] + Array("\n3,4\n".utf8)
        #expect(throws: TensorIOError(file: "x.csv", message: "not UTF-8 text")) {
            _ = try CSVReader(bytes: bytes, file: "x.csv", blockBytes: 8).readAll()
        }
        bytes = Array("pt,\u{e9}ta\n1,2\n".utf8)
        #expect(try! CSVReader(bytes: bytes, file: "x.csv").readAll().values == [1, 2])
    }

    /// The fast path (Clinger) and the standard library's reading agree on
    /// every spelling: short and long mantissas, small and large exponents.
    @Test func decimalsAreCorrectlyRounded() {
        var rng = SystemRandomNumberGenerator()
        var spellings = ["0", "-0", "0.1", "1e22", "1e23", "9007199254740993", "123456789012345678901234",
                         "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308", "0.000000000000000000000000001",
                         "-.5e-3", "3.", "+7", "00012.3400", "1e-22", "8.98846567431158e307"]
        for _ in 0..<20_000 {
            let digits = (0..<Int.random(in: 1...22, using: &rng)).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
            let point = Int.random(in: 0...digits.count, using: &rng)
            var s = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
            if Bool.random(using: &rng) { s += "e\(Int.random(in: -40...40, using: &rng))" }
            if Bool.random(using: &rng) { s = "-" + s }
            spellings.append(s)
        }
        for _ in 0..<20_000 {
            let d = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &rng) & 0x7FFF_FFFF_FFFF_FFFF)
            guard d.isFinite else { continue }
            spellings += ["\(d)", String(format: "%.17g", d), String(format: "%.18f", d / 1e300), String(format: "%.19e", d)]
            let small = Double.random(in: -100...100, using: &rng)
            spellings += ["\(small)", String(format: "%.17g", small), String(format: "%.20f", small)]
        }
        for s in spellings where s != "." {
            let expected = Double(s).flatMap { $0.isFinite ? $0 : nil }
            let got = CSVTable.number(s)
            #expect(got?.bitPattern == expected?.bitPattern, "\(s)")
        }
    }
}

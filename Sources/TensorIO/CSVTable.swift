import FileSafety
import Foundation
import InputFiles

/// Numeric CSV: one event a row, comma-separated, an optional header line of
/// names (detected when its first field is not a number), `#` comments.
/// Lines end in LF, CRLF or CR. A line of numbers separated by something
/// else (`;`, tabs, `|`, spaces) is refused with the separator named.
/// A hand-written reader: it only needs numbers, and it is several times
/// faster than a general CSV library on the large files of a trigger study.
public enum CSVTable {
    public static func read(path: String, expectedColumns: Int? = nil) throws(TensorIOError) -> EventTable {
        let data: Data
        do { data = try InputFile.read(path) } catch { throw TensorIOError(file: path, message: "cannot read the file: \(error)") }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TensorIOError(file: path, message: "not UTF-8 text")
        }
        return try parse(text, file: path, expectedColumns: expectedColumns)
    }

    public static func parse(_ text: String, file: String = "input.csv", expectedColumns: Int? = nil) throws(TensorIOError) -> EventTable {
        var values: [Double] = []
        var columns: Int? = nil
        var rows = 0
        var lineNumber = 0
        var sawHeader = false
        // "\r\n" is one Character in Swift, so splitting on "\n" alone would
        // leave a CRLF file in one piece.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            lineNumber += 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false)
            if fields.count == 1, let separator = otherSeparator(trimmed) {
                throw TensorIOError(file: file, line: lineNumber, message: "values are separated by \(separator); use ',' (one event a line, comma-separated)")
            }
            let first = fields[0].trimmingCharacters(in: .whitespaces)
            // A header's first field is a name: nothing `Double` would read, so
            // that a line of hex floats or NaNs is refused as data, not skipped.
            if rows == 0, !sawHeader, !first.isEmpty, Double(first) == nil, Double(first.lowercased()) == nil {
                sawHeader = true
                columns = fields.count
                continue
            }
            if let columns, fields.count != columns {
                throw TensorIOError(file: file, line: lineNumber, message: "expected \(columns) values, got \(fields.count)")
            }
            columns = fields.count
            for (i, f) in fields.enumerated() {
                let s = f.trimmingCharacters(in: .whitespaces)
                guard let v = number(s) else {
                    let nonFinite = Double(s).map { !$0.isFinite } ?? false
                    throw TensorIOError(file: file, line: lineNumber, message: nonFinite
                        ? "column \(i + 1): \(s) is not a finite number"
                        : "column \(i + 1): '\(s.prefix(40))' is not a number")
                }
                values.append(v)
            }
            rows += 1
        }
        guard rows > 0, let columns else { throw TensorIOError(file: file, message: "no events in the file") }
        if let expectedColumns, columns != expectedColumns {
            throw TensorIOError(file: file, message: "events have \(columns) values but the model takes \(expectedColumns)")
        }
        return EventTable(rows: rows, columns: columns, values: values)
    }

    /// The separator of a line that holds two or more numbers and no comma
    /// (`';'`, `tabs`, `'|'`, `spaces`), as the message names it; nil if none fits.
    static func otherSeparator(_ line: String) -> String? {
        let candidates: [(Character, String)] = [(";", "';'"), ("\t", "tabs"), ("|", "'|'"), (" ", "spaces")]
        // Most one-column lines are a plain number: no candidate to split on.
        guard line.contains(where: { c in candidates.contains { $0.0 == c } }) else { return nil }
        for (separator, name) in candidates {
            let parts = line.split(separator: separator)
            guard parts.count >= 2 else { continue }
            if parts.allSatisfy({ number($0.trimmingCharacters(in: .whitespaces)) != nil }) { return name }
        }
        return nil
    }

    /// The value of a decimal number (`-1`, `2.5`, `.5`, `3.`, `1e-3`),
    /// or nil. Stricter than `Double(_:)`, which also takes hexadecimal
    /// floats (`0x1p3` is 8), `nan` and `inf`: none of them is a measurement
    /// a trigger study writes, so they are refused rather than guessed at.
    static func number(_ s: String) -> Double? {
        var digits = 0, i = s.utf8.startIndex
        let u = s.utf8
        func skipDigits() -> Int {
            var n = 0
            while i < u.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(u[i]) { n += 1; i = u.index(after: i) }
            return n
        }
        if i < u.endIndex, u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: "+") { i = u.index(after: i) }
        digits += skipDigits()
        if i < u.endIndex, u[i] == UInt8(ascii: ".") { i = u.index(after: i); digits += skipDigits() }
        guard digits > 0 else { return nil }
        if i < u.endIndex, u[i] == UInt8(ascii: "e") || u[i] == UInt8(ascii: "E") {
            i = u.index(after: i)
            if i < u.endIndex, u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: "+") { i = u.index(after: i) }
            guard skipDigits() > 0 else { return nil }
        }
        guard i == u.endIndex, let v = Double(s), v.isFinite else { return nil }
        return v
    }

    /// CSV text of a table; numbers in their shortest round-trip spelling.
    public static func format(_ table: EventTable, header: [String]? = nil) -> String {
        var out = ""
        if let header { out += header.joined(separator: ",") + "\n" }
        for r in 0..<table.rows {
            out += table[row: r].map { formatNumber($0) }.joined(separator: ",")
            out += "\n"
        }
        return out
    }

    /// Integers without a decimal point, other values in Swift's shortest form.
    public static func formatNumber(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }

    /// Writes the table through ``OutputFile``: `-` is standard output, a
    /// link is written through, a device or FIFO is streamed to.
    public static func write(_ table: EventTable, to path: String, header: [String]? = nil) throws(TensorIOError) {
        do {
            try OutputFile.write(format(table, header: header), to: path)
        } catch {
            throw TensorIOError(file: path, message: "cannot write: \(error)")
        }
    }
}

import FileSafety
import Foundation
import InputFiles

/// Numeric CSV: one event a row, comma-separated, an optional header line of
/// names (detected when none of its fields is or looks like a number:
/// ``isHeader(_:)``), `#` comments.
/// Lines end in LF, CRLF or CR. A line of numbers separated by something
/// else (`;`, tabs, `|`, spaces) is refused with the separator named.
/// A hand-written reader: it only needs numbers, and it is many times
/// faster than a general CSV library on the large files of a trigger study
/// (``CSVReader`` streams a file of any size; this reads one whole).
public enum CSVTable {
    public static func read(path: String, expectedColumns: Int? = nil) throws(TensorIOError) -> EventTable {
        try CSVReader(path: path, expectedColumns: expectedColumns).readAll()
    }

    public static func parse(_ text: String, file: String = "input.csv", expectedColumns: Int? = nil) throws(TensorIOError) -> EventTable {
        try CSVReader(bytes: Array(text.utf8), file: file, expectedColumns: expectedColumns).readAll()
    }

    /// What one line of a CSV file is.
    enum Line {
        /// Blank, or a `#` comment.
        case blank
        /// A header of names, with its number of fields.
        case header(fields: Int)
        case values([Double])
    }

    /// Reads one line (without its line end): the rules of the format,
    /// written for clarity. ``CSVPiece`` reads ordinary lines faster and
    /// hands every other line to this one. `headerAllowed`: no event and no
    /// header came before; `columns`: the field count of the lines before.
    static func classify(_ bytes: UnsafeBufferPointer<UInt8>, lineNumber: Int, file: String,
                         headerAllowed: Bool, columns: Int?) throws(TensorIOError) -> Line {
        guard let line = String(validating: bytes, as: UTF8.self) else {
            throw TensorIOError(file: file, message: "not UTF-8 text")
        }
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return .blank }
        let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false)
        if fields.count == 1, let separator = otherSeparator(trimmed) {
            throw TensorIOError(file: file, line: lineNumber, message: "values are separated by \(separator); use ',' (one event a line, comma-separated)")
        }
        if headerAllowed, isHeader(fields) { return .header(fields: fields.count) }
        if let columns, fields.count != columns {
            throw TensorIOError(file: file, line: lineNumber, message: "expected \(columns) values, got \(fields.count)")
        }
        var values: [Double] = []
        values.reserveCapacity(fields.count)
        for (i, f) in fields.enumerated() {
            let s = f.trimmingCharacters(in: .whitespaces)
            guard let v = number(s) else {
                let nonFinite = Double(s).map { !$0.isFinite } ?? false
                var message = nonFinite
                    ? "column \(i + 1): \(s.prefix(40)) is not a finite number"
                    : "column \(i + 1): '\(s.prefix(40))' is not a number"
                if s.first == "\"" || s.first == "'" { message += " (quoted values are not read: write plain numbers)" }
                if headerAllowed, Double(s) == nil { message += "; a first line is skipped as a header only when none of its fields is or looks like a number" }
                throw TensorIOError(file: file, line: lineNumber, message: message)
            }
            values.append(v)
        }
        return .values(values)
    }

    /// Whether a first line is a header of column names: at least one name,
    /// and no field that reads as a number (quoted or not, in any spelling
    /// `Double` takes, `nan` and `0x1p3` included) or starts like one (a
    /// sign, `−`, a digit or `.5`): `−1,2,3` or `1_0,2,3` is a mistyped
    /// event, reported at line 1, never dropped as a header.
    static func isHeader(_ fields: [Substring]) -> Bool {
        var named = false
        for field in fields {
            var name = field.trimmingCharacters(in: .whitespaces)
            if name.count >= 2, let q = name.first, q == "\"" || q == "'", name.last == q {
                name = String(name.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
            }
            if name.isEmpty { continue }
            if Double(name) != nil || Double(name.lowercased()) != nil || startsLikeNumber(name) { return false }
            named = true
        }
        return named
    }

    /// A sign (`+`, `-`, or the Unicode minus `−`) or none, then a digit or `.` and a digit.
    static func startsLikeNumber(_ s: String) -> Bool {
        var rest = Substring(s)
        if let c = rest.first, c == "+" || c == "-" || c == "\u{2212}" { rest = rest.dropFirst() }
        guard let c = rest.first else { return false }
        if c.isASCII, c.isNumber { return true }
        if c == ".", let d = rest.dropFirst().first, d.isASCII, d.isNumber { return true }
        return false
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
        var s = s
        return s.withUTF8 { u -> Double? in
            guard let start = u.baseAddress else { return nil }
            return DecimalNumber.powers.withUnsafeBufferPointer { powers in
                guard let (v, end) = DecimalNumber.parse(start, start + u.count, powers: powers.baseAddress!),
                      end == start + u.count else { return nil }
                return v
            }
        }
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

    /// ``formatNumber(_:)`` appended as bytes, without a `String` for integers.
    @inline(__always)
    static func appendNumber(_ v: Double, to out: inout [UInt8]) {
        if v == v.rounded(), abs(v) < 1e15 { appendInteger(Int64(v), to: &out); return }
        out.append(contentsOf: v.description.utf8)
    }

    /// Decimal digits of an integer, as `String(v)` spells it.
    @inline(__always)
    static func appendInteger(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 { out.append(UInt8(ascii: "-")) }
        var m = v.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[23 - n] = UInt8(truncatingIfNeeded: m % 10) &+ UInt8(ascii: "0")
                m /= 10
                n += 1
            } while m > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[(24 - n)...]))
        }
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

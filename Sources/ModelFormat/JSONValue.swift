import Foundation

/// A parsed JSON document, kept untyped so that the decoder can name the
/// exact field that is wrong (Codable's errors cannot name a layer). The
/// one JSON reader of the project's own input formats (model.json,
/// XGBoost models, sweep.json).
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// A short name of the JSON kind, for messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Parses JSON text (RFC 8259 plus the literals `NaN`, `Infinity` and
    /// `-Infinity`, so that they reach the decoder and get a precise message).
    /// A hand-written reader rather than JSONDecoder, whose errors carry no
    /// position, which keeps the first of duplicate keys silently, traps on
    /// some invalid UTF-8 in JSON5 mode and needs minutes for 10^7 numbers
    /// (docs/hardening.md).
    public static func parse(_ data: Data) throws -> JSONValue {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws -> JSONValue in
            var reader = JSONReader(bytes: bytes)
            return try reader.document()
        }
    }
}

/// Why a file is not JSON, with the line and column of the defect.
public struct JSONSyntaxError: Error, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// The bytes the reader looks at.
private enum ASCII {
    static let quote: UInt8 = 0x22, backslash: UInt8 = 0x5C, slash: UInt8 = 0x2F
    static let openBrace: UInt8 = 0x7B, closeBrace: UInt8 = 0x7D, openBracket: UInt8 = 0x5B, closeBracket: UInt8 = 0x5D
    static let comma: UInt8 = 0x2C, colon: UInt8 = 0x3A, minus: UInt8 = 0x2D, plus: UInt8 = 0x2B, dot: UInt8 = 0x2E
    static let zero: UInt8 = 0x30, nine: UInt8 = 0x39, newline: UInt8 = 0x0A
}

/// Recursive descent over UTF-8 bytes, with a nesting limit so that hostile
/// input cannot overflow the stack. Written with plain loops over a pointer
/// so that debug builds, too, read 10^7 numbers in seconds.
struct JSONReader {
    /// Deeper nesting is refused; a model needs 5 levels.
    static let maxDepth = 64

    let base: UnsafePointer<UInt8>
    let count: Int
    var index = 0
    var depth = 0

    init(bytes: UnsafeRawBufferPointer) {
        // An empty buffer may have no base address; any valid pointer will do then.
        base = bytes.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) } ?? UnsafePointer(bitPattern: 1)!
        count = bytes.count
        // A UTF-8 byte order mark is allowed and skipped.
        if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { index = 3 }
    }

    /// An error at `offset` (default: the current index), located by a scan
    /// of the bytes before it that allocates nothing, however large the file.
    func fail(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        let end = min(offset ?? index, count)
        var line = 1, lineStart = 0
        while lineStart < end, let found = memchr(base + lineStart, Int32(ASCII.newline), end - lineStart) {
            line += 1
            lineStart = found.assumingMemoryBound(to: UInt8.self) - UnsafeMutablePointer(mutating: base) + 1
        }
        // Columns count characters, not bytes: every byte but UTF-8 continuation bytes.
        var column = 1
        for i in lineStart..<end where base[i] & 0xC0 != 0x80 { column += 1 }
        return JSONSyntaxError(line: line, column: column, message: message)
    }

    mutating func document() throws(JSONSyntaxError) -> JSONValue {
        if let bad = Self.firstInvalidUTF8(base, count) { throw fail("invalid UTF-8 (model.json must be UTF-8 text)", at: bad) }
        let start = index
        skipSpace()
        guard index < count else {
            throw fail(index == start ? "the file is empty" : "the file contains only whitespace", at: 0)
        }
        let value = try value()
        skipSpace()
        guard index == count else { throw fail("unexpected \(found()) after the end of the JSON value") }
        return value
    }

    mutating func skipSpace() {
        while index < count {
            let b = base[index]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            index += 1
        }
    }

    /// The next character, quoted, for messages.
    func found() -> String {
        guard index < count else { return "end of file" }
        var end = index + 1
        while end < count, base[end] & 0xC0 == 0x80 { end += 1 }
        let text = String(decoding: UnsafeBufferPointer(start: base + index, count: end - index), as: UTF8.self)
        return "'" + text.debugDescription.dropFirst().dropLast() + "'"
    }

    mutating func literal(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard count - index >= n, memcmp(base + index, word.utf8Start, n) == 0 else { return false }
        index += n
        return true
    }

    mutating func value() throws(JSONSyntaxError) -> JSONValue {
        guard index < count else { throw fail("unexpected end of file, expected a value") }
        let b = base[index]
        if b == ASCII.minus || (b >= ASCII.zero && b <= ASCII.nine) {
            if literal("-Infinity") { return .number(-.infinity) }
            return .number(try number())
        }
        switch b {
        case ASCII.openBrace: return try object()
        case ASCII.openBracket: return try array()
        case ASCII.quote: return .string(try string())
        case 0x74 /* t */: if literal("true") { return .bool(true) }
        case 0x66 /* f */: if literal("false") { return .bool(false) }
        case 0x6E /* n */: if literal("null") { return .null }
        case 0x4E /* N */: if literal("NaN") { return .number(.nan) }
        case 0x49 /* I */: if literal("Infinity") { return .number(.infinity) }
        default: break
        }
        throw fail("unexpected \(found()), expected a value")
    }

    mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth) levels") }
        index += 1
    }

    mutating func object() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        var fields: [String: JSONValue] = [:]
        skipSpace()
        if index < count, base[index] == ASCII.closeBrace { index += 1; depth -= 1; return .object(fields) }
        while true {
            skipSpace()
            guard index < count, base[index] == ASCII.quote else { throw fail("unexpected \(found()), expected a key in quotes") }
            let keyStart = index
            let key = try string()
            skipSpace()
            guard index < count, base[index] == ASCII.colon else { throw fail("unexpected \(found()), expected ':' after a key") }
            index += 1
            skipSpace()
            let item = try value()
            guard fields.updateValue(item, forKey: key) == nil else {
                throw fail("duplicate key \"\(key)\" in one object", at: keyStart)
            }
            skipSpace()
            guard index < count else { throw fail("unexpected end of file, expected ',' or '}'") }
            if base[index] == ASCII.comma { index += 1; continue }
            guard base[index] == ASCII.closeBrace else { throw fail("unexpected \(found()), expected ',' or '}'") }
            index += 1
            depth -= 1
            return .object(fields)
        }
    }

    mutating func array() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        var items: [JSONValue] = []
        skipSpace()
        if index < count, base[index] == ASCII.closeBracket { index += 1; depth -= 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            guard index < count else { throw fail("unexpected end of file, expected ',' or ']'") }
            if base[index] == ASCII.comma { index += 1; continue }
            guard base[index] == ASCII.closeBracket else { throw fail("unexpected \(found()), expected ',' or ']'") }
            index += 1
            depth -= 1
            return .array(items)
        }
    }

    /// Skips decimal digits and returns how many there were.
    mutating func digits() -> Int {
        let start = index
        while index < count, base[index] >= ASCII.zero, base[index] <= ASCII.nine { index += 1 }
        return index - start
    }

    /// A JSON number; one too large for a Double becomes an infinity, which
    /// the decoder then reports at its field.
    mutating func number() throws(JSONSyntaxError) -> Double {
        let start = index
        if base[index] == ASCII.minus { index += 1 }
        let intStart = index
        guard digits() > 0 else { throw fail("unexpected \(found()), expected a digit") }
        if base[intStart] == ASCII.zero, index - intStart > 1 { throw fail("a number must not start with 0", at: intStart) }
        if index < count, base[index] == ASCII.dot {
            index += 1
            guard digits() > 0 else { throw fail("unexpected \(found()), expected a digit after '.'") }
        }
        if index < count, base[index] | 0x20 == 0x65 /* e or E */ {
            index += 1
            if index < count, base[index] == ASCII.plus || base[index] == ASCII.minus { index += 1 }
            guard digits() > 0 else { throw fail("unexpected \(found()), expected a digit in the exponent") }
        }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: index - start), as: UTF8.self)
        guard let value = Double(text) else { throw fail("malformed number", at: start) }
        return value
    }

    mutating func string() throws(JSONSyntaxError) -> String {
        index += 1 // the opening quote
        var start = index
        var text = ""
        func flush(_ r: JSONReader) {
            text += String(decoding: UnsafeBufferPointer(start: r.base + start, count: r.index - start), as: UTF8.self)
        }
        while index < count {
            let b = base[index]
            if b == ASCII.quote {
                flush(self)
                index += 1
                return text
            }
            if b < 0x20 { throw fail("control character in a string (write it as an escape)") }
            if b != ASCII.backslash { index += 1; continue }
            flush(self)
            index += 1
            guard index < count else { break }
            let escape = base[index]
            index += 1
            switch escape {
            case ASCII.quote: text += "\""
            case ASCII.backslash: text += "\\"
            case ASCII.slash: text += "/"
            case 0x62 /* b */: text += "\u{08}"
            case 0x66 /* f */: text += "\u{0C}"
            case 0x6E /* n */: text += "\n"
            case 0x72 /* r */: text += "\r"
            case 0x74 /* t */: text += "\t"
            case 0x75 /* u */:
                var code = try hex4()
                if code >= 0xD800 && code < 0xDC00 {
                    guard literal("\\u") else { throw fail("lone UTF-16 surrogate in a \\u escape") }
                    let low = try hex4()
                    guard low >= 0xDC00 && low < 0xE000 else { throw fail("lone UTF-16 surrogate in a \\u escape") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw fail("lone UTF-16 surrogate in a \\u escape") }
                text.unicodeScalars.append(scalar)
            default:
                index -= 1
                throw fail("unknown escape \\\(found().dropFirst().dropLast()) in a string")
            }
            start = index
        }
        throw fail("unexpected end of file inside a string")
    }

    mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard count - index >= 4 else { throw fail("unexpected end of file in a \\u escape") }
        var code: UInt32 = 0
        for _ in 0..<4 {
            let b = base[index]
            let digit: UInt8
            switch b {
            case ASCII.zero...ASCII.nine: digit = b - ASCII.zero
            case 0x61...0x66 /* a-f */: digit = b - 0x61 + 10
            case 0x41...0x46 /* A-F */: digit = b - 0x41 + 10
            default: throw fail("unexpected \(found()) in a \\u escape, expected a hex digit")
            }
            code = code << 4 | UInt32(digit)
            index += 1
        }
        return code
    }

    /// The offset of the first byte that is not part of valid UTF-8 (RFC 3629:
    /// no overlong forms, no surrogates, nothing above U+10FFFF), if any.
    static func firstInvalidUTF8(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        var i = 0
        while i < n {
            let b = p[i]
            if b < 0x80 { i += 1; continue }
            let length: Int, minimum: UInt32
            if b & 0xE0 == 0xC0 { length = 2; minimum = 0x80 }
            else if b & 0xF0 == 0xE0 { length = 3; minimum = 0x800 }
            else if b & 0xF8 == 0xF0 { length = 4; minimum = 0x10000 }
            else { return i }
            guard i + length <= n else { return i }
            var scalar = UInt32(b) & (0x7F >> UInt32(length))
            for k in 1..<length {
                let c = p[i + k]
                guard c & 0xC0 == 0x80 else { return i }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            guard scalar >= minimum, scalar <= 0x10FFFF, scalar & 0xFFFFF800 != 0xD800 else { return i }
            i += length
        }
        return nil
    }
}

import Foundation

/// A parsed JSON document, kept untyped so that the decoder can name the
/// exact field that is wrong (Codable's errors cannot name a layer).
enum JSONValue: Decodable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            if let count = array.count { items.reserveCapacity(count) }
            while !array.isAtEnd { items.append(try array.decode(JSONValue.self)) }
            self = .array(items)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var fields: [String: JSONValue] = [:]
            for key in object.allKeys { fields[key.stringValue] = try object.decode(JSONValue.self, forKey: key) }
            self = .object(fields)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { self = .null }
        else if let b = try? single.decode(Bool.self) { self = .bool(b) }
        else if let d = try? single.decode(Double.self) { self = .number(d) }
        else { self = .string(try single.decode(String.self)) }
    }

    /// A short name of the JSON kind, for messages.
    var kindName: String {
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
    static func parse(_ data: Data) throws -> JSONValue {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws -> JSONValue in
            var reader = JSONReader(bytes: bytes)
            return try reader.document()
        }
    }
}

/// Why a file is not JSON, with the line and column of the defect.
struct JSONSyntaxError: Error, CustomStringConvertible {
    var line: Int
    var column: Int
    var message: String
    var description: String { "line \(line), column \(column): \(message)" }
}

/// Recursive descent over UTF-8 bytes, with a nesting limit so that hostile
/// input cannot overflow the stack.
struct JSONReader {
    /// Deeper nesting is refused; a model needs 5 levels.
    static let maxDepth = 64

    let bytes: UnsafeRawBufferPointer
    var index = 0
    var depth = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        // A UTF-8 byte order mark is allowed and skipped.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
    }

    func fail(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        let end = min(offset ?? index, bytes.count)
        var line = 1, lineStart = 0
        for i in 0..<end where bytes[i] == UInt8(ascii: "\n") { line += 1; lineStart = i + 1 }
        // Columns count characters, not bytes.
        let column = 1 + (lineStart..<end).filter { bytes[$0] & 0xC0 != 0x80 }.count
        return JSONSyntaxError(line: line, column: column, message: message)
    }

    mutating func document() throws(JSONSyntaxError) -> JSONValue {
        if let bad = Self.firstInvalidUTF8(bytes) { throw fail("invalid UTF-8 (model.json must be UTF-8 text)", at: bad) }
        skipSpace()
        guard index < bytes.count else { throw fail("the file is empty") }
        let value = try value()
        skipSpace()
        guard index == bytes.count else { throw fail("unexpected \(found()) after the end of the JSON value") }
        return value
    }

    mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// The next character, quoted, for messages.
    func found() -> String {
        guard index < bytes.count else { return "end of file" }
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return "'" + String(decoding: bytes[index..<end], as: UTF8.self).debugDescription.dropFirst().dropLast() + "'"
    }

    mutating func literal(_ word: String) -> Bool {
        let utf8 = Array(word.utf8)
        guard bytes.count - index >= utf8.count, bytes[index..<index + utf8.count].elementsEqual(utf8) else { return false }
        index += utf8.count
        return true
    }

    mutating func value() throws(JSONSyntaxError) -> JSONValue {
        guard index < bytes.count else { throw fail("unexpected end of file, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): if literal("true") { return .bool(true) }
        case UInt8(ascii: "f"): if literal("false") { return .bool(false) }
        case UInt8(ascii: "n"): if literal("null") { return .null }
        case UInt8(ascii: "N"): if literal("NaN") { return .number(.nan) }
        case UInt8(ascii: "I"): if literal("Infinity") { return .number(.infinity) }
        case UInt8(ascii: "-"):
            if literal("-Infinity") { return .number(-.infinity) }
            return .number(try number())
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
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
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; depth -= 1; return .object(fields) }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("unexpected \(found()), expected a key in quotes") }
            let keyStart = index
            let key = try string()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("unexpected \(found()), expected ':' after a key") }
            index += 1
            skipSpace()
            let item = try value()
            guard fields.updateValue(item, forKey: key) == nil else {
                throw fail("duplicate key \"\(key)\" in one object", at: keyStart)
            }
            skipSpace()
            guard index < bytes.count else { throw fail("unexpected end of file, expected ',' or '}'") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            guard bytes[index] == UInt8(ascii: "}") else { throw fail("unexpected \(found()), expected ',' or '}'") }
            index += 1
            depth -= 1
            return .object(fields)
        }
    }

    mutating func array() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        var items: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; depth -= 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            guard index < bytes.count else { throw fail("unexpected end of file, expected ',' or ']'") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            guard bytes[index] == UInt8(ascii: "]") else { throw fail("unexpected \(found()), expected ',' or ']'") }
            index += 1
            depth -= 1
            return .array(items)
        }
    }

    /// A JSON number; one too large for a Double becomes an infinity, which
    /// the decoder then reports at its field.
    mutating func number() throws(JSONSyntaxError) -> Double {
        let start = index
        func digits(_ r: inout JSONReader) -> Int {
            let s = r.index
            while r.index < r.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(r.bytes[r.index]) { r.index += 1 }
            return r.index - s
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let intStart = index
        guard digits(&self) > 0 else { throw fail("unexpected \(found()), expected a digit") }
        if bytes[intStart] == UInt8(ascii: "0"), index - intStart > 1 { throw fail("a number must not start with 0", at: intStart) }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits(&self) > 0 else { throw fail("unexpected \(found()), expected a digit after '.'") }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits(&self) > 0 else { throw fail("unexpected \(found()), expected a digit in the exponent") }
        }
        guard let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)) else {
            throw fail("malformed number", at: start)
        }
        return value
    }

    mutating func string() throws(JSONSyntaxError) -> String {
        index += 1 // the opening quote
        var start = index
        var text = ""
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                text += String(decoding: bytes[start..<index], as: UTF8.self)
                index += 1
                return text
            }
            if b < 0x20 { throw fail("control character in a string (write it as an escape)") }
            if b != UInt8(ascii: "\\") { index += 1; continue }
            text += String(decoding: bytes[start..<index], as: UTF8.self)
            index += 1
            guard index < bytes.count else { break }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): text += "\""
            case UInt8(ascii: "\\"): text += "\\"
            case UInt8(ascii: "/"): text += "/"
            case UInt8(ascii: "b"): text += "\u{08}"
            case UInt8(ascii: "f"): text += "\u{0C}"
            case UInt8(ascii: "n"): text += "\n"
            case UInt8(ascii: "r"): text += "\r"
            case UInt8(ascii: "t"): text += "\t"
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code) {
                    guard literal("\\u") else { throw fail("lone UTF-16 surrogate in a \\u escape") }
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("lone UTF-16 surrogate in a \\u escape") }
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
        guard bytes.count - index >= 4 else { throw fail("unexpected end of file in a \\u escape") }
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = UInt32(String(UnicodeScalar(bytes[index])), radix: 16) else {
                throw fail("unexpected \(found()) in a \\u escape, expected a hex digit")
            }
            code = code << 4 | digit
            index += 1
        }
        return code
    }

    /// The offset of the first byte that is not part of valid UTF-8, if any.
    static func firstInvalidUTF8(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

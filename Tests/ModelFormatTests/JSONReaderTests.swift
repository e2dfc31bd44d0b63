import Foundation
import Testing
@testable import ModelFormat

/// The strict JSON reader under ModelDecoder (JSONValue.parse).
@Suite struct JSONReaderTests {
    func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Data(text.utf8)) }

    func syntaxError(_ bytes: [UInt8]) -> String {
        do { _ = try JSONValue.parse(Data(bytes)); return "accepted" } catch { return "\(error)" }
    }
    func syntaxError(_ text: String) -> String { syntaxError(Array(text.utf8)) }

    @Test func readsNumbersExactlyLikeSwift() throws {
        for text in ["0", "-0.5", "1e-300", "2.5E+3", "0.1", "123456789012345678", "4.9e-324", "1.7976931348623157e308"] {
            guard case .number(let d) = try parse("[\(text)]").arrayItems[0] else { Issue.record("\(text)"); continue }
            #expect(d == Double(text)!, "\(text)")
        }
    }

    @Test func nonFiniteLiteralsAndOverflowReachTheDecoder() throws {
        let items = try parse("[NaN, Infinity, -Infinity, 1e999, -1e999]").arrayItems
        let values = items.map { if case .number(let d) = $0 { return d } else { return 0 } }
        #expect(values[0].isNaN)
        #expect(values[1...] == [.infinity, -.infinity, .infinity, -.infinity])
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let v = try parse(#"["a\"b\\c\/d\n\t\u00e9\ud83d\ude00", "é😀"]"#).arrayItems
        guard case .string(let s) = v[0], case .string(let t) = v[1] else { Issue.record("not strings"); return }
        #expect(s == "a\"b\\c/d\n\té😀")
        #expect(t == "é😀")
    }

    @Test func skipsAByteOrderMark() throws {
        guard case .object(let o) = try JSONValue.parse(Data([0xEF, 0xBB, 0xBF] + Array(#"{"a": 1}"#.utf8))) else {
            Issue.record("not an object"); return
        }
        #expect(o.count == 1)
    }

    @Test func errorsCarryLineAndColumn() {
        #expect(syntaxError("{\n  \"a\": 1,\n  \"b\" 2\n}") == "line 3, column 7: unexpected '2', expected ':' after a key")
        #expect(syntaxError("[1, 2") == "line 1, column 6: unexpected end of file, expected ',' or ']'")
        #expect(syntaxError("") == "line 1, column 1: the file is empty")
        #expect(syntaxError(" \n\t\r\n ") == "line 1, column 1: the file contains only whitespace")
        #expect(syntaxError("\u{FEFF}") == "line 1, column 1: the file is empty")
        #expect(syntaxError("[\n\"é\",\n\"ü\" x]") == "line 3, column 5: unexpected 'x', expected ',' or ']'")
        #expect(syntaxError("[1] x") == "line 1, column 5: unexpected 'x' after the end of the JSON value")
        #expect(syntaxError("[01]") == "line 1, column 2: a number must not start with 0")
        #expect(syntaxError("[1.]") == "line 1, column 4: unexpected ']', expected a digit after '.'")
        #expect(syntaxError("[-]") == "line 1, column 3: unexpected ']', expected a digit")
        #expect(syntaxError(#"["\x"]"#) == #"line 1, column 4: unknown escape \x in a string"#)
        #expect(syntaxError(#"["\ud800"]"#) == #"line 1, column 9: lone UTF-16 surrogate in a \u escape"#)
        #expect(syntaxError("[\"a\u{1}\"]") == "line 1, column 4: control character in a string (write it as an escape)")
        #expect(syntaxError("{'a': 1}") == #"line 1, column 2: unexpected '\'', expected a key in quotes"#)
        #expect(syntaxError("[1,]") == "line 1, column 4: unexpected ']', expected a value")
        #expect(syntaxError("// c\n{}") == "line 1, column 1: unexpected '/', expected a value")
    }

    @Test func duplicateKeysAreAnError() {
        #expect(syntaxError(#"{"a": 1, "b": {"c": 2, "c": 3}}"#) == #"line 1, column 24: duplicate key "c" in one object"#)
    }

    @Test func nestingIsLimited() {
        let ok = String(repeating: "[", count: JSONReader.maxDepth) + String(repeating: "]", count: JSONReader.maxDepth)
        #expect(syntaxError(ok) == "accepted")
        let deep = String(repeating: "[", count: JSONReader.maxDepth + 1) + String(repeating: "]", count: JSONReader.maxDepth + 1)
        #expect(syntaxError(deep) == "line 1, column 65: nesting deeper than 64 levels")
    }

    @Test func invalidUTF8IsFoundAtItsOffset() {
        #expect(syntaxError([0x5B, 0x22, 0xC3, 0x28, 0x22, 0x5D]) == "line 1, column 3: invalid UTF-8 (model.json must be UTF-8 text)")
        // Overlong "/", an encoded surrogate, a code point above U+10FFFF, a truncated sequence.
        for bad: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            #expect(JSONReader.firstInvalidUTF8(bad, bad.count) == 0, "\(bad)")
        }
        let good = Array("aé€😀".utf8)
        #expect(JSONReader.firstInvalidUTF8(good, good.count) == nil)
    }
}

extension JSONValue {
    var arrayItems: [JSONValue] { if case .array(let a) = self { return a } else { return [] } }
}

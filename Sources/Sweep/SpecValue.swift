import Foundation

import ModelFormat

/// A JSON value of sweep.json, kept untyped so that the decoder can name the
/// exact field that is wrong. Read by the project's one JSON reader
/// (``JSONValue``); booleans stay booleans, so `"ternary_adders": true` is caught.
public enum SpecValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([SpecValue])
    case object([String: SpecValue])

    /// Read back from the tool's own plan and result files (JSONDecoder);
    /// sweep.json itself goes through ``init(_:)``.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let n = try? c.decode(Double.self) { self = .number(n); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        if let a = try? c.decode([SpecValue].self) { self = .array(a); return }
        self = .object(try c.decode([String: SpecValue].self))
    }

    init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let n): self = .number(n)
        case .string(let s): self = .string(s)
        case .array(let a): self = .array(a.map(SpecValue.init))
        case .object(let o): self = .object(o.mapValues(SpecValue.init))
        }
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

    /// The value as sweep.json would spell it (for messages and point labels).
    var literal: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .string(let s): return s
        case .array(let a): return "[" + a.map(\.literal).joined(separator: ", ") + "]"
        case .object: return "{...}"
        }
    }
}

extension SpecValue: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n): try c.encode(n)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

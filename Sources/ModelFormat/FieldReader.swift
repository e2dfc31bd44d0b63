import FixedPoint

/// Typed access to one JSON object, with every failure reported at its
/// file, layer and field path.
struct FieldReader {
    let file: String
    let layer: String?
    /// Path of this object inside the layer (empty at the layer's top).
    let path: String
    let fields: [String: JSONValue]

    init(file: String, layer: String?, path: String = "", value: JSONValue) throws(ModelFormatError) {
        self.file = file
        self.layer = layer
        self.path = path
        guard case .object(let fields) = value else {
            throw ModelFormatError(file: file, layer: layer, field: path.isEmpty ? nil : path,
                                   message: "expected an object, got \(value.kindName)")
        }
        self.fields = fields
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func error(_ key: String?, _ message: String) -> ModelFormatError {
        ModelFormatError(file: file, layer: layer, field: key.map(fieldPath) ?? (path.isEmpty ? nil : path), message: message)
    }

    /// Rejects keys that are not in `allowed` (a typo must not be silently ignored).
    func onlyKeys(_ allowed: Set<String>) throws(ModelFormatError) {
        for key in fields.keys.sorted() where !allowed.contains(key) {
            throw error(key, "unknown field; allowed here: " + allowed.sorted().joined(separator: ", "))
        }
    }

    func has(_ key: String) -> Bool { fields[key] != nil }

    func require(_ key: String) throws(ModelFormatError) -> JSONValue {
        guard let v = fields[key] else { throw error(key, "missing required field") }
        return v
    }

    func string(_ key: String) throws(ModelFormatError) -> String {
        guard case .string(let s) = try require(key) else {
            throw error(key, "expected a string, got \(fields[key]!.kindName)")
        }
        return s
    }

    func optionalString(_ key: String) throws(ModelFormatError) -> String? {
        has(key) ? try string(key) : nil
    }

    func number(_ key: String) throws(ModelFormatError) -> Double {
        try Self.finiteNumber(try require(key), at: fieldPath(key), reader: self)
    }

    func optionalNumber(_ key: String) throws(ModelFormatError) -> Double? {
        has(key) ? try number(key) : nil
    }

    func integer(_ key: String, atLeast minimum: Int) throws(ModelFormatError) -> Int {
        let d = try number(key)
        guard d == d.rounded(), abs(d) < 1e15 else { throw error(key, "expected an integer, got \(d)") }
        let i = Int(d)
        guard i >= minimum else { throw error(key, "must be at least \(minimum), got \(i)") }
        return i
    }

    func object(_ key: String) throws(ModelFormatError) -> FieldReader {
        try FieldReader(file: file, layer: layer, path: fieldPath(key), value: try require(key))
    }

    func array(_ key: String) throws(ModelFormatError) -> [JSONValue] {
        guard case .array(let items) = try require(key) else {
            throw error(key, "expected an array, got \(fields[key]!.kindName)")
        }
        return items
    }

    func stringArray(_ key: String) throws(ModelFormatError) -> [String] {
        var out: [String] = []
        for (i, item) in try array(key).enumerated() {
            guard case .string(let s) = item else {
                throw error("\(key)[\(i)]", "expected a string, got \(item.kindName)")
            }
            out.append(s)
        }
        return out
    }

    /// A vector of finite numbers of exactly `count` elements (any length when nil).
    func vector(_ key: String, count: Int?) throws(ModelFormatError) -> [Double] {
        let items = try array(key)
        if let count, items.count != count {
            throw error(key, "expected \(count) values, got \(items.count)")
        }
        var out: [Double] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            out.append(try Self.finiteNumber(item, at: "\(fieldPath(key))[\(i)]", reader: self))
        }
        return out
    }

    /// A matrix of `rows` x `columns` finite numbers.
    func matrix(_ key: String, rows: Int, columns: Int) throws(ModelFormatError) -> [[Double]] {
        let items = try array(key)
        guard items.count == rows else {
            throw error(key, "expected \(rows) rows (one per input) of \(columns) values, got \(items.count) rows")
        }
        var out: [[Double]] = []
        out.reserveCapacity(rows)
        for (r, item) in items.enumerated() {
            guard case .array(let row) = item else {
                throw error("\(key)[\(r)]", "expected an array of \(columns) numbers, got \(item.kindName)")
            }
            guard row.count == columns else {
                throw error("\(key)[\(r)]", "expected \(columns) values (one per unit), got \(row.count)")
            }
            var values: [Double] = []
            values.reserveCapacity(columns)
            for (c, v) in row.enumerated() {
                values.append(try Self.finiteNumber(v, at: "\(fieldPath(key))[\(r)][\(c)]", reader: self))
            }
            out.append(values)
        }
        return out
    }

    func fixedType(_ key: String) throws(ModelFormatError) -> FixedType {
        let text = try string(key)
        do {
            return try FixedType(parsing: text)
        } catch {
            throw self.error(key, error.description)
        }
    }

    func optionalFixedType(_ key: String) throws(ModelFormatError) -> FixedType? {
        has(key) ? try fixedType(key) : nil
    }

    /// `path` is built only for a message: 10^7 weights must not format 10^7 paths.
    static func finiteNumber(_ value: JSONValue, at path: @autoclosure () -> String, reader: FieldReader) throws(ModelFormatError) -> Double {
        guard case .number(let d) = value else {
            throw ModelFormatError(file: reader.file, layer: reader.layer, field: path(),
                                   message: "expected a number, got \(value.kindName)")
        }
        guard d.isFinite else {
            throw ModelFormatError(file: reader.file, layer: reader.layer, field: path(),
                                   message: "\(d) is not a finite number")
        }
        return d
    }
}

import FixedPoint
import VerilogBackend

/// One setting of a point: a key of sweep.json's axes and its value, checked.
public struct Setting: Sendable, Equatable, Codable {
    /// What the setting changes.
    public enum Kind: Sendable, Equatable {
        /// `precision.<role>`: that role on every layer that has it (model inputs for `input`).
        case precision(role: String, FixedType)
        /// `layers.<name>.precision.<role>`: one layer's role.
        case layerPrecision(layer: String, role: String, FixedType)
        case clockNs(Double)
        case family(FPGAFamily)
        case ternaryAdders(TernaryAdderUse)
        case latencyCycles(Int)
    }

    /// The key as sweep.json spells it.
    public var key: String
    /// The value as sweep.json gave it.
    public var value: SpecValue
    /// Where it was given (for messages): `axes["clock_ns"][2]`.
    public var field: String

    enum CodingKeys: String, CodingKey { case key, value, field }

    /// The model-wide roles and the per-layer roles a precision key may name.
    public static let modelRoles = ["weight", "bias", "accumulator", "result", "input", "default"]
    public static let layerRoles = ["weight", "bias", "accumulator", "result", "alpha", "exp", "inverse"]

    /// The value's meaning (parsed again: a Setting is only made by ``parse(key:value:field:decoder:)``).
    public var kind: Kind {
        // `parse` has checked every value; the force-unwraps cannot fail on a Setting it made.
        let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        switch key {
        case "clock_ns": if case .number(let n) = value { return .clockNs(n) }
        case "latency_cycles": if case .number(let n) = value { return .latencyCycles(Int(n)) }
        case "family": if case .string(let s) = value, let f = FPGAFamily(rawValue: s) { return .family(f) }
        case "ternary_adders": if case .string(let s) = value, let t = TernaryAdderUse(rawValue: s) { return .ternaryAdders(t) }
        default: break
        }
        if case .string(let s) = value, let type = try? FixedType(parsing: s) {
            if parts.count == 2 { return .precision(role: parts[1], type) }
            if parts.count >= 4 { return .layerPrecision(layer: parts[1..<(parts.count - 2)].joined(separator: "."), role: parts.last!, type) }
        }
        preconditionFailure("Setting \(key) was not made by Setting.parse")
    }

    /// Checks `key` and `value`; errors name `field` in the spec.
    static func parse(key: String, value: SpecValue, field: String, decoder: SpecDecoder) throws(SweepError) -> Setting {
        let setting = Setting(key: key, value: value, field: field)
        func fail(_ message: String) -> SweepError { decoder.fail(field, message) }
        switch key {
        case "clock_ns":
            guard case .number(let n) = value, n >= 0.1, n <= 1000 else { throw fail("clock_ns must be a number of ns in 0.1...1000, not \(value.literal)") }
        case "latency_cycles":
            guard case .number(let n) = value, n == n.rounded(), n >= 0, n <= 10_000 else {
                throw fail("latency_cycles must be a whole number of cycles in 0...10000, not \(value.literal)")
            }
        case "family":
            guard case .string(let s) = value, FPGAFamily(rawValue: s) != nil else {
                throw fail("family must be one of " + FPGAFamily.allCases.map(\.rawValue).joined(separator: ", ") + ", not \(value.literal)")
            }
        case "ternary_adders":
            guard case .string(let s) = value, TernaryAdderUse(rawValue: s) != nil else {
                throw fail("ternary_adders must be one of " + TernaryAdderUse.allCases.map(\.rawValue).joined(separator: ", ") + ", not \(value.literal)")
            }
        default:
            let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            let modelWide = parts.count == 2 && parts[0] == "precision"
            let perLayer = parts.count >= 4 && parts[0] == "layers" && parts[parts.count - 2] == "precision" && !parts[1].isEmpty
            guard modelWide || perLayer else {
                throw fail("unknown setting; known: precision.<role>, layers.<layer>.precision.<role>, clock_ns, latency_cycles, family, ternary_adders")
            }
            let role = parts.last!
            let roles = modelWide ? modelRoles : layerRoles
            guard roles.contains(role) else { throw fail("unknown precision role '\(role)'; known: " + roles.joined(separator: ", ")) }
            guard case .string(let s) = value else { throw fail("a precision must be a type string such as \"ap_fixed<8,2>\", not \(value.kindName)") }
            do { _ = try FixedType(parsing: s) } catch { throw fail("\(error)") }
        }
        return setting
    }
}

/// The settings of one point, sorted by key (one value per key).
public struct PointSettings: Sendable, Equatable, Codable {
    public var settings: [Setting]

    public init(_ settings: [Setting]) { self.settings = settings.sorted { $0.key < $1.key } }

    /// `key=value` pairs, the point's name in reports.
    public var label: String {
        settings.isEmpty ? "(model as given)" : settings.map { "\($0.key)=\($0.value.literal)" }.joined(separator: " ")
    }

    /// The text the point's key hashes: one `key=value` line per setting.
    public var canonical: String { settings.map { "\($0.key)=\($0.value.literal)\n" }.joined() }

    public func value(_ key: String) -> SpecValue? { settings.first { $0.key == key }?.value }
}

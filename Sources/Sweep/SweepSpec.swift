import Foundation
import InputFiles
import ModelFormat

/// sweep.json, decoded and checked (docs/sweep.md): the model, the
/// validation events, what the figures of merit are measured at, and the
/// points, each a list of settings.
public struct SweepSpec: Sendable, Equatable {
    /// The spec file as given (for messages).
    public var file: String
    /// Absolute paths, resolved relative to the spec's folder.
    public var model: String
    public var events: String
    public var labels: String?
    /// Events read from ``events`` (the first ones); nil: all.
    public var maxEvents: Int?
    /// The FPGA part resources are expressed against.
    public var part: String
    /// The background fraction an anomaly score keeps (efficiency at the rate).
    public var backgroundAcceptance: Double
    /// Every point, in order: the grid of the axes, or the listed points.
    public var points: [PointSettings]
    /// The design the user picked (`chosen`), marked in the report; one of ``points``.
    public var chosen: PointSettings?

    /// The largest spec file read.
    static let maxBytes = 16 << 20
    /// The most points one sweep may have.
    public static let maxPoints = 100_000

    /// Reads and checks `path`. Each error names the file and the field.
    public static func load(path: String) throws(SweepError) -> SweepSpec {
        let data: Data
        do { data = try InputFile.read(path, maxBytes: maxBytes) } catch { throw .input("\(path): \(error)") }
        let root: SpecValue
        // The project's strict reader: duplicate keys, comments, trailing
        // commas and invalid UTF-8 are refused with their line and column.
        do { root = SpecValue(try JSONValue.parse(data)) } catch {
            throw .spec(file: path, field: "(file)", message: "not valid JSON: \(error)")
        }
        return try SpecDecoder(file: path).decode(root)
    }
}

/// The strict reader behind ``SweepSpec/load(path:)``.
struct SpecDecoder {
    let file: String

    static let topKeys: Set<String> = [
        "format", "version", "model", "events", "labels", "max_events", "part", "background_acceptance", "rate_hz",
        "axes", "points", "fixed", "chosen",
    ]

    func fail(_ field: String, _ message: String) -> SweepError { .spec(file: file, field: field, message: message) }

    func decode(_ root: SpecValue) throws(SweepError) -> SweepSpec {
        guard case .object(let top) = root else { throw fail("(file)", "the spec must be a JSON object, not \(root.kindName)") }
        for key in top.keys.sorted() where !Self.topKeys.contains(key) {
            throw fail(key, "unknown field; known: " + Self.topKeys.sorted().joined(separator: ", "))
        }
        if let format = top["format"], format != .string("hepml-sweep") {
            throw fail("format", "must be \"hepml-sweep\", not \(format.literal)")
        }
        if let version = top["version"], version != .number(1) { throw fail("version", "only version 1 is known, not \(version.literal)") }
        let folder = ((absolute(file)) as NSString).deletingLastPathComponent
        let model = try path(top, "model", folder: folder, required: true)!
        let events = try path(top, "events", folder: folder, required: true)!
        let labels = try path(top, "labels", folder: folder, required: false)
        var maxEvents: Int?
        if let v = top["max_events"] { maxEvents = try integer(v, "max_events", min: 1) }
        var part = "xcvu13p"
        if let v = top["part"] {
            guard case .string(let s) = v, !s.isEmpty else { throw fail("part", "must be a part name such as \"xcvu13p\", not \(v.kindName)") }
            part = s
        }
        var acceptance = 1e-3
        if top["background_acceptance"] != nil && top["rate_hz"] != nil {
            throw fail("rate_hz", "give background_acceptance or rate_hz, not both")
        }
        if let v = top["background_acceptance"] {
            acceptance = try number(v, "background_acceptance")
            guard acceptance > 0 && acceptance <= 1 else { throw fail("background_acceptance", "must be in (0, 1], not \(v.literal)") }
        }
        if let v = top["rate_hz"] {
            let rate = try number(v, "rate_hz")
            guard rate > 0 && rate <= 40e6 else { throw fail("rate_hz", "must be in (0, 40e6] Hz, not \(v.literal)") }
            acceptance = rate / 40e6
        }
        let fixed = try settingsObject(top["fixed"] ?? .object([:]), field: "fixed")
        let points = try PointExpansion(decoder: self).points(axes: top["axes"], list: top["points"], fixed: fixed)
        var chosen: PointSettings?
        if let v = top["chosen"] {
            let picked = PointSettings(try settingsObject(v, field: "chosen"))
            guard let match = points.first(where: { $0.canonical == picked.canonical }) else {
                throw fail("chosen", "matches no point of the sweep (\(picked.label)); give every setting of one point")
            }
            chosen = match
        }
        return SweepSpec(file: file, model: model, events: events, labels: labels, maxEvents: maxEvents, part: part,
                         backgroundAcceptance: acceptance, points: points, chosen: chosen)
    }

    /// A file field, made absolute against the spec's folder; it must exist as a regular file.
    func path(_ top: [String: SpecValue], _ key: String, folder: String, required: Bool) throws(SweepError) -> String? {
        guard let v = top[key] else {
            if required { throw fail(key, "missing; give the path of the \(key) file (relative to the spec's folder)") }
            return nil
        }
        guard case .string(let s) = v, !s.isEmpty, !s.contains("\0") else { throw fail(key, "must be a file path, not \(v.kindName)") }
        let full = s.hasPrefix("/") ? s : folder + "/" + s
        if let problem = InputFiles.FileKind(path: full).problem { throw fail(key, "cannot read \(full): \(problem)") }
        return full
    }

    func number(_ v: SpecValue, _ field: String) throws(SweepError) -> Double {
        guard case .number(let n) = v, n.isFinite else { throw fail(field, "must be a number, not \(v.kindName)") }
        return n
    }

    func integer(_ v: SpecValue, _ field: String, min: Int) throws(SweepError) -> Int {
        let n = try number(v, field)
        guard n == n.rounded(), n >= Double(min), n <= 1e9 else { throw fail(field, "must be a whole number of at least \(min), not \(v.literal)") }
        return Int(n)
    }

    /// `{"setting": value, ...}`, each checked.
    func settingsObject(_ v: SpecValue, field: String) throws(SweepError) -> [Setting] {
        guard case .object(let o) = v else { throw fail(field, "must be an object of settings, not \(v.kindName)") }
        var out: [Setting] = []
        for key in o.keys.sorted() {
            out.append(try Setting.parse(key: key, value: o[key]!, field: "\(field)[\"\(key)\"]", decoder: self))
        }
        return out
    }

    /// `path` made absolute against the working folder.
    func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}

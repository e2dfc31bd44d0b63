import FixedPoint
import ModelIR

/// `--input-type` of an imported forest: one type for every feature
/// (`ap_fixed<16,8>`), or types per feature where their ranges differ:
/// `ap_fixed<16,8>; 3=ap_uint<3>; 4-5=ap_fixed<12,4>` gives features 3, 4
/// and 5 their own types and every other feature the entry without an index
/// (the default precision when there is none). Entries are separated by `;`
/// (a type holds commas); `N=T` names one feature (0-based), `N-M=T` a run.
public struct FeatureTypeSpec: Sendable, Equatable {
    /// A run of features and their type.
    public struct Entry: Sendable, Equatable {
        public var features: ClosedRange<Int>
        public var type: FixedType
    }

    /// The type of the features no entry names (nil: the default precision).
    public var fallback: FixedType?
    /// The per-feature entries, in the order written.
    public var entries: [Entry]

    /// Whether some feature has a type of its own.
    public var isPerFeature: Bool { !entries.isEmpty }

    /// Parses the option's text; the message names the entry at fault.
    public init(parsing text: String) throws(FeatureTypeError) {
        fallback = nil
        entries = []
        let parts = text.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingWhitespace }
        guard parts.count > 1 || parts[0].contains("=") else {
            do { fallback = try FixedType(parsing: text) } catch { throw FeatureTypeError("\(error)") }
            return
        }
        for part in parts {
            guard !part.isEmpty else { throw FeatureTypeError("an empty entry in '\(text)'; separate 'F=type' entries with one ';'") }
            guard let eq = part.firstIndex(of: "=") else {
                guard fallback == nil else { throw FeatureTypeError("two types without a feature index ('\(part)'); give one default at most") }
                do { fallback = try FixedType(parsing: part) } catch { throw FeatureTypeError("'\(part)': \(error)") }
                continue
            }
            let index = part[..<eq].trimmingWhitespace, typeText = part[part.index(after: eq)...].trimmingWhitespace
            let bounds = index.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingWhitespace) }
            guard (1...2).contains(bounds.count), let first = bounds.first!, let last = bounds.last!, first >= 0, first <= last else {
                throw FeatureTypeError("'\(part)': '\(index)' is not a feature index (N) or a run (N-M, N <= M), counted from 0")
            }
            let type: FixedType
            do { type = try FixedType(parsing: typeText) } catch { throw FeatureTypeError("'\(part)': \(error)") }
            if let other = entries.first(where: { $0.features.overlaps(first...last) }) {
                let named = other.features.clamped(to: first...last)
                let which = named.count == 1 ? "feature \(named.lowerBound)" : "features \(named.lowerBound)-\(named.upperBound)"
                throw FeatureTypeError("'\(part)' gives \(which) a second type")
            }
            entries.append(Entry(features: first...last, type: type))
        }
    }

    /// The type of each of `featureCount` features; an entry beyond them is an error.
    public func types(featureCount: Int) throws(FeatureTypeError) -> [FixedType?] {
        var types = [FixedType?](repeating: fallback, count: featureCount)
        for e in entries {
            guard e.features.upperBound < featureCount else {
                throw FeatureTypeError("feature \(e.features.upperBound) is beyond the model's \(featureCount) features (counted from 0)")
            }
            for f in e.features { types[f] = e.type }
        }
        return types
    }
}

/// A malformed `--input-type` or one that does not fit the model.
public struct FeatureTypeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Per-feature input types for a forest: the one input vector `x` becomes
/// one input per run of consecutive features that share a type (`x_3`,
/// `x_4_5`), concatenated into `x` before the layers that read it. Event
/// files keep their columns (the inputs end to end are the old vector);
/// each feature is rounded and saturated by its own type at the input,
/// and the concatenation's type holds every feature exactly, so the
/// forest's decisions stay exact (docs/forests.md, "Per-feature input types").
public enum FeatureInputs {
    public static func split(_ graph: Graph, types: [FixedType?]) throws(FeatureTypeError) -> Graph {
        guard graph.inputs.count == 1, let x = graph.inputs.first, x.size == types.count else {
            throw FeatureTypeError("per-feature types need a model with one input vector of \(types.count) features")
        }
        var runs: [(first: Int, last: Int, type: FixedType?)] = []
        for (f, t) in types.enumerated() {
            if let last = runs.last, last.type == t { runs[runs.count - 1].last = f } else { runs.append((f, f, t)) }
        }
        var out = graph
        guard runs.count > 1 else {
            out.inputs[0].type = runs.first?.type
            return out
        }
        let used = Set(graph.nodes.map(\.name))
        out.inputs = runs.map { r in
            var name = r.first == r.last ? "\(x.name)_\(r.first)" : "\(x.name)_\(r.first)_\(r.last)"
            while used.contains(name) { name += "_in" }
            return GraphInput(name: name, shape: [r.last - r.first + 1], type: r.type)
        }
        out.nodes.insert(Node(name: x.name, op: .concatenate(axis: -1), inputs: out.inputs.map(\.name)), at: 0)
        return out
    }
}

private extension Substring {
    var trimmingWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}

import Foundation
import TensorIO

/// Features with optional integer class labels, one event a row.
public struct LabelledData: Sendable, Equatable {
    public var features: EventTable
    /// Class index per event (nil for unlabelled data such as AE background).
    public var labels: [Int]?

    public init(features: EventTable, labels: [Int]? = nil) {
        self.features = features
        self.labels = labels
    }
}

/// Reading user data: numeric CSV (``CSVTable``) or `.npy` (``NPYTable``),
/// chosen by the file extension.
public enum DataLoader {
    /// Reads an event table; `expectedColumns` checks the shape.
    public static func table(path: String, expectedColumns: Int? = nil) throws(TensorIOError) -> EventTable {
        if path.lowercased().hasSuffix(".npy") {
            return try NPYTable.read(path: path, expectedColumns: expectedColumns)
        }
        return try CSVTable.read(path: path, expectedColumns: expectedColumns)
    }

    /// Reads class labels: one column of non-negative integers.
    public static func labels(path: String) throws(TensorIOError) -> [Int] {
        let t = try table(path: path)
        guard t.columns == 1 else {
            throw TensorIOError(file: path, message: "labels must be one column of class indices, got \(t.columns) columns")
        }
        return try integerLabels(t.values, file: path)
    }

    /// Features and labels from one table whose column `labelColumn` holds
    /// the class index (negative: counted from the end, -1 the last).
    public static func splitLabelColumn(_ t: EventTable, labelColumn: Int, file: String) throws(TensorIOError) -> LabelledData {
        let c = labelColumn < 0 ? t.columns + labelColumn : labelColumn
        guard c >= 0, c < t.columns, t.columns >= 2 else {
            throw TensorIOError(file: file, message: "label column \(labelColumn) is outside the \(t.columns) columns")
        }
        var features: [Double] = []
        features.reserveCapacity(t.rows * (t.columns - 1))
        var raw: [Double] = []
        for r in 0..<t.rows {
            let row = t[row: r]
            for (k, v) in row.enumerated() {
                if k == c { raw.append(v) } else { features.append(v) }
            }
        }
        return LabelledData(features: EventTable(rows: t.rows, columns: t.columns - 1, values: features),
                            labels: try integerLabels(raw, file: file))
    }

    static func integerLabels(_ values: [Double], file: String) throws(TensorIOError) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(values.count)
        for (i, v) in values.enumerated() {
            guard v >= 0, v == v.rounded(), v < 1e6 else {
                throw TensorIOError(file: file, message: "event \(i): label \(v) is not a class index (a non-negative integer)")
            }
            out.append(Int(v))
        }
        return out
    }
}

/// The built-in generated data sets, by the names the training config and
/// the CLI use.
public enum GeneratedData {
    /// `l1_background`, `l1_<process>` for any ``L1Process`` (e.g. `l1_a_4l`),
    /// `jet_tagging`, `jet_constituents` (and its high-level view
    /// `jet_constituents_hlf`), `track_quality`, `calo_<process>` for any
    /// ``CaloRegionGenerator/Process`` (e.g. `calo_zero_bias`) and
    /// `calo_mixture` (every calorimeter process in equal shares).
    public static var names: [String] {
        ["l1_background"] + L1Process.allCases.map { "l1_" + $0.rawValue }
            + ["jet_tagging", "jet_constituents", "jet_constituents_hlf", "track_quality"]
            + CaloRegionGenerator.Process.allCases.map { "calo_" + $0.rawValue } + ["calo_mixture"]
    }

    /// The calorimeter process a name stands for (`calo_suep`), nil for another name.
    static func caloProcess(_ name: String) -> CaloRegionGenerator.Process? {
        name.hasPrefix("calo_") ? CaloRegionGenerator.Process(rawValue: String(name.dropFirst(5))) : nil
    }

    /// The tensor shape of one event of the named set (`[16, 4]` for
    /// `jet_constituents`), nil for an unknown name; a flat set has `[values]`.
    public static func eventShape(of name: String) -> [Int]? {
        if name == "jet_constituents" { return JetConstituentGenerator.shape }
        if name == "calo_mixture" || caloProcess(name) != nil { return CaloRegionGenerator.shape }
        return featureCount(of: name).map { [$0] }
    }

    /// Class names of a labelled set, by label; nil when the labels are not classes of a tagger.
    public static func classNames(of name: String) -> [String]? {
        switch name {
        case "jet_tagging", "jet_constituents", "jet_constituents_hlf": JetTaggingGenerator.classNames
        case "track_quality": ["fake", "genuine"]
        case "calo_mixture": CaloRegionGenerator.Process.allCases.map(\.rawValue)
        default: nil
        }
    }

    /// Values per event of the named set, nil for an unknown name; known
    /// before generating, so that a caller can bound the memory first.
    public static func featureCount(of name: String) -> Int? {
        if name == "jet_tagging" || name == "jet_constituents_hlf" { return JetTaggingGenerator.featureNames.count }
        if name == "jet_constituents" { return JetConstituentGenerator.shape.reduce(1, *) }
        if name == "calo_mixture" || caloProcess(name) != nil { return CaloRegionGenerator.shape.reduce(1, *) }
        if name == "track_quality" { return TrackQualityGenerator.featureNames.count }
        if name == "l1_background" { return L1AnomalyGenerator.featureCount }
        if name.hasPrefix("l1_"), L1Process(rawValue: String(name.dropFirst(3))) != nil { return L1AnomalyGenerator.featureCount }
        return nil
    }

    /// Generates `count` events of the named set. L1 sets are unlabelled
    /// except for the background mixture (labels: process index).
    public static func make(_ name: String, count: Int, seed: UInt64) -> LabelledData? {
        if name == "jet_tagging" {
            let (f, l) = JetTaggingGenerator(seed: seed).jets(count: count)
            return LabelledData(features: f, labels: l)
        }
        if name == "jet_constituents" {
            let (f, l) = JetConstituentGenerator(seed: seed).constituents(count: count)
            return LabelledData(features: f, labels: l)
        }
        if name == "jet_constituents_hlf" {
            let (f, l) = JetConstituentGenerator(seed: seed).highLevelFeatures(count: count)
            return LabelledData(features: f, labels: l)
        }
        if name == "track_quality" {
            let (f, l) = TrackQualityGenerator(seed: seed).tracks(count: count)
            return LabelledData(features: f, labels: l)
        }
        if name == "calo_mixture" {
            let (e, l) = CaloRegionGenerator(seed: seed).mixture(count: count)
            return LabelledData(features: e, labels: l)
        }
        if let process = caloProcess(name) {
            let e = CaloRegionGenerator(seed: seed).events(process, count: count)
            return LabelledData(features: e, labels: Array(repeating: process.label, count: count))
        }
        let generator = L1AnomalyGenerator(seed: seed)
        if name == "l1_background" {
            let (e, l) = generator.backgroundMixture(count: count)
            return LabelledData(features: e, labels: l)
        }
        if name.hasPrefix("l1_"), let process = L1Process(rawValue: String(name.dropFirst(3))) {
            let e = generator.events(process, count: count)
            let label = L1Process.allCases.firstIndex(of: process)!
            return LabelledData(features: e, labels: Array(repeating: label, count: count))
        }
        return nil
    }
}

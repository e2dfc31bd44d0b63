import Foundation
import ModelIR
import Reference
import TensorIO

/// Everything the report says about one compiled model. Encoded as
/// `report.json` (keys sorted, so the same inputs give the same bytes) and
/// rendered as the text summary and `report.html`.
public struct ModelReport: Codable, Sendable, Equatable {
    public static let formatVersion = 1

    public var formatVersion: Int
    public var model: String
    public var events: Int
    public var inputs: Int
    public var outputs: Int
    public var agreement: ImplementationAgreement
    public var bitAccuracy: BitAccuracyReport
    public var physics: PhysicsReport?
    public var latency: LatencyReport
    public var resources: ResourceReport?
    /// Per forest layer reading a model input: trees, features, decisions (nil without forests).
    public var forests: [ForestReport]?
}

/// What a report is made from. Pure data: the driver loads files, runs the
/// simulations and synthesis, and passes their results in.
public struct ReportInput: Sendable {
    public var graph: Graph
    public var model: LoweredModel
    public var events: EventTable
    /// Class indices / one-hot rows (tagger) or 0 = background, k = signal k (anomaly score).
    public var labels: EventTable?
    public var clockNs: Double
    public var simulation: SimulationResults
    /// The resources section: ``NetlistEstimate/estimate(stages:costs:delayRegisterBits:part:)``
    /// of the design's netlists, or yosys counts (``ModuleSynthesis``); nil
    /// when there is no design to count (the report then has no resources section).
    public var resources: ResourceReport?
    public var physics: PhysicsImpactAnalysis.Options
    public var accuracy: BitAccuracyAnalysis.Options

    public init(graph: Graph, model: LoweredModel, events: EventTable, labels: EventTable? = nil, clockNs: Double = 5,
                simulation: SimulationResults = SimulationResults(), resources: ResourceReport? = nil,
                physics: PhysicsImpactAnalysis.Options = .init(), accuracy: BitAccuracyAnalysis.Options = .init()) {
        self.graph = graph
        self.model = model
        self.events = events
        self.labels = labels
        self.clockNs = clockNs
        self.simulation = simulation
        self.resources = resources
        self.physics = physics
        self.accuracy = accuracy
    }
}

extension ModelReport {
    /// Builds the report (pure: no files, no tools).
    public static func build(_ input: ReportInput) throws(ReportError) -> ModelReport {
        try build(input, continuing: nil)
    }

    /// The report on `input.events` followed by every block `rest` still
    /// holds (the events after them in the same file), read one block at a
    /// time: memory stays flat whatever the file's length. The physics
    /// section uses the first ``BitAccuracyAnalysis/Options/keptEvents``
    /// events and as many label rows.
    public static func build(_ input: ReportInput, continuing rest: (any EventReader)?) throws(ReportError) -> ModelReport {
        var accumulator = BitAccuracyAccumulator(graph: input.graph, model: input.model, options: input.accuracy)
        accumulator.add(input.events)
        if let rest {
            do {
                while let block = try rest.next() { accumulator.add(block) }
            } catch {
                throw .io("\(error)")
            }
        }
        let (accuracy, float, fixed) = accumulator.finish()
        var physics: PhysicsReport?
        if var labels = input.labels {
            if labels.rows > float.rows, accuracy.events == labels.rows {
                labels = EventTable(rows: float.rows, columns: labels.columns, values: Array(labels.values.prefix(float.rows * labels.columns)))
            }
            physics = try PhysicsImpactAnalysis.run(float: float, fixed: fixed, labels: labels, options: input.physics)
        }
        return ModelReport(formatVersion: formatVersion, model: input.model.name, events: accuracy.events,
                           inputs: input.model.inputWidth, outputs: input.model.outputWidth,
                           agreement: ImplementationAgreement(referenceEvents: accuracy.events, simulation: input.simulation),
                           bitAccuracy: accuracy, physics: physics,
                           latency: LatencyReport(clockNs: input.clockNs, simulation: input.simulation),
                           resources: input.resources, forests: forestSection(input))
    }

    static func forestSection(_ input: ReportInput) -> [ForestReport]? {
        let reports = ForestReport.build(graph: input.graph, model: input.model, events: input.events)
        return reports.isEmpty ? nil : reports
    }

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    /// `report.json`: sorted keys, infinities and NaN as the strings "inf", "-inf", "nan".
    public func json() -> String {
        // Encoding plain structs of numbers and strings cannot fail.
        String(decoding: try! Self.encoder().encode(self), as: UTF8.self) + "\n"
    }

    /// Reads a `report.json`.
    public static func decode(json text: String) throws(ReportError) -> ModelReport {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return try d.decode(ModelReport.self, from: Data(text.utf8)) } catch {
            throw .io("report.json: \(error)")
        }
    }
}

import FixedPoint
import ModelIR
import Reference
import TensorIO

/// A closed interval of real values.
public struct ValueInterval: Codable, Sendable, Equatable {
    public var min: Double
    public var max: Double
    public init(min: Double, max: Double) {
        self.min = min
        self.max = max
    }
}

/// One tensor of the lowered model: its declared type, the range it used,
/// how far the fixed-point values are from the float model's, and how many
/// values did not fit the type when the op assigned them.
public struct LayerAccuracy: Codable, Sendable, Equatable {
    /// The lowered tensor's name (a fused dense op writes its activation's tensor;
    /// a folded batch norm's tensor keeps the batch norm's name).
    public var tensor: String
    /// The lowered op that writes the tensor; nil for a model input.
    public var op: String?
    /// `input`, `dense`, `dense+relu`, `sigmoid`, `softmax`, ...
    public var kind: String
    /// The model.json layers behind the op (more than one after folding or fusion).
    public var sourceLayers: [String]
    /// The float graph tensor the values were compared with (nil: none).
    public var comparedWith: String?
    /// The declared type, in Vitis spelling.
    public var type: String
    public var size: Int
    public var declared: ValueInterval
    public var lsb: Double
    /// Range of the float model's values (nil when not compared).
    public var usedFloat: ValueInterval?
    /// Range of the fixed-point reference's values.
    public var usedFixed: ValueInterval
    /// Integer bits of the declared type (sign bit included when signed).
    public var integerBits: Int
    /// Integer bits the float values need (nil: all zero).
    public var integerBitsNeeded: Int?
    /// `floor(log2 |v|)` below which 1% of the nonzero float values lie: the
    /// small end of the range bar. Compare with `log2(lsb)`.
    public var smallExponent: Int?
    /// `fixed - float` over every element of every event (nil when not compared).
    public var error: ErrorStats?
    /// Elements assigned: events × size.
    public var values: Int
    public var saturated: Int
    public var wrapped: Int
    /// Table lookups with the index clamped (sigmoid/tanh/softmax tables).
    public var clamped: Int

    public var saturatedFraction: Double { values > 0 ? Double(saturated) / Double(values) : 0 }
    public var wrappedFraction: Double { values > 0 ? Double(wrapped) / Double(values) : 0 }
    /// Integer bits to spare (negative: the float values need more than declared).
    public var headroomBits: Int? { integerBitsNeeded.map { integerBits - $0 } }
}

/// A point of a scatter plot.
public struct ScatterPoint: Codable, Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// One element of the model's output, float vs fixed.
public struct OutputAccuracy: Codable, Sendable, Equatable {
    /// `score`, or `out[3]` for element 3 of a vector output.
    public var name: String
    public var error: ErrorStats
    /// Histogram of `fixed - float`.
    public var errorHistogram: Histogram
    /// (float, fixed) of the first events, for the scatter plot.
    public var scatter: [ScatterPoint]
}

/// The bit-accuracy section: float vs the fixed-point reference per layer and
/// per output. (Mismatches between the reference and the HLS / RTL
/// simulations are in ``ImplementationAgreement``.)
public struct BitAccuracyReport: Codable, Sendable, Equatable {
    public var events: Int
    /// The first events, whose outputs feed the error histograms and the
    /// physics section (all of them up to ``BitAccuracyAnalysis/Options/keptEvents``).
    public var keptEvents: Int
    public var layers: [LayerAccuracy]
    public var outputs: [OutputAccuracy]

    /// Layers where some value saturated or wrapped.
    public var overflowingLayers: [LayerAccuracy] { layers.filter { $0.saturated > 0 || $0.wrapped > 0 } }
}

/// Computes ``BitAccuracyReport``: traces the float graph and the bit-exact
/// reference on the same events and compares every tensor.
public enum BitAccuracyAnalysis {
    public struct Options: Sendable {
        /// Events whose (float, fixed) outputs are kept for scatter plots.
        public var scatterEvents: Int
        public var histogramBins: Int
        /// Events whose outputs are kept for the error histograms and the
        /// physics section (the first ones); every event counts in the
        /// per-layer and per-output statistics, whose memory does not grow.
        public var keptEvents: Int
        public init(scatterEvents: Int = 500, histogramBins: Int = 40, keptEvents: Int = 100_000) {
            self.scatterEvents = scatterEvents
            self.histogramBins = histogramBins
            self.keptEvents = keptEvents
        }
    }

    public static func run(graph: Graph, model: LoweredModel, events: EventTable,
                           options: Options = Options()) -> BitAccuracyReport {
        analyse(graph: graph, model: model, events: events, options: options).report
    }

    /// The report and the model outputs it traced (float, fixed; one row per
    /// kept event), so that the physics section needs no second evaluation.
    static func analyse(graph: Graph, model: LoweredModel, events: EventTable,
                        options: Options) -> (report: BitAccuracyReport, float: EventTable, fixed: EventTable) {
        var accumulator = BitAccuracyAccumulator(graph: graph, model: model, options: options)
        accumulator.add(events)
        return accumulator.finish()
    }

    /// For each lowered tensor, the float graph tensor holding the same
    /// quantity: the tensor of the same name (lowering keeps node names; a
    /// fused op writes its activation's tensor; a folded batch norm keeps its
    /// name), or for an inserted `quantize` op, its input's counterpart.
    public static func floatCounterparts(graph: Graph, model: LoweredModel) -> [String?] {
        var names = Set(graph.inputs.map(\.name))
        for n in graph.nodes { names.insert(n.name) }
        let sizes = graph.tensorSizes()
        var result = [String?](repeating: nil, count: model.tensors.count)
        for id in model.inputs where names.contains(model[id].name) { result[id.index] = model[id].name }
        for op in model.ops {
            let t = model[op.output]
            if names.contains(t.name), sizes[t.name] == t.size {
                result[op.output.index] = t.name
            } else if case .quantize = op.kind {
                result[op.output.index] = result[op.inputs[0].index]
            }
        }
        return result
    }

    /// `dense+relu` or `scale+relu` for a fused op, else the kind's name.
    public static func kindLabel(_ kind: LoweredKind) -> String {
        if let d = kind.denseForm, d.activation != .linear { return "\(kind.kindName)+\(d.activation.kindName)" }
        return kind.kindName
    }

    /// One name per output element: the tensor's name, indexed when it has
    /// more than one element.
    public static func outputElementNames(_ model: LoweredModel) -> [String] {
        model.outputs.flatMap { id -> [String] in
            let t = model[id]
            return t.size == 1 ? [t.name] : (0..<t.size).map { "\(t.name)[\($0)]" }
        }
    }
}

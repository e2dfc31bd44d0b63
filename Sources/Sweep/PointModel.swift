import FixedPoint
import ModelIR
import VerilogBackend

/// A point's settings applied: the model's graph with its precisions
/// changed, and the Verilog backend's options.
public struct PointModel: Sendable {
    public var graph: Graph
    /// The clock, family and adders of the point (model defaults where not set).
    public var verilog: VerilogOptions
    /// A latency asked for instead of a clock.
    public var latencyCycles: Int?

    /// Applies `point` to `graph`. Every layer named must exist and have the role.
    public init(_ point: PointSettings, graph: Graph, specFile: String) throws(SweepError) {
        var g = graph
        var options = VerilogOptions()
        var cycles: Int?
        for s in point.settings {
            switch s.kind {
            case .precision(let role, let type):
                Self.setEverywhere(role, type, in: &g)
            case .layerPrecision(let layer, let role, let type):
                guard let i = g.nodes.firstIndex(where: { $0.name == layer }) else {
                    throw .spec(file: specFile, field: s.field, message: "the model has no layer '\(layer)'; its layers: "
                        + graph.nodes.map(\.name).joined(separator: ", "))
                }
                guard Self.has(role, g.nodes[i].op) else {
                    throw .spec(file: specFile, field: s.field,
                                message: "layer '\(layer)' (\(g.nodes[i].op.kindName)) has no \(role) precision")
                }
                Self.set(role, type, on: &g.nodes[i].precision)
            case .clockNs(let ns): options.clockNs = ns
            case .family(let f): options.family = f
            case .ternaryAdders(let t): options.ternaryAdders = t
            case .latencyCycles(let n): cycles = n
            }
        }
        self.graph = g
        verilog = options
        latencyCycles = cycles
    }

    /// Whether a layer of this op has a precision for `role`.
    static func has(_ role: String, _ op: Op) -> Bool {
        switch role {
        case "result": return true
        case "weight", "bias", "accumulator":
            if case .dense = op { return true }
            if case .batchNorm = op { return true }
            return false
        case "alpha": if case .activation(.leakyReLU) = op { return true }; return false
        case "exp", "inverse": if case .activation(.softmax) = op { return true }; return false
        default: return false
        }
    }

    /// A model-wide role: every layer that has it, the inputs, or the default.
    static func setEverywhere(_ role: String, _ type: FixedType, in g: inout Graph) {
        switch role {
        case "input": for i in g.inputs.indices { g.inputs[i].type = type }
        case "default": g.defaults.precision = type
        default:
            for i in g.nodes.indices where has(role, g.nodes[i].op) { set(role, type, on: &g.nodes[i].precision) }
        }
    }

    static func set(_ role: String, _ type: FixedType, on p: inout LayerPrecision) {
        switch role {
        case "weight": p.weight = type
        case "bias": p.bias = type
        case "accumulator": p.accumulator = type
        case "result": p.result = type
        case "alpha": p.alpha = type
        case "exp": p.exp = type
        case "inverse": p.inverse = type
        default: break
        }
    }
}

import FixedPoint
import ModelIR
import ModelZoo
import Passes
import Reference
import Reports
import TensorIO
import VerilogBackend

/// Deterministic events uniform in ±`scale` for a graph's inputs.
func events(for graph: Graph, count: Int, scale: Double = 3, seed: UInt64 = 7) -> EventTable {
    var rng = ModelZoo.Random(seed: seed)
    let width = graph.inputs.reduce(0) { $0 + $1.size }
    return EventTable((0..<count).map { _ in (0..<width).map { _ in rng.uniform(-scale, scale) } })
}

/// Class labels that mostly agree with the float model (so that AUCs are
/// high but not perfect): the float argmax for 3 events in 4, else random.
func labels(for graph: Graph, events: EventTable, seed: UInt64 = 11) -> EventTable {
    var rng = ModelZoo.Random(seed: seed)
    let out = FloatEvaluator(graph).run(events)
    return EventTable((0..<out.rows).map { r -> [Double] in
        let row = Array(out[row: r])
        let best = row.indices.max { row[$0] < row[$1] }!
        return [rng.uniform(0, 1) < 0.75 ? Double(best) : Double(Int(rng.uniform(0, Double(out.columns))))]
    })
}

/// One dense unit `y = x` with a narrow result type, to force overflow.
func identityGraph(result: FixedType) -> Graph {
    Graph(name: "identity", inputs: [GraphInput(name: "x", shape: [1], type: .fixed(16, 8, .rnd, .sat))],
          nodes: [Node(name: "y", op: .dense(Dense(weights: [[1]], bias: [0])), inputs: ["x"],
                       precision: LayerPrecision(weight: .fixed(4, 2), bias: .fixed(4, 2), result: result))],
          outputs: ["y"])
}

/// The report's resources for a model as `report` gives them: the estimate
/// of its emitted design's netlists.
func netlistEstimate(_ model: LoweredModel) -> ResourceReport {
    let design = try! VerilogEmitter.emit(model, options: VerilogOptions())
    return NetlistEstimate.estimate(stages: design.modules, costs: design.costs, delayRegisterBits: design.delayRegisterBits,
                                    part: FPGAPart.named("xcvu13p"))
}

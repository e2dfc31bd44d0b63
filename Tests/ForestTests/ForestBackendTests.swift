import FixedPoint
import HLSBackend
import ModelIR
import Passes
import SeededRandomness
import Simulation
import TensorIO
import Testing
import VerilogBackend

/// The pipelined Verilog (Verilator) and the HLS C++ (g++ with ap_types)
/// of a forest, bit for bit against the Swift reference: one build of each.
@Suite("Forest backends: Verilator and csim bit-exact")
struct ForestBackendTests {
    static let inputType = FixedType.fixed(12, 4)

    /// 24 trees of depth 4 over 5 features, 3 classes, leaves rounded to
    /// ap_fixed<12,3,AP_RND>; outputs the margins and their softmax.
    static func model() throws -> LoweredModel {
        let forest = RandomForests.make(seed: 25, features: 5, classes: 3, trees: 24, depth: 4, range: -6...6) { $0 - 0.5 }
        let graph = Graph(name: "bdt3", inputs: [GraphInput(name: "x", shape: [5], type: inputType)],
                          nodes: [Node(name: "margin", op: .forest(forest), inputs: ["x"],
                                       precision: LayerPrecision(weight: .fixed(12, 3, .rnd))),
                                  Node(name: "prob", op: .activation(.softmax(SoftmaxTableSettings())), inputs: ["margin"])],
                          outputs: ["margin", "prob"])
        return try Pipeline.run(graph).model
    }

    /// Codes at, below and above every threshold (other features random), then random codes.
    static func events(_ model: LoweredModel) -> [[Int64]] {
        guard case .forest(let f) = model.ops[0].kind else { return [] }
        var rng = SplitMix64(seed: 99)
        let t = inputType
        func random() -> Int64 { t.minRaw + Int64(rng.next() % UInt64(t.maxRaw - t.minRaw + 1)) }
        var out: [[Int64]] = []
        for c in f.comparisons {
            for k in [c.threshold - 1, c.threshold, c.threshold + 1] where k <= t.maxRaw {
                var e = (0..<5).map { _ in random() }
                e[c.feature] = k
                out.append(e)
            }
        }
        for _ in 0..<150 { out.append((0..<5).map { _ in random() }) }
        out.append([Int64](repeating: t.minRaw, count: 5))
        out.append([Int64](repeating: t.maxRaw, count: 5))
        return out
    }

    @Test("Verilator: every output bit equals the reference, one event per cycle; comparators shared between trees")
    func verilator() async throws {
        let model = try Self.model()
        guard case .forest(let f) = model.ops[0].kind else { Issue.record("no forest"); return }
        let design = try VerilogEmitter.emit(model, options: VerilogOptions())
        let module = try #require(design.files.first { $0.path.hasSuffix("bdt3_margin.v") })
        // One comparator per distinct (feature, threshold), not one per tree node.
        let splits = f.trees.reduce(0) { $0 + $1.nodes.count { if case .split = $0 { return true } else { return false } } }
        #expect(module.contents.contains("\(f.comparisons.count) shared comparators"))
        #expect(f.comparisons.count < splits)
        let inputs = Self.events(model)
        #expect(inputs.count > 300)
        let result = try await VerilatorSimulation(design: design, model: model).run(raw: inputs)
        #expect(result.compared.events == inputs.count)
        #expect(result.compared.mismatchCount == 0, "\(result.compared.mismatches.prefix(5).map(\.description))")
        #expect(result.measuredLatency == design.latency)
    }

    @Test("HLS csim: the generated C++ computes the reference's codes on every event")
    func csim() async throws {
        let model = try Self.model()
        let inputs = Self.events(model)
        let events = EventTable(inputs.map { $0.map { Self.inputType.value(ofRaw: $0) } })
        let report = try await CSimulation(model: model).run(events)
        #expect(report.compared.events == inputs.count)
        #expect(report.compared.mismatchCount == 0, "\(report.compared.mismatches.prefix(5).map(\.description))")
    }
}

import FixedPoint
import Foundation
import ModelFormat
import ModelIR
import ModelZoo
import NetlistIR
import Passes
import Reference
import Testing
import VerilogBackend

/// The netlist interpreter, op by op through the pipelined netlists the
/// emitter prints, against the Swift reference: every output code of every
/// zoo and shipped model, on inputs that cover each input type's range.
@Suite struct NetlistInterpreterTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var models: [String] { ModelZoo.all.map(\.name) + ["examples/jet_tagger", "examples/l1_autoencoder"] }

    static func lowered(_ name: String) throws -> LoweredModel {
        if name.hasPrefix("examples/") {
            return try Pipeline.lower(ModelDecoder.load(path: repoRoot.appendingPathComponent("\(name)/model.json").path))
        }
        return try Pipeline.lower(ModelZoo.all.first { $0.name == name }!.make())
    }

    /// With each choice of ternary adders (the default, `all`, on every
    /// model; `latency` and `off` on the shipped ones).
    static var cases: [(String, TernaryAdderUse)] {
        models.map { ($0, .all) } + ["examples/jet_tagger", "examples/l1_autoencoder"].flatMap { [($0, .latency), ($0, .off)] }
    }

    @Test(arguments: cases)
    func everyOutputEqualsTheReference(model name: String, ternaryAdders: TernaryAdderUse) throws {
        let model = try Self.lowered(name)
        let netlists = try NetlistModel(model, options: VerilogOptions(ternaryAdders: ternaryAdders))
        let reference = FixedPointEvaluator(model)
        var mismatches = 0
        for (k, event) in RTLTest.inputs(model, count: 1500, seed: 11).enumerated() {
            let want = reference.runRaw(event), got = netlists.evaluate(event)
            if want != got {
                mismatches += 1
                if mismatches <= 3 { Issue.record("\(name) (\(ternaryAdders)) event \(k): reference \(want), netlist \(got)") }
            }
        }
        #expect(mismatches == 0)
    }

    /// Deeper pipelines (one node per stage) insert more registers; the
    /// values stay the same.
    @Test func pipeliningDoesNotChangeAValue() throws {
        let model = try Self.lowered("tagger")
        let deep = try NetlistModel(model, options: VerilogOptions(stageBudget: 1))
        let reference = FixedPointEvaluator(model)
        for event in RTLTest.inputs(model, count: 300, seed: 5) {
            #expect(deep.evaluate(event) == reference.runRaw(event))
        }
        #expect(deep.ops.map(\.latency).reduce(0, +) > (try NetlistModel(model, options: VerilogOptions()).ops.map(\.latency).reduce(0, +)))
    }

    /// Counts come from the netlist: registers only where the pipeline put
    /// them, and only their bits that are read; adders only among the add,
    /// ternary add and negate nodes.
    @Test func costsCountTheNodesThatAreRead() throws {
        let model = try Self.lowered("one_layer")
        let netlists = try NetlistModel(model, options: VerilogOptions())
        #expect(netlists.ops.contains { NetlistCost($0.netlist).adders > 0 })
        for built in netlists.ops {
            let cost = NetlistCost(built.netlist)
            var registers = 0, adds = 0
            for node in built.netlist.nodes {
                switch node.operation {
                case .register: registers += node.width
                case .add, .add3, .negate: adds += 1
                default: break
                }
            }
            #expect(cost.registerBits <= registers)
            #expect(cost.adders <= adds)
            #expect((cost.registerBits > 0) == (built.latency > 0))
        }
    }

    /// The emitted design carries each module's cost, counted once: the same
    /// as the netlists built again, in the module rows and headers alike.
    @Test func theDesignCarriesEachModulesCost() throws {
        let model = try Self.lowered("sigmoid_model")
        let design = try VerilogEmitter.emit(model, options: VerilogOptions())
        let netlists = try NetlistModel(model, options: VerilogOptions())
        #expect(design.costs == netlists.ops.map { NetlistCost($0.netlist) })
        #expect(design.costs.contains { $0.romWords > 0 })
        for (stage, cost) in zip(design.modules, design.costs) {
            #expect(stage.adders == cost.adders && stage.adderBits == cost.adderBits && stage.registerBits == cost.registerBits)
            #expect(stage.romWords == cost.romWords && stage.multipliers == cost.multipliers)
            let text = try #require(design.files.first { $0.path == stage.module + ".v" }).contents
            let ternary = cost.ternaryAdders > 0 ? "\(cost.ternaryAdders) ternary, " : ""
            #expect(text.contains("//   \(cost.adders) adders (\(ternary)\(cost.adderBits) adder bits)"), "\(stage.module)")
            #expect(text.contains(", \(cost.registerBits) register bits in use"), "\(stage.module)")
        }
    }
}

/// `--latency-cycles`: the least logic per stage that reaches a latency.
@Suite struct LatencyTargetTests {
    @Test(arguments: [(4, FPGAFamily.xcup), (8, .xcup), (8, .xc7), (12, .xc7), (20, .xc7)])
    func theLeastLogicPerStageThatReachesTheLatency(cycles: Int, family: FPGAFamily) throws {
        let model = try NetlistInterpreterTests.lowered("tagger")
        var fewest = 0
        let base = VerilogOptions(family: family)
        let found = try #require(try LatencyTarget.search(model, cycles: cycles, base: base, fewest: &fewest))
        #expect(found.latency <= cycles)
        var at = base
        at.stageBudget = found.stageBudget
        #expect(try NetlistModel(model, options: at).latency == found.latency)
        if found.stageBudget > 1 {
            at.stageBudget = found.stageBudget - 1
            #expect(try NetlistModel(model, options: at).latency > cycles)
        }
        // The implied clock gives back the same budget.
        #expect(try NetlistModel(model, options: VerilogOptions(clockNs: found.clockNs, family: family)).latency == found.latency)
        #expect(base.delayModel.stageBudget(clockNs: found.clockNs) == found.stageBudget)
    }

    @Test func anUnreachableLatencySaysWhatIsReachable() throws {
        let model = try NetlistInterpreterTests.lowered("tagger")
        var fewest = 0
        #expect(try LatencyTarget.search(model, cycles: 0, base: VerilogOptions(), fewest: &fewest) == nil)
        #expect(fewest >= 1)
    }
}

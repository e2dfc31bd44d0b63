import FixedPoint
import Foundation
import ModelIR
import NetlistLowering
import Passes
import Reference
import Reports
import TensorIO
import Toolchain
import VerilogBackend

/// Evaluates one point: its settings applied, the model lowered and
/// compiled to Verilog in-process, resources by the netlist estimate (or
/// yosys per op module, cached), latency, and the bit-exact reference's
/// outputs on the validation events against the float model.
public struct PointEvaluator: Sendable {
    public var inputs: SweepInputs
    /// The spec file (for messages naming a setting).
    public var specFile: String
    public var part: FPGAPart
    public var backgroundAcceptance: Double
    /// yosys per op module instead of the estimate.
    public var synthesize = false
    /// Seconds yosys may take for one point.
    public var synthesisBudget = 600.0
    /// Threads of the reference.
    public var threads = Parallel.defaultThreads
    /// The largest op, in ``RTLSize`` terms, compiled.
    public var maxRTLSize = RTLSize.defaultLimit

    public init(inputs: SweepInputs, specFile: String, part: FPGAPart, backgroundAcceptance: Double) {
        self.inputs = inputs
        self.specFile = specFile
        self.part = part
        self.backgroundAcceptance = backgroundAcceptance
    }

    /// The point's figures, or a failed result with the error's message and
    /// exit code (a point never throws: its failure is its row).
    public func evaluate(_ point: PointSettings) async -> PointResult {
        let start = Date()
        do {
            var result = try await figures(point)
            result.seconds = Date().timeIntervalSince(start)
            return result
        } catch {
            let code: Int
            switch error {
            case .tool(.notInstalled): code = 3
            case .tool, .io, .database: code = 4
            case .refused(.io): code = 4
            default: code = 2
            }
            return .failure(error.description, exitCode: code, seconds: Date().timeIntervalSince(start))
        }
    }

    func figures(_ point: PointSettings) async throws(SweepError) -> PointResult {
        let applied = try PointModel(point, graph: inputs.graph, specFile: specFile)
        let lowered: LoweringResult
        do { lowered = try Pipeline.run(applied.graph, options: LoweringOptions(defaultPrecision: PrecisionDefaults.builtIn)) } catch {
            throw .point("\((inputs.graph.name)) at \(point.label): \(error)")
        }
        // Threshold ops in the cheaper of their two proven-equal forms, as
        // every command that reads a model has them (`--threshold-form auto`).
        let model: LoweredModel
        do { model = try ThresholdFormChoice.apply(.auto, to: lowered.model).model } catch {
            throw .point("\(inputs.graph.name) at \(point.label): \(error)")
        }
        if let largest = RTLSize.exceeding(maxRTLSize, in: model).first {
            throw .point("layer '\(largest.op)': its Verilog would be about \(largest.terms) terms, above the limit of \(maxRTLSize)")
        }
        var options = applied.verilog
        if let cycles = applied.latencyCycles {
            var fewest = 0
            let found: LatencyTarget?
            do { found = try LatencyTarget.search(model, cycles: cycles, base: options, fewest: &fewest) } catch { throw Self.emitError(error) }
            guard let found else { throw .point("latency_cycles \(cycles): the model needs at least \(fewest) cycles even at a 100 ns clock") }
            options.stageBudget = found.stageBudget
            options.clockNs = found.clockNs
        }
        let design: VerilogDesign
        do { design = try VerilogEmitter.emit(model, options: options) } catch { throw Self.emitError(error) }

        var resources = NetlistEstimate.estimate(stages: design.modules, costs: design.costs,
                                                 delayRegisterBits: design.delayRegisterBits, part: part)
        var method = "estimate"
        if synthesize {
            let units = design.modules.compactMap { m in
                design.synthesisSource(module: m.module).map { SynthesisUnit(module: m.module, op: m.op, verilog: $0) }
            }
            let synthesis = ModuleSynthesisOptions(family: part.yosysFamily, budgetSeconds: synthesisBudget, parallelism: threads)
            do throws(ToolError) {
                resources = try await ModuleSynthesis.run(units, estimate: resources, options: synthesis).report
            } catch { throw .tool(error) }
            method = resources.modules.allSatisfy { $0.source != .estimate || $0.op == nil } ? "yosys" : "yosys+estimate"
        }

        let fixed = fixedOutputs(model)
        let fidelity = Fidelity(fixed: fixed, float: inputs.floatOutputs, width: inputs.outputWidth, labels: inputs.labels,
                                backgroundAcceptance: backgroundAcceptance)
        var r = PointResult(status: .done)
        r.lut = resources.total.lut
        r.ff = resources.total.ff
        r.dsp = resources.total.dsp
        r.bram = resources.total.bram
        r.resourceMethod = method
        r.latencyCycles = design.latency
        r.clockNs = design.clockNs
        r.latencyNs = Double(design.latency) * design.clockNs
        r.events = inputs.events.rows
        r.maxError = fidelity.maxError
        r.rmsError = fidelity.rmsError
        r.accuracy = fidelity.accuracy
        r.floatAccuracy = fidelity.floatAccuracy
        r.auc = fidelity.auc
        r.floatAUC = fidelity.floatAUC
        r.efficiency = fidelity.efficiency
        r.floatEfficiency = fidelity.floatEfficiency
        r.overflows = lowered.overflows.count
        return r
    }

    /// The reference's real-valued outputs on every event.
    func fixedOutputs(_ model: LoweredModel) -> [Double] {
        let codes = FixedPointEvaluator(model).runRaw(inputs.events, threads: threads)
        let lsb = model.outputTypes.map(\.lsb)
        let width = lsb.count
        return codes.enumerated().map { Double($0.element) * lsb[$0.offset % width] }
    }

    /// An emitter's error: a missing template is the installation's fault.
    static func emitError(_ error: VerilogError) -> SweepError {
        if case .template(let t) = error { return .tool(.notInstalled(tool: "templates", hint: "\(t)")) }
        return .point("\(error)")
    }
}

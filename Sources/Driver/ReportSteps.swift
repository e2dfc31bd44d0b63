import FileSafety
import Foundation
import ModelIR
import Reports
import Simulation
import TensorIO
import VerilogBackend

/// The tools `report` runs to gather its values: the Verilog emitter,
/// Verilator, the C simulation and yosys, each step announced on the
/// progress lines.
struct ReportSteps {
    let verilog: VerilogOptions
    let maxRTLSize: Int
    let console: Console
    let progress = ProgressReporter()

    /// The Verilog design, or nil with a note when it cannot (or, above
    /// `--max-rtl-size`, should not) be emitted. A missing or untrusted
    /// template is an installation problem, not a note.
    func verilogDesign(_ loaded: LoadedModel, notes: inout [String]) throws(DriverError) -> VerilogDesign? {
        do {
            try CompilerDriver.checkRTLSize(loaded.model, file: loaded.path, limit: maxRTLSize)
        } catch {
            notes.append("no Verilog design: \(error)")
            return nil
        }
        do {
            return try VerilogEmitter.emit(loaded.model, options: verilog)
        } catch {
            if case .template = error { throw DriverError(emitting: error) }
            notes.append("no Verilog design: \(error)")
            return nil
        }
    }

    func simulate(_ design: VerilogDesign, _ model: LoweredModel, _ events: EventTable,
                  into simulation: inout SimulationResults) async throws(DriverError) {
        let step = progress.start("Verilator RTL simulation of \(events.rows) events (build, then run)")
        do {
            let result = try await VerilatorSimulation(design: design, model: model).run(events)
            step.finish(success: true)
            simulation.rtlEvents = result.compared.events
            simulation.rtlMismatches = result.compared.mismatchCount
            simulation.firstMismatch = result.compared.mismatches.first?.description
            simulation.latencyCycles = result.measuredLatency
        } catch {
            step.finish(success: false)
            switch error {
            case .tool(let e): throw .tool(e)
            case .installation(let s): throw .installation(s)
            default: throw .io("\(error)")
            }
        }
    }

    func cSimulate(_ model: LoweredModel, _ events: EventTable, into simulation: inout SimulationResults) async throws(DriverError) {
        let step = progress.start("HLS C simulation of \(events.rows) events (g++ build, then run)")
        do {
            let result = try await CSimulation(model: model).run(events)
            step.finish(success: true)
            simulation.csimEvents = result.compared.events
            simulation.csimMismatches = result.compared.mismatchCount
            if simulation.firstMismatch == nil { simulation.firstMismatch = result.compared.mismatches.first?.description }
        } catch {
            step.finish(success: false)
            throw DriverError(error)
        }
    }

    /// The estimate of the design's op modules, from the netlist costs the
    /// emitter counted (nothing is rebuilt).
    static func estimate(_ design: VerilogDesign, part: FPGAPart) -> ResourceReport {
        NetlistEstimate.estimate(stages: design.modules, costs: design.costs, delayRegisterBits: design.delayRegisterBits, part: part)
    }

    /// Yosys counts per op module (in parallel, cached, within `budgetSeconds`);
    /// the estimate where yosys did not finish.
    func synthesize(_ design: VerilogDesign, estimate: ResourceReport, part: FPGAPart,
                    budgetSeconds: Double) async throws(DriverError) -> ResourceReport {
        let units = design.modules.compactMap { m in
            design.synthesisSource(module: m.module).map { SynthesisUnit(module: m.module, op: m.op, verilog: $0) }
        }
        let options = ModuleSynthesisOptions(family: part.yosysFamily, budgetSeconds: budgetSeconds,
                                             progress: ProgressReporter.forTerminal())
        do { return try await ModuleSynthesis.run(units, estimate: estimate, options: options).report } catch { throw .tool(error) }
    }
}

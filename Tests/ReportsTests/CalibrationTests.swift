import Foundation
import ModelFormat
import ModelIR
import ModelZoo
import NetlistIR
import Passes
import Testing
import Toolchain
import VerilogBackend
@testable import Reports

/// The analytic estimate against yosys, module by module.
@Suite struct CalibrationTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func lowered(_ name: String) throws -> LoweredModel {
        if name.hasPrefix("examples/") {
            return try Pipeline.lower(ModelDecoder.load(path: repoRoot.appendingPathComponent("\(name)/model.json").path))
        }
        return try Pipeline.lower(ModelZoo.all.first { $0.name == name }!.make())
    }

    /// A design and its op modules as yosys units; the netlist costs are
    /// the design's own (``VerilogDesign/costs``), built once.
    struct Design {
        var design: VerilogDesign
        var units: [SynthesisUnit]

        /// The estimate of the op modules alone: the top's delay lines are
        /// left out here as they are of the yosys runs.
        var estimate: ResourceReport {
            NetlistEstimate.estimate(stages: design.modules, costs: design.costs, delayRegisterBits: 0, part: FPGAPart.named("xcvu13p"))
        }
    }

    static func design(_ name: String) throws -> Design {
        let design = try VerilogEmitter.emit(try lowered(name), options: VerilogOptions())
        let units = design.modules.map { m in
            SynthesisUnit(module: m.module, op: m.op, verilog: design.synthesisSource(module: m.module)!)
        }
        return Design(design: design, units: units)
    }

    /// The estimate is within 10% of yosys on LUT and FF for the zoo models
    /// yosys maps in seconds: dense layers with rounding, saturation and
    /// ReLU, and a ROM (branchy takes about a minute of CPU, the tagger's and
    /// autoencoder's modules minutes each; their ratios are in docs/reports.md). Per-module results
    /// are cached, so a second run costs no synthesis.
    @Test(.enabled(if: ToolRunner.locate("yosys") != nil, "yosys is not installed (scripts/setup.sh installs it)"),
          arguments: ["one_layer", "sigmoid_model"])
    func estimateIsWithinTenPercentOfYosys(model name: String) async throws {
        let d = try Self.design(name)
        let estimate = d.estimate
        let r = try await ModuleSynthesis.run(d.units, estimate: estimate, options: ModuleSynthesisOptions(family: "xcup", budgetSeconds: 600))
        #expect(r.modules.allSatisfy { $0.counts != nil }, "\(r.report.notes)")
        let e = estimate.total, y = r.report.total
        let lut = Double(e.lut) / Double(y.lut), ff = Double(e.ff) / Double(y.ff)
        print("\(name): estimate/yosys LUT \(e.lut)/\(y.lut) = \(lut), FF \(e.ff)/\(y.ff) = \(ff)")
        #expect(abs(lut - 1) <= 0.10)
        // The FF prices, fitted on the delay-model pipeline (one_layer 88/91,
        // sigmoid_model 128/128: its ROM's registered address becomes the word's flip-flops).
        #expect(abs(ff - 1) <= 0.10)
    }

    /// Data for fitting: HEPML_CALIBRATION=model1,model2 prints one tab-separated
    /// row per module (`CAL`, model, module, kind, source, yosys LUT, FF,
    /// CARRY, DSP, the module's ``NetlistCost`` as JSON) and a `TOTAL` row
    /// per model; `bench/verilog/fit-calibration.py` fits the prices to them.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["HEPML_CALIBRATION"] != nil))
    func printCalibrationData() async throws {
        let names = ProcessInfo.processInfo.environment["HEPML_CALIBRATION"]!.split(separator: ",").map(String.init)
        let family = ProcessInfo.processInfo.environment["HEPML_CALIBRATION_FAMILY"] ?? "xcup"
        // A tiny HEPML_CALIBRATION_BUDGET prints the costs alone (rows "estimate"), to join with earlier yosys rows.
        let budget = ProcessInfo.processInfo.environment["HEPML_CALIBRATION_BUDGET"].flatMap(Double.init) ?? 3600
        for name in names {
            let d = try Self.design(name)
            let empty = ResourceReport(method: "analytic estimate", isEstimate: true, total: ResourceCounts(), modules:
                d.units.map { ModuleResources(module: $0.module, op: $0.op, counts: ResourceCounts()) }, part: nil)
            let r = try await ModuleSynthesis.run(d.units, estimate: empty, options: ModuleSynthesisOptions(family: family, budgetSeconds: budget))
            let e = d.estimate.total
            print("TOTAL\t\(name)\tLUT\t\(e.lut)\t\(r.report.total.lut)\tFF\t\(e.ff)\t\(r.report.total.ff)\tCARRY\t\(e.carry)\t\(r.report.total.carry)")
            for (i, row) in r.report.modules.enumerated() {
                let enc = String(decoding: try JSONEncoder().encode(d.design.costs[i]), as: UTF8.self)
                print("CAL\t\(name)\t\(row.module)\t\(d.design.modules[i].kind)\t\(row.source?.rawValue ?? "-")\t\(row.counts.lut)\t\(row.counts.ff)\t\(row.counts.carry)\t\(row.counts.dsp)\t\(enc)")
            }
        }
    }
}

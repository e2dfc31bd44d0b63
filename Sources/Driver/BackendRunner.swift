import Foundation
import FixedPoint
import HLSBackend
import ModelIR
import TensorIO
import VerilogBackend

/// Calls the HLS and Verilog emitters a compile target asks for and places
/// their files under `hls/` and `rtl/`.
enum BackendRunner {
    /// The backends' files, summary lines, and the descriptor of what they made.
    struct Output {
        var files: [GeneratedFile] = []
        var summary: [String] = []
        var rtl: DesignDescriptor.RTL?
        var hls: DesignDescriptor.HLS?
    }

    static func run(_ model: LoweredModel, options: BackendOptions) throws(DriverError) -> Output {
        var out = Output()
        if options.target == .fpga || options.target == .verilog {
            let design: VerilogDesign
            do {
                design = try VerilogEmitter.emit(model, options: options.verilog)
            } catch {
                throw DriverError(emitting: error)
            }
            out.files += design.files.map { GeneratedFile(path: "rtl/" + $0.path, contents: $0.contents) }
            out.rtl = DesignDescriptor.RTL(topModule: design.topModule, latencyCycles: design.latency, clockNs: design.clockNs,
                                           family: design.family.rawValue, stageBudgetPs: design.stageBudget,
                                           dspMultipliers: options.dspMultipliers, ternaryAdders: options.ternaryAdders.rawValue,
                                           verilogFiles: design.verilogFiles.map { "rtl/" + $0 },
                                           simulationModels: design.simulationModels.isEmpty ? nil : design.simulationModels.map { "rtl/" + $0 },
                                           testbench: "rtl/" + design.testbenchFile,
                                           initiationInterval: design.initiationInterval > 1 ? design.initiationInterval : nil)
            out.summary.append("Verilog: top module \(design.topModule), latency \(design.latency) cycles "
                + "(\(formatNs(Double(design.latency) * options.clockNs)) ns at \(formatNs(options.clockNs)) ns), II=\(design.initiationInterval), "
                + "at most \(design.stageBudgetNs) ns of logic per stage (\(design.family.rawValue) delays)")
        }
        if options.target == .fpga || options.target == .hls {
            do {
                // Without test inputs the emitter ships its own seeded sample.
                let hls = try HLSEmitter.emit(model, options: HLSOptions(reuseFactor: options.reuseFactor, clockNs: options.clockNs),
                                              testInputs: options.testInputs)
                out.files += hls.map { GeneratedFile(path: "hls/" + $0.path, contents: $0.contents) }
                out.hls = DesignDescriptor.HLS(topFunction: HLSEmitter.topFunction(model), reuseFactor: options.reuseFactor,
                                               clockNs: options.clockNs,
                                               firmware: hls.map(\.path).filter { $0.hasPrefix("firmware/") }.sorted().map { "hls/" + $0 })
            } catch {
                throw DriverError(emitting: error)
            }
            out.summary.append("HLS: \(options.reuseFactor <= 1 ? "latency" : "resource") strategy, reuse factor \(options.reuseFactor)")
        }
        return out
    }

    static func formatNs(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(format: "%.2f", v)
    }
}

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
        var rtl: RTLRecord?
        var hls: HLSRecord?
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
            out.files += design.files.map { GeneratedFile(path: DesignDescriptor.rtlFolder + "/" + $0.path, contents: $0.contents) }
            out.rtl = design.record
            out.summary.append("Verilog: top module \(design.topModule), latency \(design.latency) cycles "
                + "(\(formatNs(Double(design.latency) * options.clockNs)) ns at \(formatNs(options.clockNs)) ns), II=\(design.initiationInterval), "
                + "at most \(design.stageBudgetNs) ns of logic per stage (\(design.family.rawValue) delays)")
        }
        if options.target == .fpga || options.target == .hls {
            do {
                // Without test inputs the emitter ships its own seeded sample.
                let hlsOptions = HLSOptions(reuseFactor: options.reuseFactor, clockNs: options.clockNs)
                let hls = try HLSEmitter.emit(model, options: hlsOptions, testInputs: options.testInputs)
                out.files += hls.map { GeneratedFile(path: DesignDescriptor.hlsFolder + "/" + $0.path, contents: $0.contents) }
                out.hls = HLSRecord(model: model, options: hlsOptions, files: hls)
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

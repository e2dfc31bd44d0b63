import Foundation
import FixedPoint
import HLSBackend
import ModelIR
import TensorIO
import VerilogBackend

/// Calls the HLS and Verilog emitters a compile target asks for and places
/// their files under `hls/` and `rtl/`.
enum BackendRunner {
    static func run(_ model: LoweredModel, options: CompileOptions) throws(DriverError) -> (files: [GeneratedFile], summary: [String]) {
        var files: [GeneratedFile] = []
        var summary: [String] = []
        if options.target == .fpga || options.target == .verilog {
            let design: VerilogDesign
            do {
                design = try VerilogEmitter.emit(model, options: VerilogOptions(clockNs: options.clockNs))
            } catch {
                throw .option("\(error)")
            }
            files += design.files.map { GeneratedFile(path: "rtl/" + $0.path, contents: $0.contents) }
            summary.append("Verilog: top module \(design.topModule), latency \(design.latency) cycles "
                + "(\(formatNs(Double(design.latency) * options.clockNs)) ns at \(formatNs(options.clockNs)) ns), II=1, "
                + "\(design.addersPerStage) adder levels per stage")
        }
        if options.target == .fpga || options.target == .hls {
            let inputs = options.testInputs ?? TestVectors.sample(model, count: 100, seed: 1)
            do {
                let hls = try HLSEmitter.emit(model, options: HLSOptions(reuseFactor: options.reuseFactor, clockNs: options.clockNs),
                                              testInputs: inputs)
                files += hls.map { GeneratedFile(path: "hls/" + $0.path, contents: $0.contents) }
            } catch {
                throw .option("\(error)")
            }
            summary.append("HLS: \(options.reuseFactor <= 1 ? "latency" : "resource") strategy, reuse factor \(options.reuseFactor), \(inputs.rows) test vectors")
        }
        return (files, summary)
    }

    static func formatNs(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(format: "%.2f", v)
    }
}

/// Deterministic test events for a model: uniform over each input type's
/// range, a few at the exact extremes.
public enum TestVectors {
    public static func sample(_ model: LoweredModel, count: Int, seed: UInt64) -> EventTable {
        var state = seed
        func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(UInt64(1) << 53)
        }
        var values: [Double] = []
        for row in 0..<count {
            for id in model.inputs {
                let t = model[id].type
                for _ in 0..<model[id].size {
                    switch row {
                    case 0: values.append(t.maxValue)
                    case 1: values.append(t.minValue)
                    default: values.append(t.value(ofRaw: t.quantize(t.minValue + (t.maxValue - t.minValue) * next())))
                    }
                }
            }
        }
        return EventTable(rows: count, columns: model.inputWidth, values: values)
    }
}

import Foundation
import ModelIR
import NetlistLowering
import VerilogBackend

extension CompilerDriver {
    /// Refuses a `--max-rtl-size` below 1.
    public static func checkMaxRTLSize(_ limit: Int) throws(DriverError) {
        try CountLimits.check(limit, "--max-rtl-size", limit: CountLimits.rtlSize)
    }

    /// Refuses a model whose Verilog would be larger than `limit` terms in
    /// one op (``RTLSize``), before any of it is built: naming the file,
    /// the layer, its estimated size, the limit and the option that raises it.
    public static func checkRTLSize(_ model: LoweredModel, file: String, limit: Int) throws(DriverError) {
        guard let largest = RTLSize.exceeding(limit, in: model).first else { return }
        let label = (file as NSString).lastPathComponent
        let layers = largest.sourceLayers.count > 1 ? " (from layers \(largest.sourceLayers.joined(separator: ", ")))" : ""
        throw .option("\(label): layer '\(largest.op)'\(layers): its Verilog would be about \(largest.terms) terms "
            + "(signed digits of the weights, adders, ROM words), above the limit of \(limit) per layer; "
            + "emitting it would take minutes and gigabytes. Prune or narrow the layer, use --target hls, "
            + "or raise the limit with --max-rtl-size \(largest.terms)")
    }

    /// ``checkMaxRTLSize(_:)``, then the loaded model against the limit.
    static func checkRTLSize(_ loaded: LoadedModel, limit: Int) throws(DriverError) {
        try checkMaxRTLSize(limit)
        try checkRTLSize(loaded.model, file: loaded.path, limit: limit)
    }
}

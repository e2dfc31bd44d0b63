import Foundation
import ModelIR
import Passes

extension CompilerDriver {
    /// The values of `--reuse`: `N` (the HLS reuse factor of every layer)
    /// and `layer=N` (a convolution's own, for HLS and Verilog), each
    /// layer at most once.
    public static func parseReuse(_ values: [String]) throws(DriverError) -> (global: Int?, layers: [String: Int]) {
        var global: Int?
        var layers: [String: Int] = [:]
        for value in values {
            let parts = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let number = parts.last!.trimmingCharacters(in: .whitespaces)
            guard let n = Int(number) else {
                throw .option("--reuse \(value): give N or layer=N with N a whole number")
            }
            if parts.count == 1 {
                guard global == nil else { throw .option("--reuse N is given twice") }
                global = n
            } else {
                let layer = parts[0]
                guard !layer.isEmpty else { throw .option("--reuse \(value): the layer name is empty") }
                guard layers[layer] == nil else { throw .option("--reuse: layer '\(layer)' is given twice") }
                layers[layer] = n
            }
        }
        return (global, layers)
    }

    /// `graph` with each named convolution's reuse factor set; a layer the
    /// model lacks, a layer that is not a convolution, or a reuse below 1
    /// is an error naming the layer and `reuse` (exit 2). A reuse above the
    /// layer's output positions is refused when the model is lowered.
    static func applyLayerReuse(_ reuse: [String: Int], to graph: Graph, file: String) throws(DriverError) -> Graph {
        var g = graph
        for (layer, r) in reuse.sorted(by: { $0.key < $1.key }) {
            guard let i = g.nodes.firstIndex(where: { $0.name == layer }) else {
                throw .lowering(file: file, LoweringError(layer: layer, field: "reuse",
                                                          message: "--reuse \(layer)=\(r): the model has no layer '\(layer)'"))
            }
            guard case .conv(var c) = g.nodes[i].op else {
                throw .lowering(file: file, LoweringError(layer: layer, field: "reuse",
                                                          message: "--reuse \(layer)=\(r): only a convolution time-multiplexes its positions; '\(layer)' is \(g.nodes[i].op.kindName)"))
            }
            guard r >= 1 else {
                throw .lowering(file: file, LoweringError(layer: layer, field: "reuse", message: "--reuse \(layer)=\(r): must be at least 1"))
            }
            c.reuse = r
            g.nodes[i].op = .conv(c)
        }
        return g
    }
}

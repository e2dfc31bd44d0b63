import ModelIR

/// Removes dense terms whose quantized weight is exactly zero (they add an
/// exact zero, so the result is unchanged). Weights that quantize to zero
/// count too: pruning happens after quantization, on the lowered IR.
/// A scale op keeps its zero weights: it has exactly one weight per element,
/// and its backends skip a zero product themselves (``ScaleOp/dense``).
public enum PruneZeroWeights {
    public static func run(_ model: LoweredModel) -> (LoweredModel, [String]) {
        var m = model
        var log: [String] = []
        for i in m.ops.indices {
            guard case .dense(var d) = m.ops[i].kind else { continue }
            let before = d.termCount
            d.rows = d.rows.map { $0.filter { $0.weight != 0 } }
            let removed = before - d.termCount
            if removed > 0 {
                log.append("PruneZeroWeights: '\(m.ops[i].name)' \(removed) of \(before) weights are zero")
            }
            m.ops[i].kind = .dense(d)
        }
        return (m, log)
    }
}

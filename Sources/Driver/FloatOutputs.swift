import ModelIR
import TensorIO

/// The float values a graph's outputs have in the QONNX executor (issue 26):
/// the design writes fixed-point values; an output with a float chain
/// (a float scale such as 1/7, a float bias after the last MatMul) is
/// written as the chain computes it from those values. `predict`,
/// `simulate` and `csim` of a model file apply it; `--raw` writes the codes.
struct FloatOutputs: Sendable {
    /// Per output column: its chain and the element it computes.
    let columns: [(chain: OutputChain, element: Int)?]

    /// Nil when no output has a chain (the values are written as they are).
    init?(_ graph: Graph) {
        guard !graph.outputChains.isEmpty else { return nil }
        let sizes = graph.tensorSizes()
        var columns: [(chain: OutputChain, element: Int)?] = []
        for output in graph.outputs {
            let chain = graph.outputChains[output]
            columns += (0..<(sizes[output] ?? 0)).map { i in chain.map { ($0, i) } }
        }
        self.columns = columns
    }

    /// Applies the chains to rows of `width` values (the columns in output order).
    func apply(_ values: inout [Double], width: Int) {
        guard width == columns.count else { return }
        for k in values.indices {
            if let c = columns[k % width] { values[k] = c.chain.value(values[k], element: c.element) }
        }
    }

    func apply(_ table: EventTable) -> EventTable {
        var values = table.values
        apply(&values, width: table.columns)
        return EventTable(rows: table.rows, columns: table.columns, values: values)
    }
}

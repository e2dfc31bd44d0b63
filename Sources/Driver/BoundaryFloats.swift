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
        mapColumns(columns, &values, width: width) { c, v in c.chain.value(v, element: c.element) }
    }

    func apply(_ table: EventTable) -> EventTable { mapColumns(table, apply(_:width:)) }
}

/// The float events of a graph with input quantizers, as codes (issue 26):
/// each input read by a float-scale or bipolar `Quant` is quantized as the
/// QONNX executor does; other inputs pass as they are (the design converts
/// them to their fixed-point type). `--input-codes` skips this.
struct FloatInputs: Sendable {
    let columns: [(quantizer: InputQuantizer, element: Int)?]

    /// Nil when no input has a quantizer.
    init?(_ graph: Graph) {
        guard !graph.inputQuantizers.isEmpty else { return nil }
        columns = graph.inputs.flatMap { input in
            (0..<input.size).map { i in graph.inputQuantizers[input.name].map { ($0, i) } }
        }
    }

    /// Quantizes rows of `width` values in place (the columns in input order).
    func apply(_ values: inout [Double], width: Int) {
        mapColumns(columns, &values, width: width) { c, v in c.quantizer.code(v, element: c.element) }
    }

    func apply(_ table: EventTable) -> EventTable { mapColumns(table, apply(_:width:)) }
}

/// Rows of `width` values, each value whose column has an entry replaced
/// by `map(entry, value)`; rows of another width are left as they are.
private func mapColumns<Entry>(_ columns: [Entry?], _ values: inout [Double], width: Int, _ map: (Entry, Double) -> Double) {
    guard width == columns.count else { return }
    for k in values.indices {
        if let entry = columns[k % width] { values[k] = map(entry, values[k]) }
    }
}

/// A table through an in-place row map.
private func mapColumns(_ table: EventTable, _ apply: (inout [Double], Int) -> Void) -> EventTable {
    var values = table.values
    apply(&values, table.columns)
    return EventTable(rows: table.rows, columns: table.columns, values: values)
}

/// An event reader whose blocks are quantized by ``FloatInputs`` (the
/// events `report` streams through the reference after its head).
final class QuantizingReader: EventReader {
    let base: any EventReader
    let inputs: FloatInputs
    var file: String { base.file }
    var columns: Int { base.columns }
    var totalRows: Int? { base.totalRows }

    init(_ base: any EventReader, _ inputs: FloatInputs) {
        self.base = base
        self.inputs = inputs
    }

    func next() throws(TensorIOError) -> EventTable? { try base.next().map { inputs.apply($0) } }
}

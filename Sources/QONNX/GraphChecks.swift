/// Whole-file checks of the importer: names defined once, and the memory
/// that constants may take (docs/hardening.md, Limits).
extension GraphImporter {
    /// Counts `n` more elements of constants held in memory, refusing the
    /// file once all of them (decoded initializers, `Constant` nodes and
    /// every constant computed at import) pass ``ONNXLimits/maxConstantElements``:
    /// a chain of folded constants cannot add up to gigabytes.
    mutating func charge(_ n: Int, at place: String) throws(QONNXError) {
        let (total, overflow) = constantElements.addingReportingOverflow(n)
        guard !overflow, total <= ONNXLimits.maxConstantElements else {
            throw QONNXError(file: file, node: place, message: "the constants read or computed at import would hold more than \(ONNXLimits.maxConstantElements) elements in all")
        }
        constantElements = total
    }

    /// Like `onnx.checker`: each tensor name is defined once (by one
    /// initializer, one graph input, or one node output), and graph inputs
    /// and outputs are listed once. Otherwise which definition a reader
    /// sees would depend on the reader.
    mutating func checkNamesAreUnique() throws(QONNXError) {
        let g = model.graph
        var defined = Set<String>()
        for t in g.initializer {
            guard !t.name.isEmpty else { throw QONNXError(file: file, node: "initializer", message: "an initializer has no name") }
            guard defined.insert(t.name).inserted else {
                throw QONNXError(file: file, node: "initializer '\(t.name.prefix(200))'", message: "is defined twice; ONNX names each tensor once (onnx.checker refuses this file)")
            }
        }
        initializerNames = defined
        var inputNames = Set<String>()
        for input in g.input {
            guard !input.name.isEmpty else { throw QONNXError(file: file, node: "graph input", message: "a graph input has no name") }
            guard inputNames.insert(input.name).inserted else {
                throw QONNXError(file: file, node: "graph input '\(input.name.prefix(200))'", message: "is listed twice")
            }
            // An input may name an initializer (its default value).
            defined.insert(input.name)
        }
        for node in g.node {
            for out in node.output where !out.isEmpty {
                guard defined.insert(out).inserted else {
                    throw error(node, nil, "writes '\(out.prefix(200))', which is already defined by an initializer, a graph input or another node output (ONNX graphs assign each tensor once)")
                }
            }
        }
        var outputNames = Set<String>()
        for output in g.output {
            guard outputNames.insert(output.name).inserted else {
                throw QONNXError(file: file, node: "graph output '\(output.name.prefix(200))'", message: "is listed twice")
            }
        }
    }
}

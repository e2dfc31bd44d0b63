import FixedPoint
import Foundation
import ModelIR
import Passes

/// The walk over one ONNX graph, in node order, building graph IR nodes.
struct GraphImporter {
    let model: Onnx_ModelProto
    let file: String
    let options: ImportOptions
    let modelName: String
    /// The default-domain opset version (Squeeze, Softmax and Reshape changed over versions).
    let opset: Int
    /// FLOAT or DOUBLE: the element type the QONNX executor computes in.
    var elementIsDouble = false

    var values: [String: ImportedValue] = [:]
    var nodes: [Node] = []
    var nodeIndex: [String: Int] = [:]
    var usedNames: Set<String> = []
    /// The next suffix to try for each base name (see ``uniqueName(_:fallback:)``).
    var nextSuffix: [String: Int] = [:]
    /// Graph nodes whose result type is still the exact one (or a table's
    /// default), so a following `Quant` may become their result type.
    var absorbable: Set<String> = []
    /// How many node inputs and graph outputs read each ONNX tensor.
    var readers: [String: Int] = [:]
    /// The indices of the nodes reading each ONNX tensor, in order, each once.
    var nodesReading: [String: [Int]] = [:]
    /// Every initializer's name (decoded or not).
    var initializerNames: Set<String> = []
    /// The type of each model input, by graph IR name.
    var inputTypes: [String: FixedType] = [:]
    /// Elements of the constants decoded or computed so far (see ``charge(_:at:)``).
    var constantElements = 0
    var graphOutputs: Set<String> = []
    var inputs: [GraphInput] = []
    /// Inputs read as the codes of a float-scale or bipolar Quant (InputQuantizers.swift).
    var inputQuantizers: [String: InputQuantizer] = [:]
    /// Threshold layers after float32 sums of unfixed order (FloatSums.swift).
    var floatSumNotes: [FloatSumNote] = []
    /// The graph IR shape of every tensor emitted so far (inputs and nodes).
    var irShapes: [String: [Int]] = [:]
    /// Views already emitted (see ``view(_:axes:source:)``), by tensor and axes.
    var views: [String: String] = [:]

    init(model: Onnx_ModelProto, file: String, fallbackName: String, options: ImportOptions) throws(QONNXError) {
        self.model = model
        self.file = file
        self.options = options
        let g = model.graph
        self.modelName = Self.identifier(g.name.isEmpty ? fallbackName : g.name, fallback: "model")
        let defaultDomain = model.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }
        self.opset = Int(defaultDomain?.version ?? 13)
        guard g.node.count <= ONNXLimits.maxNodes else {
            throw QONNXError(file: file, message: "the graph has \(g.node.count) nodes; at most \(ONNXLimits.maxNodes) are read")
        }
    }

    func error(_ node: Onnx_NodeProto?, _ field: String? = nil, _ message: String) -> QONNXError {
        QONNXError(file: file, node: node.map(Self.label), field: field, message: message)
    }

    static func label(_ node: Onnx_NodeProto) -> String {
        let name = node.name.isEmpty ? (node.output.first ?? "?") : node.name
        return "'\(name.prefix(200))' (\(node.opType.prefix(100)))"
    }

    mutating func run() throws(QONNXError) -> Graph {
        let g = model.graph
        try checkNamesAreUnique()
        for (i, node) in g.node.enumerated() {
            for input in node.input where !input.isEmpty {
                readers[input, default: 0] += 1
                if nodesReading[input]?.last != i { nodesReading[input, default: []].append(i) }
            }
        }
        for output in g.output {
            readers[output.name, default: 0] += 1
            graphOutputs.insert(output.name)
        }
        // Only initializers that something reads are decoded: an unused one
        // costs nothing, whatever its size (its bytes stay in the protobuf).
        for t in g.initializer where readers[t.name] != nil {
            let name = t.name
            let label = "initializer '\(name.prefix(200))'"
            // Charged before decoding; a shape that overflows is the decoder's error.
            if let n = Shape.elements(t.dims.map { Int(clamping: $0) }) {
                try charge(n, at: label)
            }
            let c = try ConstantTensor(t) { QONNXError(file: file, node: label, message: $0) }
            values[name] = .constant(c)
        }
        try importInputs()
        for node in g.node { try importNode(node) }
        return try finish()
    }

    // MARK: Inputs

    mutating func importInputs() throws(QONNXError) {
        for input in model.graph.input where !initializerNames.contains(input.name) {
            let where_ = "graph input '\(input.name.prefix(200))'"
            func fail(_ message: String) -> QONNXError { QONNXError(file: file, node: where_, message: message) }
            guard case .tensorType = input.type.value else {
                throw fail("has no tensor type; inputs must be FLOAT or DOUBLE tensors of a fixed shape")
            }
            let tensorType = input.type.tensorType
            switch tensorType.elemType {
            case ONNXDataType.float.rawValue: break
            case ONNXDataType.double.rawValue: elementIsDouble = true
            default: throw fail("has element type \(ONNXDataType.name(of: tensorType.elemType)); FLOAT or DOUBLE inputs are read")
            }
            guard tensorType.hasShape else { throw fail("has no shape; the importer needs fixed input shapes (dynamic shapes are not supported)") }
            let shapeDims = tensorType.shape.dim
            guard !shapeDims.isEmpty, shapeDims.count <= ONNXLimits.maxRank else {
                throw fail("has rank \(shapeDims.count); inputs are vectors, e.g. [batch, 16]")
            }
            var dims: [Int] = []
            var batchAxis: Int? = nil
            for (i, d) in shapeDims.enumerated() {
                switch d.value {
                case .dimValue(let v) where v >= 1 && v <= 1_000_000:
                    dims.append(Int(v))
                case .dimParam where i == 0 && shapeDims.count > 1, nil where i == 0 && shapeDims.count > 1:
                    dims.append(1)  // the batch dimension: one event at a time
                    batchAxis = 0
                case .dimValue(let v):
                    throw fail("dimension \(i) is \(v); dimensions must be from 1 to 1000000")
                case .dimParam(let p):
                    throw fail("dimension \(i) is the symbol '\(p.prefix(100))': dynamic shapes are not supported (only the leading batch dimension may be symbolic)")
                case nil:
                    throw fail("dimension \(i) is unknown: dynamic shapes are not supported (only the leading batch dimension may be)")
                }
            }
            guard let size = Shape.elements(dims), size <= 1_000_000 else {
                throw fail("has shape \(dims): more than 1000000 elements; at most 1000000 are supported")
            }
            let name = uniqueName(input.name, fallback: "input")
            let floatScaled = try floatInput(input.name, dims: dims)
            let type: (FixedType, [String]?)
            if let floatScaled { type = (floatScaled.type, [floatScaled.node.output.first ?? ""]) } else {
                type = try inputType(of: input.name, label: where_)
            }
            let shape = dims.count > 1 && dims[0] == 1 ? Array(dims.dropFirst()) : dims
            inputs.append(GraphInput(name: name, shape: shape, type: type.0))
            irShapes[name] = shape
            inputTypes[name] = type.0
            var d = DynamicTensor(tensor: name, dims: dims, type: type.0, pending: nil, soleUse: soleUse(input.name), batchAxis: batchAxis)
            if let floatScaled {
                d = quantizedInput(d, floatScaled.quantizer, node: floatScaled.node)
                inputQuantizers[name] = floatScaled.quantizer
            }
            values[input.name] = .dynamic(d)
            if let quant = type.1 { passThroughQuants.formUnion(quant) }
        }
        guard !inputs.isEmpty else { throw QONNXError(file: file, message: "the graph has no inputs (every input is an initializer)") }
    }

    /// Names of `Quant` nodes that quantize a model input: the input takes
    /// their type at the boundary and they become no-ops.
    var passThroughQuants: Set<String> = []

    /// The type of a model input: that of the `Quant` nodes reading it, else `--input-type`.
    func inputType(of tensor: String, label: String) throws(QONNXError) -> (type: FixedType, quantNode: [String]?) {
        let readersOfInput = (nodesReading[tensor] ?? []).map { model.graph.node[$0] }
        let quants = readersOfInput.filter { isQuant($0) && $0.input.first == tensor }
        if options.inputType == nil, !quants.isEmpty, quants.count == readersOfInput.count, !graphOutputs.contains(tensor) {
            var types: [FixedType] = []
            for q in quants {
                guard let t = try dynamicQuantType(q, pending: nil)?.type else {
                    throw error(q, nil, "quantizes the model input with a scale that is not a power of two; the input type must be an ap_fixed type")
                }
                types.append(t)
            }
            if types.allSatisfy({ $0 == types[0] }) {
                return (types[0], quants.map { $0.output.first ?? "" })
            }
        }
        guard let given = options.inputType else {
            throw QONNXError(file: file, node: label, message: "is not quantized by a Quant node (its readers: \(readersOfInput.map(Self.label).prefix(3).joined(separator: ", "))); give its fixed-point type with --input-type, e.g. --input-type 'ap_fixed<16,6,AP_RND_CONV,AP_SAT>'")
        }
        return (given, nil)
    }

    func isQuant(_ node: Onnx_NodeProto) -> Bool {
        (node.opType == "Quant" || node.opType == "IntQuant") && QONNXImporter.quantDomains.contains(node.domain)
    }

    func soleUse(_ tensor: String) -> Bool { readers[tensor, default: 0] == 1 && !graphOutputs.contains(tensor) }

    // MARK: Outputs

    mutating func finish() throws(QONNXError) -> Graph {
        var outputs: [String] = []
        var outputChains: [String: OutputChain] = [:]
        for output in model.graph.output {
            let where_ = "graph output '\(output.name.prefix(200))'"
            guard let value = values[output.name] else {
                throw QONNXError(file: file, node: where_, message: "no node computes it")
            }
            guard case .dynamic(var d) = value else {
                throw QONNXError(file: file, node: where_, message: "is a constant: it does not depend on the model inputs")
            }
            if d.chain != nil {
                // The design outputs the accumulator; predict/simulate/csim write the executor's floats (FloatChain.swift).
                let chain = try outputChain(&d, where_)
                let tensor = try ownOutput(d, taken: outputs.contains(d.tensor) || inputTypes[d.tensor] != nil, where_)
                outputChains[tensor] = chain
                outputs.append(tensor)
                continue
            }
            d = try materialize(d, reader: where_)
            // The design's outputs are the ONNX outputs in their own (ONNX) order.
            d = try inONNXOrder(d, source: Onnx_NodeProto.with { $0.name = output.name; $0.opType = "output" })
            outputs.append(try ownOutput(d, taken: outputChains[d.tensor] != nil, where_))
        }
        guard !outputs.isEmpty else { throw QONNXError(file: file, message: "the graph has no outputs") }
        guard !nodes.isEmpty else {
            throw QONNXError(file: file, message: "the graph computes nothing from its inputs (no layer remains after import)")
        }
        // Some operators become several layers (BipolarQuant three): the
        // result must still be a model that model.json can hold.
        guard nodes.count <= ONNXLimits.maxNodes else {
            throw QONNXError(file: file, message: "the import makes \(nodes.count) layers; a model has at most \(ONNXLimits.maxNodes) (docs/hardening.md)")
        }
        // A dense result read only by a ReLU/LeakyReLU/linear is left to the
        // lowering, which keeps it exact and fuses the two (one rounding).
        var readersOf: [String: [Int]] = [:]
        for (j, node) in nodes.enumerated() {
            for input in Set(node.inputs) { readersOf[input, default: []].append(j) }
        }
        let outputSet = Set(outputs)
        for (i, node) in nodes.enumerated() where absorbable.contains(node.name) {
            guard case .dense = node.op, !outputSet.contains(node.name) else { continue }
            let readers = (readersOf[node.name] ?? []).map { nodes[$0] }
            guard readers.count == 1, readers[0].inputs.count == 1, case .activation(let a) = readers[0].op else { continue }
            switch a {
            case .relu, .leakyReLU, .linear: nodes[i].precision.result = nil
            default: break
            }
        }
        var graph = Graph(name: modelName, inputs: inputs, nodes: nodes, outputs: outputs,
                          defaults: PrecisionDefaults(precision: PrecisionDefaults.builtIn))
        graph.outputChains = outputChains
        graph.floatSumNotes = floatSumNotes
        graph.inputQuantizers = inputQuantizers
        return graph
    }

    // MARK: Emitting graph nodes

    /// A graph IR name for an ONNX name: an identifier of at most 64 characters, unique.
    mutating func uniqueName(_ raw: String, fallback: String) -> String {
        var base = Self.identifier(raw, fallback: fallback)
        if base.count > 56 { base = String(base.prefix(56)) }
        var name = base
        // Resume from the last suffix given to this base, so that 10^5
        // nodes of one name cost linear time, not quadratic.
        var k = nextSuffix[base] ?? 1
        while usedNames.contains(name) { name = "\(base)_\(k)"; k += 1 }
        nextSuffix[base] = k
        usedNames.insert(name)
        return name
    }

    static func identifier(_ raw: String, fallback: String) -> String {
        var s = String(raw.unicodeScalars.prefix(64).map { c -> Character in
            let ok = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_"
            return ok ? Character(c) : "_"
        })
        while s.hasPrefix("_") && s.count > 1 && s.dropFirst().hasPrefix("_") { s.removeFirst() }
        if s.isEmpty || s.allSatisfy({ $0 == "_" }) { s = fallback }
        if let f = s.unicodeScalars.first, f >= "0" && f <= "9" { s = "t_" + s }
        return String(s.prefix(64))
    }

    /// Appends a graph node and returns its output tensor name.
    /// The node's shape rule (TensorShapes.swift) runs here, so that a shape
    /// the graph IR cannot hold is an error naming the ONNX node, not a
    /// failure of a later pass.
    mutating func emit(_ hint: String, _ op: Op, inputs: [String], precision: LayerPrecision,
                       absorbable isAbsorbable: Bool, source: Onnx_NodeProto) throws(QONNXError) -> String {
        let name = uniqueName(hint, fallback: source.opType.lowercased())
        let node = Node(name: name, op: op, inputs: inputs, precision: precision,
                        sourceLayers: [source.name.isEmpty ? name : String(source.name.prefix(200))])
        let shape: [Int]
        do {
            shape = try node.outputShape(inputShapes: inputs.map { irShapes[$0] ?? [] })
        } catch {
            throw self.error(source, error.field, "\(error.message) (as the graph IR's \(op.kindName) on \(inputs.map { Shapes.text(irShapes[$0] ?? []) }.joined(separator: ", ")))")
        }
        // docs/hardening.md: a computed tensor has at most 10^6 elements (a wide convolution could make more).
        guard let n = Shapes.count(shape), n <= 1_000_000 else {
            throw self.error(source, nil, "the result of shape \(Shapes.text(shape)) has more than 1000000 elements")
        }
        irShapes[name] = shape
        nodeIndex[name] = nodes.count
        nodes.append(node)
        if isAbsorbable { absorbable.insert(name) }
        return name
    }

    /// A hint for a node's graph IR name: the ONNX node name, else its output.
    func hint(_ node: Onnx_NodeProto, suffix: String = "") -> String {
        let base = node.name.isEmpty ? (node.output.first ?? node.opType) : node.name
        return base + suffix
    }

    /// The type holding `range`, or an error naming the node.
    func exactType(_ range: ValueRange, _ node: Onnx_NodeProto, _ what: String) throws(QONNXError) -> FixedType {
        guard let t = ExactTypes.type(holding: range) else {
            throw error(node, nil, "the exact \(what) needs more than 64 bits (\(range.fractionBits) fractional bits); quantize it with a Quant node")
        }
        return t
    }

    func exactType(_ values: [Double], _ node: Onnx_NodeProto, _ what: String) throws(QONNXError) -> FixedType {
        guard let t = ExactTypes.type(holding: values) else {
            throw error(node, nil, "the \(what) values need more than 64 bits to be held exactly; quantize them with a Quant node")
        }
        return t
    }

    /// Makes a pending factor real: each must be a power of two, folded as
    /// an exact per-element scaling (or into the producing dense layer).
    mutating func materialize(_ d: DynamicTensor, reader: String, source: Onnx_NodeProto? = nil) throws(QONNXError) -> DynamicTensor {
        guard let pending = d.pending else { return d }
        if pending.allSatisfy({ $0 == 1 }) { var e = d; e.pending = nil; return e }
        // A scale that is not a power of two is applied exactly (a wider
        // type), or refused when no 64-bit type holds the scaled values.
        if let bad = pending.firstIndex(where: { $0 == 0 }) ?? (ExactTypes.type(holding: pending) == nil ? 0 : nil) {
            let where_ = source.map(Self.label) ?? reader
            throw QONNXError(file: file, node: where_, message: "reads '\(d.tensor)', which carries the scale \(pending[bad]) (element \(bad)) of an earlier Quant or Mul node; it cannot be applied exactly in fixed point")
        }
        var e = d
        e.pending = nil
        let node = source ?? Onnx_NodeProto.with { $0.name = d.tensor + "_scale"; $0.opType = "Mul" }
        return try emitAffine(e, scale: pending, shift: Array(repeating: 0, count: d.count), node: node, hint: d.tensor + "_scale")
    }
}

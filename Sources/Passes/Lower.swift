import FixedPoint
import ModelIR

/// Lowers the float graph to the integer IR: resolves every type (given,
/// defaulted or inferred by ``PrecisionInference`` from value ranges that
/// start at the declared input types), quantizes weights and biases with their
/// types' Q and O modes (recording every parameter that overflows its type,
/// see ``ParameterOverflow``), and builds the activation tables.
///
/// A batchnorm (one that ``FoldBatchNorm`` left) and a dense layer whose
/// weight matrix is diagonal become a per-element ``ScaleOp``; every other
/// dense layer a ``DenseOp``.
///
/// Precondition: a decoded graph (names unique, inputs defined earlier,
/// shapes consistent). Postcondition: a model that passes ``Verify``, with one
/// op per graph node (zero weights still present, nothing fused).
public struct Lower {
    let graph: Graph
    let base: FixedType

    var tensors: [TensorInfo] = []
    var ids: [String: TensorID] = [:]
    /// Per-element value ranges of every tensor, for inference.
    var ranges: [[ValueRange]] = []
    var ops: [LoweredOp] = []
    /// Parameter tensors with values that did not fit their type, in op order.
    var overflows: [ParameterOverflow] = []
    /// The ops of the nodes reading each tensor, and the model outputs:
    /// built once, so that lowering is linear in the node count.
    let readerOps: [String: [Op]]
    let outputNames: Set<String>

    init(graph: Graph, base: FixedType) {
        self.graph = graph
        self.base = base
        var readers: [String: [Op]] = [:]
        for node in graph.nodes {
            for input in Set(node.inputs) { readers[input, default: []].append(node.op) }
        }
        readerOps = readers
        outputNames = Set(graph.outputs)
    }

    public static func run(_ graph: Graph, options: LoweringOptions = LoweringOptions()) throws(LoweringError) -> LoweredModel {
        try runReportingOverflows(graph, options: options).model
    }

    /// The lowered model and the parameters that overflowed their types.
    public static func runReportingOverflows(_ graph: Graph, options: LoweringOptions = LoweringOptions())
        throws(LoweringError) -> (model: LoweredModel, overflows: [ParameterOverflow]) {
        var lower = Lower(graph: graph, base: graph.defaults.precision ?? options.defaultPrecision ?? PrecisionDefaults.builtIn)
        let model = try lower.lower()
        return (model, lower.overflows)
    }

    mutating func lower() throws(LoweringError) -> LoweredModel {
        var inputIDs: [TensorID] = []
        for input in graph.inputs {
            let type = input.type ?? graph.defaults.input ?? base
            inputIDs.append(addTensor(input.name, size: input.size, type: type,
                                      ranges: Array(repeating: ValueRange(of: type), count: input.size)))
        }
        for node in graph.nodes { try lowerNode(node) }
        var outputs: [TensorID] = []
        for name in graph.outputs {
            guard let id = ids[name] else { throw LoweringError(field: "outputs", message: "'\(name)' is not a tensor of the model") }
            outputs.append(id)
        }
        return LoweredModel(name: graph.name, tensors: tensors, inputs: inputIDs, outputs: outputs, ops: ops)
    }

    mutating func addTensor(_ name: String, size: Int, type: FixedType, ranges elementRanges: [ValueRange]) -> TensorID {
        let id = TensorID(tensors.count)
        tensors.append(TensorInfo(name: name, size: size, type: type))
        ids[name] = id
        ranges.append(elementRanges)
        return id
    }

    func inputID(_ name: String, of node: Node) throws(LoweringError) -> TensorID {
        guard let id = ids[name] else {
            throw LoweringError(layer: node.name, field: "input", message: "'\(name)' is not defined before this layer")
        }
        return id
    }

    /// The declared result type, else the model default result type, else nil (infer).
    func declaredResult(_ node: Node) -> FixedType? { node.precision.result ?? graph.defaults.result }

    /// The result type for `range`: declared, else inferred with the default fractional bits.
    func resultType(_ node: Node, range: ValueRange) throws(LoweringError) -> FixedType {
        if let declared = declaredResult(node) { return declared }
        return try PrecisionInference.holding(range, fractionBits: base.fractionBits, modes: base,
                                              layer: node.name, field: "precision.result")
    }

    mutating func emit(_ node: Node, _ kind: LoweredKind, inputs: [TensorID], size: Int, type: FixedType,
                       ranges elementRanges: [ValueRange]) {
        let out = addTensor(node.name, size: size, type: type, ranges: elementRanges.map { $0.quantized(to: type) })
        ops.append(LoweredOp(name: node.name, sourceLayers: node.sourceLayers, kind: kind, inputs: inputs, output: out))
    }

    mutating func lowerNode(_ node: Node) throws(LoweringError) {
        var inputs: [TensorID] = []
        for name in node.inputs { inputs.append(try inputID(name, of: node)) }
        let x = inputs[0]
        let xType = tensors[x.index].type
        let xRanges = ranges[x.index]

        switch node.op {
        case .dense(let dense):
            let rows = dense.weights.map { row in row.enumerated().map { ($0.offset, $0.element) } }
            try lowerLinear(node, input: x, rows: rows, bias: dense.bias, names: ("weights", "bias"),
                            perElement: Self.isDiagonal(dense))
        case .batchNorm(let bn):
            let (scale, shift) = bn.scaleAndShift
            try lowerLinear(node, input: x, rows: scale.enumerated().map { [($0.offset, $0.element)] }, bias: shift,
                            names: ("scale", "shift"), perElement: true)
        case .activation(let activation):
            try lowerActivation(node, activation, input: x, type: xType, ranges: xRanges)
        case .add, .subtract, .multiply:
            let y = inputs[1]
            let kind: LoweredKind
            var out: [ValueRange] = []
            for (a, b) in zip(xRanges, ranges[y.index]) {
                switch node.op {
                case .add: out.append(a + b)
                case .subtract: out.append(a - b)
                default: out.append(a * b)
                }
            }
            switch node.op {
            case .add: kind = .add
            case .subtract: kind = .subtract
            default: kind = .multiply
            }
            let type = try resultType(node, range: out.reduce(out[0]) { $0.union($1) })
            emit(node, kind, inputs: inputs, size: out.count, type: type, ranges: out)
        case .concatenate:
            let types = inputs.map { tensors[$0.index].type }
            let type: FixedType
            if let declared = declaredResult(node) { type = declared } else { type = try PrecisionInference.join(types, layer: node.name) }
            emit(node, .concatenate, inputs: inputs, size: inputs.reduce(0) { $0 + tensors[$1.index].size },
                 type: type, ranges: inputs.flatMap { ranges[$0.index] })
        case .sum:
            let total = xRanges.dropFirst().reduce(xRanges[0], +)
            emit(node, .sum, inputs: inputs, size: 1, type: try resultType(node, range: total), ranges: [total])
        case .forest(let forest):
            try lowerForest(node, forest, input: x)
        case .linear(let l):
            try lowerSparse(node, l, input: x)
        case .maximum(let groups):
            let out = groups.map { g in ValueRange.maximum(of: g.map { xRanges[$0] }) }
            emit(node, .maximum(MaximumOp(groups: groups)), inputs: inputs, size: groups.count,
                 type: declaredResult(node) ?? xType, ranges: out)
        case .gather(let indices):
            emit(node, .gather(GatherOp(indices: indices)), inputs: inputs, size: indices.count,
                 type: declaredResult(node) ?? xType, ranges: indices.map { xRanges[$0] })
        case .threshold(let t):
            try lowerThreshold(node, t, input: x)
        case .conv, .pool, .reduce, .reshape, .transpose:
            throw LoweringError(layer: node.name, message: "internal error: \(node.op.kindName) reached Lower (ExpandTensorOps rewrites it)")
        }
    }

    /// A linear map with shared parameters: each parameter is quantized
    /// (and its overflow counted) once, then placed in every row that uses it.
    mutating func lowerSparse(_ node: Node, _ l: SparseLinear, input x: TensorID) throws(LoweringError) {
        let weightType = node.precision.weight ?? graph.defaults.weight ?? base
        let biasType = node.precision.bias ?? graph.defaults.bias ?? base
        var weightQuantizer = ParameterQuantizer(node, tensor: "weights", type: weightType)
        var biasQuantizer = ParameterQuantizer(node, tensor: "bias", type: biasType)
        let weights = l.weights.map { weightQuantizer.quantize($0) }
        let bias = l.bias.map { biasQuantizer.quantize($0) }
        overflows += [weightQuantizer.overflow, biasQuantizer.overflow].compactMap { $0 }
        let rows = l.rows.map { row in row.map { WeightTerm(input: $0.input, weight: weights[$0.parameter]) } }
        let multiplex = l.multiplex.map { m in
            TimeMultiplex(reuse: m.reuse, windows: m.windows,
                          kernel: m.kernel.map { $0.map { WeightTerm(input: $0.input, weight: weights[$0.parameter]) } })
        }
        try accumulate(node, input: x, rows: rows, bias: l.biasIndex.map { bias[$0] }, weightType: weightType,
                       biasType: biasType, perElement: false, multiplex: multiplex)
    }

    /// A square weight matrix whose off-diagonal weights are all exactly zero:
    /// output `j` reads only input `j`, which a scale op states.
    static func isDiagonal(_ d: Dense) -> Bool {
        guard d.units == d.inputCount else { return false }
        for (j, row) in d.weights.enumerated() {
            for (k, w) in row.enumerated() where k != j && w != 0 { return false }
        }
        return true
    }

    /// Dense and unfolded batchnorm: `rows[j]` lists `(input index, float weight)`;
    /// `names` are the parameter tensors' names for ``ParameterOverflow``.
    /// `perElement`: output `j` reads only input `j` (every other weight is
    /// zero), so the op is a ``ScaleOp`` rather than a ``DenseOp``.
    mutating func lowerLinear(_ node: Node, input x: TensorID, rows: [[(Int, Double)]], bias: [Double],
                              names: (weights: String, bias: String), perElement: Bool) throws(LoweringError) {
        let weightType = node.precision.weight ?? graph.defaults.weight ?? base
        let biasType = node.precision.bias ?? graph.defaults.bias ?? base
        var weightQuantizer = ParameterQuantizer(node, tensor: names.weights, type: weightType)
        var biasQuantizer = ParameterQuantizer(node, tensor: names.bias, type: biasType)
        let quantizedRows = rows.map { row in row.map { WeightTerm(input: $0.0, weight: weightQuantizer.quantize($0.1)) } }
        let quantizedBias = bias.map { biasQuantizer.quantize($0) }
        overflows += [weightQuantizer.overflow, biasQuantizer.overflow].compactMap { $0 }
        try accumulate(node, input: x, rows: quantizedRows, bias: quantizedBias, weightType: weightType,
                       biasType: biasType, perElement: perElement)
    }

    /// The accumulator and result types of a dense or scale op over quantized
    /// rows and bias (declared, or inferred from the input ranges), and the op.
    mutating func accumulate(_ node: Node, input x: TensorID, rows quantizedRows: [[WeightTerm]], bias quantizedBias: [Int64],
                             weightType: FixedType, biasType: FixedType, perElement: Bool,
                             multiplex: TimeMultiplex? = nil) throws(LoweringError) {
        let xType = tensors[x.index].type
        let xRanges = ranges[x.index]

        let accumulatorType: FixedType
        var sumRanges: [ValueRange] = []
        if let declared = node.precision.accumulator ?? graph.defaults.accumulator {
            accumulatorType = declared
            for (j, row) in quantizedRows.enumerated() {
                var r = ValueRange(lo: 0, hi: 0, fractionBits: declared.fractionBits)
                    + ValueRange(lo: Int128(quantizedBias[j]), hi: Int128(quantizedBias[j]), fractionBits: biasType.fractionBits).quantized(to: declared)
                for term in row {
                    r = r + xRanges[term.input].scaled(by: term.weight, fractionBits: weightType.fractionBits).quantized(to: declared)
                }
                // A sum that leaves the accumulator's range wraps: anything is possible.
                let full = ValueRange(of: declared)
                sumRanges.append(r.lo < full.lo || r.hi > full.hi ? full : r)
            }
        } else {
            let fraction = max(weightType.fractionBits + xType.fractionBits, biasType.fractionBits)
            for (j, row) in quantizedRows.enumerated() {
                var r = ValueRange(lo: Int128(quantizedBias[j]), hi: Int128(quantizedBias[j]), fractionBits: biasType.fractionBits).aligned(to: fraction)
                for term in row where term.weight != 0 {
                    r = r + xRanges[term.input].scaled(by: term.weight, fractionBits: weightType.fractionBits).aligned(to: fraction)
                }
                sumRanges.append(r)
            }
            let all = sumRanges.reduce(sumRanges[0]) { $0.union($1) }
            accumulatorType = try PrecisionInference.exactAccumulator(sumRange: all, layer: node.name)
        }
        let union = sumRanges.reduce(sumRanges[0]) { $0.union($1) }
        let resultType: FixedType
        if let declared = declaredResult(node) {
            resultType = declared
        } else if PrecisionInference.keepsExactType(readers: readerOps[node.name] ?? [],
                                                    isModelOutput: outputNames.contains(node.name)) {
            resultType = accumulatorType
        } else {
            resultType = try self.resultType(node, range: union)
        }
        let kind: LoweredKind
        if perElement {
            let weights = quantizedRows.enumerated().map { j, row in row.first { $0.input == j }?.weight ?? 0 }
            kind = .scale(ScaleOp(weightType: weightType, biasType: biasType, accumulatorType: accumulatorType,
                                  weights: weights, bias: quantizedBias))
        } else {
            kind = .dense(DenseOp(weightType: weightType, biasType: biasType, accumulatorType: accumulatorType,
                                  rows: quantizedRows, bias: quantizedBias, multiplex: multiplex))
        }
        emit(node, kind, inputs: [x], size: quantizedRows.count, type: resultType,
             ranges: sumRanges.map { $0.quantized(to: accumulatorType) })
    }

    mutating func lowerActivation(_ node: Node, _ activation: Activation, input x: TensorID, type xType: FixedType,
                                  ranges xRanges: [ValueRange]) throws(LoweringError) {
        let width = base.width
        switch activation {
        case .linear, .relu:
            let out = activation == .relu ? xRanges.map(\.relu) : xRanges
            let type = try resultType(node, range: out.reduce(out[0]) { $0.union($1) })
            emit(node, .activation(activation == .relu ? .relu : .linear), inputs: [x], size: xRanges.count, type: type, ranges: out)
        case .leakyReLU(let alpha):
            let alphaType = node.precision.alpha ?? PrecisionInference.alphaType
            var alphaQuantizer = ParameterQuantizer(node, tensor: "alpha", type: alphaType)
            let alphaRaw = alphaQuantizer.quantize(alpha)
            if let overflow = alphaQuantizer.overflow { overflows.append(overflow) }
            let out = xRanges.map { r -> ValueRange in
                let negative = ValueRange(lo: min(r.lo, 0), hi: min(r.hi, 0), fractionBits: r.fractionBits)
                return r.relu.union(negative.scaled(by: alphaRaw, fractionBits: alphaType.fractionBits))
            }
            let type = try resultType(node, range: out.reduce(out[0]) { $0.union($1) })
            emit(node, .activation(.leakyReLU(alpha: alphaRaw, alphaType: alphaType)), inputs: [x],
                 size: xRanges.count, type: type, ranges: out)
        case .sigmoid(let settings), .tanh(let settings):
            let isSigmoid: Bool = { if case .sigmoid = activation { return true } else { return false } }()
            let type = declaredResult(node) ?? (isSigmoid ? PrecisionInference.sigmoidResult(width: width)
                                                          : PrecisionInference.tanhResult(width: width))
            let table = TableBuilder.table(isSigmoid ? .sigmoid : .tanh, settings: settings, output: type)
            let lo = table.values.min()!, hi = table.values.max()!
            let r = ValueRange(lo: Int128(lo), hi: Int128(hi), fractionBits: type.fractionBits)
            emit(node, .table(table), inputs: [x], size: xRanges.count, type: type,
                 ranges: Array(repeating: r, count: xRanges.count))
        case .softmax(let settings):
            let type = declaredResult(node) ?? PrecisionInference.unitIntervalType(width: width)
            let expType = node.precision.exp ?? PrecisionInference.unitIntervalType(width: width + 2)
            let inverseType = node.precision.inverse ?? PrecisionInference.unitIntervalType(width: width + 2)
            let op: SoftmaxOp
            do {
                op = try TableBuilder.softmax(settings, count: xRanges.count, expType: expType, inverseType: inverseType)
            } catch {
                throw LoweringError(layer: node.name, field: error.field, message: error.message)
            }
            let r = ValueRange(lo: 0, hi: Int128(type.maxRaw), fractionBits: type.fractionBits)
            emit(node, .softmax(op), inputs: [x], size: xRanges.count, type: type,
                 ranges: Array(repeating: r, count: xRanges.count))
        }
    }
}

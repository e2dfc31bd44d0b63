import FixedPoint
import Foundation
import ModelIR
import Passes
import SwiftProtobuf

/// The lowered IR written as QONNX (docs/import-export.md, "Export"): a
/// DOUBLE ONNX graph in which every tensor type is a `Quant` node
/// (`qonnx.custom_op.general`), so that the QONNX executor computes what
/// the Swift reference computes.
///
/// Every quantity is a multiple of a power of two with few significant
/// bits, so double arithmetic (53 bits) adds and multiplies it exactly and
/// the executor's only roundings are the `Quant` nodes'. What QONNX cannot
/// express — an overflow that wraps, an accumulator that wraps or rounds
/// its products — is a ``QONNXError`` naming the layer and the type.
public enum QONNXExporter {
    /// The default-domain opset: 16 is the first whose LeakyRelu
    /// onnxruntime runs on DOUBLE tensors.
    public static let opset: Int64 = 16

    /// Serialized ONNX ModelProto bytes for `model`; `file` labels messages.
    public static func export(_ model: LoweredModel, file: String = "model.json") throws(QONNXError) -> Data {
        let proto = try modelProto(model, file: file)
        do { return try proto.serializedBytes() } catch {
            throw QONNXError(file: file, message: "cannot serialize the ONNX model: \(error)")
        }
    }

    /// The ONNX ModelProto for `model`.
    public static func modelProto(_ model: LoweredModel, file: String = "model.json") throws(QONNXError) -> Onnx_ModelProto {
        var builder = ExportBuilder(model: model, file: file)
        try builder.run()
        var proto = Onnx_ModelProto()
        proto.irVersion = 8
        proto.producerName = "hepml-compile"
        var standard = Onnx_OperatorSetIdProto()
        standard.domain = ""
        standard.version = opset
        var qonnx = Onnx_OperatorSetIdProto()
        qonnx.domain = quantDomain
        qonnx.version = 1
        proto.opsetImport = [standard, qonnx]
        proto.graph = builder.graph
        return proto
    }

    static let quantDomain = "qonnx.custom_op.general"
}

/// Builds the ONNX graph op by op, tracking the value range of every
/// tensor (the range its type allows) to decide what needs rounding and
/// what can overflow.
struct ExportBuilder {
    let model: LoweredModel
    let file: String
    var graph = Onnx_GraphProto()
    /// The ONNX value holding each lowered tensor.
    var values: [TensorID: String] = [:]
    var usedNames: Set<String> = []

    init(model: LoweredModel, file: String) {
        self.model = model
        self.file = file
        graph.name = model.name
    }

    mutating func run() throws(QONNXError) {
        for id in model.inputs { try exportInput(id) }
        for op in model.ops { try exportOp(op) }
        for id in model.outputs {
            graph.output.append(valueInfo(values[id]!, size: model[id].size))
        }
    }

    // MARK: Ops

    /// Per-element value ranges of every exported tensor, as the lowering
    /// infers them: an input may take any value of its type, and each op's
    /// exact result range is then assigned to its type.
    var ranges: [TensorID: [ValueRange]] = [:]

    mutating func exportInput(_ id: TensorID) throws(QONNXError) {
        let t = model[id]
        let raw = unique(t.name)
        graph.input.append(valueInfo(raw, size: t.size))
        values[id] = try quant(raw, to: t.type, ranges: nil, output: unique(t.name + "_q"), layer: "input '\(t.name)'")
        ranges[id] = Array(repeating: ValueRange(of: t.type), count: t.size)
    }

    mutating func exportOp(_ op: LoweredOp) throws(QONNXError) {
        let out = model[op.output]
        let x = values[op.inputs[0]]!
        let xr = ranges[op.inputs[0]]!
        let layer = "layer '\(op.sourceLayers.joined(separator: "+"))'"
        var v: String
        var r: [ValueRange]
        var rounding = false
        switch op.kind {
        case .dense(let d):
            (v, r) = try exportDense(op, d, layer: layer)
        case .scale(let s):
            // As its diagonal weight matrix: a MatMul weight carries its own
            // Quant type, and QONNX readers take it as a layer, while Mul by
            // a constant is read as a scale factor on the tensor's type.
            (v, r) = try exportDense(op, s.dense, layer: layer)
        case .activation(let a):
            (v, r) = try pointwise(a, x, ranges: xr, prefix: op.name, layer: layer)
        case .table(let t):
            v = node(t.function == .sigmoid ? "Sigmoid" : "Tanh", [x], prefix: op.name + "_" + t.function.rawValue)
            r = Array(repeating: ValueRange(lo: t.function == .sigmoid ? 0 : -1, hi: 1, fractionBits: 0), count: out.size)
            rounding = true
        case .softmax:
            v = node("Softmax", [x], prefix: op.name + "_softmax", attributes: [intAttribute("axis", -1)])
            r = Array(repeating: ValueRange(lo: 0, hi: 1, fractionBits: 0), count: out.size)
            rounding = true
        case .add, .subtract, .multiply:
            let y = values[op.inputs[1]]!, yr = ranges[op.inputs[1]]!
            let name = op.kind == .add ? "Add" : (op.kind == .subtract ? "Sub" : "Mul")
            v = node(name, [x, y], prefix: op.name + "_" + name.lowercased())
            r = zip(xr, yr).map { op.kind == .add ? $0 + $1 : (op.kind == .subtract ? $0 - $1 : $0 * $1) }
        case .concatenate:
            // Every input already has the output's type (InsertQuantize).
            values[op.output] = node("Concat", op.inputs.map { values[$0]! }, prefix: out.name, attributes: [intAttribute("axis", 1)])
            ranges[op.output] = op.inputs.flatMap { ranges[$0]! }
            return
        case .sum:
            let axes = constant(op.name + "_axes", int64: [1])
            v = node("ReduceSum", [x, axes], prefix: op.name + "_sum", attributes: [intAttribute("keepdims", 1)])
            r = [xr.dropFirst().reduce(xr[0], +)]
        case .quantize:
            (v, r) = (x, xr)
        case .forest:
            throw QONNXError(file: file, node: layer, message: "a forest has no QONNX form (ONNX-ML tree ensembles are not exported)")
        case .gather(let g):
            let indices = constant(op.name + "_indices", int64: g.indices.map(Int64.init))
            v = node("Gather", [x, indices], prefix: op.name + "_gather", attributes: [intAttribute("axis", 1)])
            r = g.indices.map { xr[$0] }
        case .threshold:
            throw QONNXError(file: file, node: layer, message: "a threshold op is not exported to QONNX (a MultiThreshold export is not implemented)")
        case .maximum(let m):
            // Groups padded to one size with their first member (max(a, a) = a):
            // Gather [batch, groups, size], then ReduceMax over the last axis.
            let indices = constant(op.name + "_members", int64: m.paddedMembers.map(Int64.init), dims: [m.groups.count, m.groupSize])
            let gathered = node("Gather", [x, indices], prefix: op.name + "_window", attributes: [intAttribute("axis", 1)])
            var axes = Onnx_AttributeProto()
            axes.name = "axes"
            axes.type = .ints
            axes.ints = [2]
            v = node("ReduceMax", [gathered], prefix: op.name + "_max", attributes: [axes, intAttribute("keepdims", 0)])
            r = m.groups.map { g in ValueRange.maximum(of: g.map { xr[$0] }) }
        }
        values[op.output] = try quant(v, to: out.type, ranges: r, forceRounding: rounding, output: unique(out.name), layer: layer)
        ranges[op.output] = r.map { $0.quantized(to: out.type) }
    }

    /// `x · W + b` in exact double arithmetic, when the accumulator neither
    /// rounds a product nor wraps; then the optional pre-activation type and
    /// the activation. Returns the value before the result type, and its ranges.
    mutating func exportDense(_ op: LoweredOp, _ d: DenseOp, layer: String) throws(QONNXError) -> (String, [ValueRange]) {
        let inputType = model[op.inputs[0]].type
        let a = d.accumulatorType
        let productBits = inputType.fractionBits + d.weightType.fractionBits
        guard a.fractionBits >= productBits, a.fractionBits >= d.biasType.fractionBits else {
            throw QONNXError(file: file, node: layer, field: "precision.accumulator",
                             message: "the accumulator \(a) has \(a.fractionBits) fractional bits, fewer than the products' \(productBits) or the bias's \(d.biasType.fractionBits), so it rounds each term; QONNX MatMul cannot express that")
        }
        // Each output's exact sum, as the lowering bounds it.
        let xr = ranges[op.inputs[0]]!
        var sums: [ValueRange] = []
        for (j, row) in d.rows.enumerated() {
            var r = ValueRange(lo: Int128(d.bias[j]), hi: Int128(d.bias[j]), fractionBits: d.biasType.fractionBits).aligned(to: a.fractionBits)
            for t in row { r = r + xr[t.input].scaled(by: t.weight, fractionBits: d.weightType.fractionBits).aligned(to: a.fractionBits) }
            guard ExportTypes.fits(r, in: a) else {
                throw QONNXError(file: file, node: layer, field: "precision.accumulator",
                                 message: "the accumulator \(a) wraps: output \(j) sums to values in [\(r.loValue.doubleValue), \(r.hiValue.doubleValue)]; QONNX cannot express wrapping; declare a wider accumulator")
            }
            sums.append(r)
        }
        let k = model[op.inputs[0]].size, units = d.rows.count
        var w = [Double](repeating: 0, count: k * units)
        for (j, row) in d.rows.enumerated() {
            for t in row { w[t.input * units + j] = Double(t.weight) * ExportTypes.pow2(-d.weightType.fractionBits) }
        }
        let weights = try parameter(op.name + "_W", w, dims: [k, units], type: d.weightType, layer: layer, field: "precision.weight")
        let b = d.bias.map { Double($0) * ExportTypes.pow2(-d.biasType.fractionBits) }
        let bias = try parameter(op.name + "_b", b, dims: [units], type: d.biasType, layer: layer, field: "precision.bias")
        let product = node("MatMul", [values[op.inputs[0]]!, weights], prefix: op.name + "_matmul")
        var v = node("Add", [product, bias], prefix: op.name + "_acc")
        var r = sums
        if let pre = d.preActivationType {
            v = try quant(v, to: pre, ranges: r, output: unique(op.name + "_pre"), layer: layer)
            r = r.map { $0.quantized(to: pre) }
        }
        return try pointwise(d.activation, v, ranges: r, prefix: op.name, layer: layer)
    }

    /// ReLU, LeakyReLU (slope exact in float) or nothing, and the result ranges.
    mutating func pointwise(_ a: PointwiseActivation, _ x: String, ranges r: [ValueRange], prefix: String,
                            layer: String) throws(QONNXError) -> (String, [ValueRange]) {
        switch a {
        case .linear:
            return (x, r)
        case .relu:
            return (node("Relu", [x], prefix: prefix + "_relu"), r.map(\.relu))
        case .leakyReLU(let alpha, let alphaType):
            let slope = Double(alpha) * ExportTypes.pow2(-alphaType.fractionBits)
            guard Double(Float(slope)) == slope else {
                throw QONNXError(file: file, node: layer, field: "precision.alpha",
                                 message: "the slope \(slope) (\(alphaType)) is not exact in the float attribute alpha of LeakyRelu")
            }
            let v = node("LeakyRelu", [x], prefix: prefix + "_leaky_relu", attributes: [floatAttribute("alpha", Float(slope))])
            return (v, r.map { e in
                ValueRange(lo: min(e.lo, 0), hi: min(e.hi, 0), fractionBits: e.fractionBits)
                    .scaled(by: alpha, fractionBits: alphaType.fractionBits).union(e.relu)
            })
        }
    }

    // MARK: Quant nodes

    /// `Q_type(value)` as an optional exact offset and a `Quant` node
    /// writing `output`. `forceRounding`: the value is a float function's
    /// result (sigmoid, tanh, softmax), with every fractional bit.
    mutating func quant(_ value: String, to type: FixedType, ranges: [ValueRange]?, forceRounding: Bool = false,
                        output: String, layer: String, field: String = "precision.result") throws(QONNXError) -> String {
        var spelling: QuantSpelling
        switch ExportTypes.spelling(of: type, ranges: ranges) {
        case .success(let s): spelling = s
        case .failure(let refusal):
            throw QONNXError(file: file, node: layer, field: field, message: "cannot write \(type) as QONNX: \(refusal.reason)")
        }
        if forceRounding {
            let mode = QONNXRounding.qonnxMode(type.quantization)
            spelling.roundingMode = mode.name
            spelling.offset = mode.offset * spelling.scale
        }
        var input = value
        if spelling.offset != 0 {
            let c = constant(output + "_half_lsb", double: [spelling.offset], dims: [])
            input = node("Add", [value, c], prefix: output + "_half_lsb_add")
        }
        let scale = constant(output + "_scale", double: [spelling.scale], dims: [])
        let zero = constant(output + "_zeropt", double: [0], dims: [])
        let bits = constant(output + "_bitwidth", double: [Double(spelling.bitWidth)], dims: [])
        // The executor returns every Quant result in float32 (exact for codes
        // of at most 24 bits); a Cast back to DOUBLE keeps the sums after it exact.
        guard spelling.bitWidth <= 24 else {
            throw QONNXError(file: file, node: layer, field: field,
                             message: "cannot write \(type) as QONNX: the QONNX executor returns Quant results in float32, which holds codes of at most 24 bits")
        }
        let quantized = unique(output + "_quant")
        var n = Onnx_NodeProto()
        n.name = quantized
        n.opType = "Quant"
        n.domain = QONNXExporter.quantDomain
        n.input = [input, scale, zero, bits]
        n.output = [quantized]
        n.attribute = [intAttribute("signed", spelling.signed ? 1 : 0), intAttribute("narrow", spelling.narrow ? 1 : 0),
                       stringAttribute("rounding_mode", spelling.roundingMode)]
        graph.node.append(n)
        var cast = Onnx_NodeProto()
        cast.name = output
        cast.opType = "Cast"
        cast.input = [quantized]
        cast.output = [output]
        cast.attribute = [intAttribute("to", Int64(Onnx_TensorProto.DataType.double.rawValue))]
        graph.node.append(cast)
        return output
    }

    /// Quantized parameters: the exact values as an initializer read by a
    /// `Quant` node of their type (an identity on them that records the
    /// type), or the bare initializer where no `Quant` spells the type.
    mutating func parameter(_ name: String, _ values: [Double], dims: [Int], type: FixedType,
                            layer: String, field: String) throws(QONNXError) -> String {
        let c = constant(name, double: values, dims: dims)
        let grid = [ValueRange(of: type)]
        guard case .success = ExportTypes.spelling(of: type, ranges: grid) else { return c }
        return try quant(c, to: type, ranges: grid, output: unique(name + "_q"), layer: layer, field: field)
    }

    // MARK: Protobuf helpers

    /// A fresh value name based on `base`.
    mutating func unique(_ base: String) -> String {
        var name = base, k = 1
        while usedNames.contains(name) { k += 1; name = "\(base)_\(k)" }
        usedNames.insert(name)
        return name
    }

    mutating func node(_ opType: String, _ inputs: [String], prefix: String, attributes: [Onnx_AttributeProto] = []) -> String {
        let output = unique(prefix)
        var n = Onnx_NodeProto()
        n.name = output
        n.opType = opType
        n.input = inputs
        n.output = [output]
        n.attribute = attributes
        graph.node.append(n)
        return output
    }

    mutating func constant(_ base: String, double values: [Double], dims: [Int]) -> String {
        var t = Onnx_TensorProto()
        t.name = unique(base)
        t.dataType = Int32(Onnx_TensorProto.DataType.double.rawValue)
        t.dims = dims.map(Int64.init)
        t.doubleData = values
        graph.initializer.append(t)
        return t.name
    }

    mutating func constant(_ base: String, int64 values: [Int64], dims: [Int]? = nil) -> String {
        var t = Onnx_TensorProto()
        t.name = unique(base)
        t.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        t.dims = (dims ?? [values.count]).map(Int64.init)
        t.int64Data = values
        graph.initializer.append(t)
        return t.name
    }

    /// A DOUBLE `[batch, size]` graph input or output.
    func valueInfo(_ name: String, size: Int) -> Onnx_ValueInfoProto {
        var batch = Onnx_TensorShapeProto.Dimension()
        batch.dimParam = "batch"
        var features = Onnx_TensorShapeProto.Dimension()
        features.dimValue = Int64(size)
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(Onnx_TensorProto.DataType.double.rawValue)
        tensor.shape.dim = [batch, features]
        var v = Onnx_ValueInfoProto()
        v.name = name
        v.type.tensorType = tensor
        return v
    }

    func intAttribute(_ name: String, _ value: Int64) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = value
        return a
    }

    func floatAttribute(_ name: String, _ value: Float) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .float
        a.f = value
        return a
    }

    func stringAttribute(_ name: String, _ value: String) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .string
        a.s = Data(value.utf8)
        return a
    }
}

import Foundation
import FixedPoint
import InputFiles
import ModelIR

/// Strict decoding of model.json v1 (docs/model-format.md) into the graph IR.
/// Every defect is a ``ModelFormatError`` naming the file, layer and field.
public enum ModelDecoder {
    /// Model files larger than this are refused before parsing.
    public static let maxFileBytes = 512 * 1024 * 1024
    /// Layers of one model: every pass is linear or n log n in the layer
    /// count, and a trigger model has tens of layers (docs/hardening.md).
    public static let maxLayers = 100_000

    /// Reads and decodes a model file. A path that is not a regular file (a
    /// folder, a FIFO, a device) is refused from `stat`, unopened, and so is
    /// a file over ``maxFileBytes`` (symbolic links are followed for both).
    public static func load(path: String) throws(ModelFormatError) -> Graph {
        let label = (path as NSString).lastPathComponent
        let data: Data
        do {
            data = try InputFile.read(path, maxBytes: maxFileBytes)
        } catch {
            if case .tooLarge(let size, let limit) = error {
                throw ModelFormatError(file: label, message: "file is \(size) bytes; the limit is \(limit)")
            }
            throw ModelFormatError(file: path, message: "cannot read the model file: \(error)")
        }
        return try decode(data, file: label)
    }

    /// Decodes model.json text; `file` labels the messages.
    public static func decode(_ data: Data, file: String = "model.json") throws(ModelFormatError) -> Graph {
        let root: JSONValue
        do {
            root = try JSONValue.parse(data)
        } catch {
            throw ModelFormatError(file: file, message: "not valid JSON: \(Self.describe(error))")
        }
        let top = try FieldReader(file: file, layer: nil, value: root)
        try top.onlyKeys(["format", "version", "name", "inputs", "layers", "outputs", "defaults", "output_chains", "input_quantizers"])
        if let format = try top.optionalString("format"), format != "hepml-model" {
            throw top.error("format", "expected \"hepml-model\", got \"\(format)\"")
        }
        let version = try top.integer("version", atLeast: 1)
        guard version == 1 else { throw top.error("version", "unsupported version \(version); this compiler reads version 1") }
        let name = try top.string("name")
        guard isIdentifier(name) else {
            throw top.error("name", "'\(name)' must be an identifier ([A-Za-z_][A-Za-z0-9_]*): it names the HLS and Verilog top")
        }
        let defaults = try decodeDefaults(top)

        var shapes: [String: [Int]] = [:]
        var inputs: [GraphInput] = []
        let inputItems = try top.array("inputs")
        guard !inputItems.isEmpty else { throw top.error("inputs", "a model needs at least one input") }
        for (i, item) in inputItems.enumerated() {
            let r = try FieldReader(file: file, layer: nil, path: "inputs[\(i)]", value: item)
            try r.onlyKeys(["name", "shape", "type"])
            let inputName = try r.string("name")
            guard isIdentifier(inputName) else { throw r.error("name", "'\(inputName)' must be an identifier") }
            guard shapes[inputName] == nil else { throw r.error("name", "duplicate input name '\(inputName)'") }
            let shapeValues = try r.vector("shape", count: nil)
            guard !shapeValues.isEmpty else { throw r.error("shape", "must have at least one dimension") }
            var shape: [Int] = []
            for (d, v) in shapeValues.enumerated() {
                guard v == v.rounded(), v >= 1, v <= 1_000_000 else {
                    throw r.error("shape[\(d)]", "dimension must be an integer from 1 to 1000000, got \(v)")
                }
                shape.append(Int(v))
            }
            let input = GraphInput(name: inputName, shape: shape, type: try r.optionalFixedType("type"))
            guard input.size <= 1_000_000 else { throw r.error("shape", "\(input.size) elements is more than the supported 1000000") }
            shapes[inputName] = shape
            inputs.append(input)
        }

        var nodes: [Node] = []
        let layerItems = try top.array("layers")
        guard !layerItems.isEmpty else { throw top.error("layers", "a model needs at least one layer") }
        guard layerItems.count <= maxLayers else {
            throw top.error("layers", "\(layerItems.count) layers is more than the supported \(maxLayers)")
        }
        var previous = inputs.count == 1 ? inputs[0].name : nil
        for (i, item) in layerItems.enumerated() {
            let node = try LayerDecoder(file: file, index: i, value: item, shapes: shapes, previous: previous).decode()
            guard shapes[node.name] == nil else {
                throw ModelFormatError(file: file, layer: node.name, field: "name",
                                       message: "duplicate name: '\(node.name)' is already an input or an earlier layer")
            }
            let shape: [Int]
            do { shape = try node.outputShape(inputShapes: node.inputs.map { shapes[$0]! }) } catch {
                throw ModelFormatError(file: file, layer: node.name, field: error.field, message: error.message)
            }
            guard let size = Shapes.count(shape), size >= 1, size <= 1_000_000 else {
                throw ModelFormatError(file: file, layer: node.name, field: nil,
                                       message: "the output shape \(Shapes.text(shape)) is empty or holds more than the supported 1000000 elements")
            }
            shapes[node.name] = shape
            nodes.append(node)
            previous = node.name
        }

        var outputs = [nodes.last!.name]
        if top.has("outputs") {
            outputs = try top.stringArray("outputs")
            guard !outputs.isEmpty else { throw top.error("outputs", "must name at least one tensor") }
            for (i, o) in outputs.enumerated() where shapes[o] == nil {
                throw top.error("outputs[\(i)]", "'\(o)' is not an input or layer of this model")
            }
        }
        var graph = Graph(name: name, inputs: inputs, nodes: nodes, outputs: outputs, defaults: defaults)
        if top.has("output_chains") { graph.outputChains = try decodeOutputChains(top, file: file, shapes: shapes, outputs: outputs) }
        if top.has("input_quantizers") { graph.inputQuantizers = try decodeInputQuantizers(top, file: file, inputs: inputs) }
        return graph
    }

    /// `input_quantizers`: per input, the executor's Quant of its float events (ModelEncoder.inputQuantizer).
    static func decodeInputQuantizers(_ top: FieldReader, file: String, inputs: [GraphInput]) throws(ModelFormatError) -> [String: InputQuantizer] {
        var quantizers: [String: InputQuantizer] = [:]
        for (i, item) in try top.array("input_quantizers").enumerated() {
            let r = try FieldReader(file: file, layer: nil, path: "input_quantizers[\(i)]", value: item)
            try r.onlyKeys(["input", "scale", "bits", "signed", "narrow", "rounding", "bipolar", "double"])
            let name = try r.string("input")
            guard let input = inputs.first(where: { $0.name == name }), quantizers[name] == nil else {
                throw r.error("input", "'\(name)' is not an input of this model, or has two quantizers")
            }
            func flag(_ key: String) throws(ModelFormatError) -> Bool {
                guard case .bool(let b) = try r.require(key) else { throw r.error(key, "must be true or false") }
                return b
            }
            let scale = try r.vector("scale", count: input.size)
            guard scale.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw r.error("scale", "scales must be positive and finite") }
            let bits = try r.integer("bits", atLeast: 1)
            guard bits <= 32 else { throw r.error("bits", "at most 32 bits, got \(bits)") }
            let rounding = try r.string("rounding")
            guard QONNXRounding.known.contains(rounding) else {
                throw r.error("rounding", "unknown rounding '\(rounding)'; expected one of \(QONNXRounding.known.joined(separator: ", "))")
            }
            let q = InputQuantizer(scale: scale, bitWidth: bits, signed: try flag("signed"), narrow: try flag("narrow"),
                                   rounding: rounding, bipolar: try flag("bipolar"), double: try flag("double"))
            if !q.double, let bad = scale.first(where: { Double(Float($0)) != $0 }) {
                throw r.error("scale", "\(bad) is not a float32 value (double is false)")
            }
            // The design reads the codes: the input's type must hold every one exactly.
            let (lo, hi) = q.bipolar ? (-1.0, 1.0) : quantIntegerRange(signed: q.signed, narrow: q.narrow, bitWidth: q.bitWidth)
            guard let t = input.type, t.fractionBits >= 0, Double(t.minRaw) * t.lsb <= lo, Double(t.maxRaw) * t.lsb >= hi else {
                throw r.error("input", "input '\(name)' needs a type holding the codes \(Int(lo))...\(Int(hi)) (e.g. ap_int<\(q.bipolar ? 2 : bits)>)")
            }
            quantizers[name] = q
        }
        return quantizers
    }

    /// `output_chains`: per output, the executor's float operations on its values (ModelEncoder.outputChain).
    static func decodeOutputChains(_ top: FieldReader, file: String, shapes: [String: [Int]],
                                   outputs: [String]) throws(ModelFormatError) -> [String: OutputChain] {
        var chains: [String: OutputChain] = [:]
        for (i, item) in try top.array("output_chains").enumerated() {
            let r = try FieldReader(file: file, layer: nil, path: "output_chains[\(i)]", value: item)
            try r.onlyKeys(["output", "double", "steps"])
            let output = try r.string("output")
            guard outputs.contains(output), chains[output] == nil, let size = shapes[output].flatMap(Shapes.count) else {
                throw r.error("output", "'\(output)' is not an output of this model, or has two chains")
            }
            let double: Bool
            switch try r.require("double") {
            case .bool(let b): double = b
            default: throw r.error("double", "must be true or false")
            }
            var chain = FloatChain()
            for (k, stepItem) in try r.array("steps").enumerated() {
                let s = try FieldReader(file: file, layer: nil, path: "output_chains[\(i)].steps[\(k)]", value: stepItem)
                try s.onlyKeys(["op", "values"])
                let op = try s.string("op")
                let values = op == "relu" ? [] : try s.vector("values", count: size)
                guard let step = FloatChain.Step(name: op, values: values) else {
                    throw s.error("op", "unknown operation '\(op)'; expected add, subtract_from, multiply, divide, relu, maximum or minimum")
                }
                chain.steps.append(step)
            }
            if let (k, element, v) = chain.badConstant() {
                throw r.error("steps[\(k)]", "value \(v) at element \(element) is not finite (or divides by 0)")
            }
            if !double, let bad = chain.steps.compactMap(\.values).joined().first(where: { Double(Float($0)) != $0 }) {
                throw r.error("steps", "\(bad) is not a float32 value (double is false)")
            }
            chains[output] = OutputChain(chain: chain, double: double)
        }
        return chains
    }

    static func decodeDefaults(_ top: FieldReader) throws(ModelFormatError) -> PrecisionDefaults {
        guard top.has("defaults") else { return PrecisionDefaults() }
        let r = try top.object("defaults")
        try r.onlyKeys(["precision", "weight", "bias", "result", "accumulator", "input"])
        let accumulator = try r.optionalFixedType("accumulator")
        if let accumulator { try checkAccumulator(accumulator, reader: r, key: "accumulator") }
        return PrecisionDefaults(precision: try r.optionalFixedType("precision"),
                                 weight: try r.optionalFixedType("weight"),
                                 bias: try r.optionalFixedType("bias"),
                                 result: try r.optionalFixedType("result"),
                                 accumulator: accumulator,
                                 input: try r.optionalFixedType("input"))
    }

    /// Accumulators must wrap so that the order of additions cannot change a sum.
    static func checkAccumulator(_ type: FixedType, reader: FieldReader, key: String) throws(ModelFormatError) {
        guard type.overflow == .wrap, type.saturationBits == 0 else {
            throw reader.error(key, "an accumulator must use AP_WRAP with N=0 (got \(type)): with saturation the sum would depend on the order of the additions")
        }
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`, at most 64 characters: names become C and Verilog identifiers.
    public static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, s.unicodeScalars.count <= 64 else { return false }
        func letter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" }
        return letter(first) && s.unicodeScalars.allSatisfy { letter($0) || ($0 >= "0" && $0 <= "9") }
    }

    static func describe(_ error: Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        }
        return String(describing: error)
    }
}

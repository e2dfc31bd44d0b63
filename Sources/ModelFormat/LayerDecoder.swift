import FixedPoint
import ModelIR

/// Decodes one entry of `layers`.
struct LayerDecoder {
    static let activationNames: Set<String> = ["relu", "leaky_relu", "sigmoid", "tanh", "softmax", "linear"]
    static let layerTypes: Set<String> = Set<String>(["dense", "batchnorm", "activation", "add", "subtract", "multiply",
                                          "concatenate", "sum", "forest"]).union(activationNames).union(tensorLayerTypes)
    static let common: Set<String> = ["name", "type", "input", "inputs", "precision"]

    let file: String
    let index: Int
    let value: JSONValue
    /// Shapes of the tensors defined so far.
    let shapes: [String: [Int]]
    /// The tensor a layer without `input` reads.
    let previous: String?

    func decode() throws(ModelFormatError) -> Node {
        let anonymous = try FieldReader(file: file, layer: "layers[\(index)]", value: value)
        let name = try anonymous.string("name")
        guard ModelDecoder.isIdentifier(name) else {
            throw anonymous.error("name", "'\(name)' must be an identifier ([A-Za-z_][A-Za-z0-9_]*, at most 64 characters)")
        }
        let r = try FieldReader(file: file, layer: name, value: value)
        let type = try r.string("type")
        guard Self.layerTypes.contains(type) else {
            throw r.error("type", "unknown layer type '\(type)'; supported: " + Self.layerTypes.sorted().joined(separator: ", "))
        }
        let inputs = try decodeInputs(r)
        let inputShapes = inputs.map { self.shapes[$0]! }
        let sizes = inputShapes.map { Shapes.count($0) ?? 0 }

        func arity(_ n: Int) throws(ModelFormatError) {
            guard inputs.count == n else {
                throw r.error(r.has("inputs") ? "inputs" : "input", "a \(type) layer takes \(n) input\(n == 1 ? "" : "s"), got \(inputs.count)")
            }
        }

        let op: Op
        var allowed = Self.common
        switch type {
        case "dense":
            try arity(1)
            allowed.formUnion(["units", "weights", "bias"])
            let units = try r.integer("units", atLeast: 1)
            guard units <= 100_000 else { throw r.error("units", "\(units) units is more than the supported 100000") }
            // Over the last axis (the same weights at every leading position), or a
            // whole tensor of rank > 1 read flat when the rows match its size.
            let last = inputShapes[0].last ?? sizes[0]
            let n = (try r.array("weights")).count == sizes[0] ? sizes[0] : last
            let kernel = try r.matrix("weights", rows: n, columns: units)
            let bias = r.has("bias") ? try r.vector("bias", count: units) : Array(repeating: 0, count: units)
            // model.json stores the kernel as [input][unit] (Keras layout); the IR keeps a row per unit.
            var rows = Array(repeating: [Double](repeating: 0, count: n), count: units)
            for k in 0..<n { for j in 0..<units { rows[j][k] = kernel[k][j] } }
            op = .dense(Dense(weights: rows, bias: bias))
        case "batchnorm":
            try arity(1)
            allowed.formUnion(["gamma", "beta", "mean", "variance", "epsilon"])
            // One value per element, or per channel (the last axis).
            let n = (try r.array("gamma")).count == inputShapes[0].last ? inputShapes[0].last! : sizes[0]
            let variance = try r.vector("variance", count: n)
            let epsilon = try r.optionalNumber("epsilon") ?? 0.001
            guard epsilon >= 0 else { throw r.error("epsilon", "must not be negative") }
            for (i, v) in variance.enumerated() where v + epsilon <= 0 {
                throw r.error("variance[\(i)]", "variance + epsilon must be positive, got \(v + epsilon)")
            }
            op = .batchNorm(BatchNorm(gamma: try r.vector("gamma", count: n), beta: try r.vector("beta", count: n),
                                      mean: try r.vector("mean", count: n), variance: variance, epsilon: epsilon))
        case "add", "subtract", "multiply":
            try arity(2)
            guard Shapes.broadcast(inputShapes[0], inputShapes[1]) != nil else {
                throw r.error("inputs", "'\(inputs[0])' has shape \(Shapes.text(inputShapes[0])) and '\(inputs[1])' has \(Shapes.text(inputShapes[1])): they do not broadcast (numpy rules)")
            }
            op = type == "add" ? .add : type == "subtract" ? .subtract : .multiply
        case "concatenate":
            guard inputs.count >= 2 else { throw r.error("inputs", "concatenate takes at least 2 inputs, got \(inputs.count)") }
            allowed.insert("axis")
            op = .concatenate(axis: r.has("axis") ? try r.integer("axis", atLeast: -64) : -1)
        case "sum":
            try arity(1)
            op = .sum
        case "forest":
            try arity(1)
            allowed.formUnion(Self.forestKeys)
            op = .forest(try decodeForest(r, inputSize: sizes[0]))
        case _ where Self.tensorLayerTypes.contains(type):
            try arity(1)
            let (tensorOp, keys) = try decodeTensorLayer(r, type: type, input: inputShapes[0])
            allowed.formUnion(keys)
            op = tensorOp
        default:
            try arity(1)
            let (activation, keys) = try decodeActivation(r, type: type, size: sizes[0])
            allowed.formUnion(keys)
            op = .activation(activation)
        }
        if r.has("reuse"), !allowed.contains("reuse") {
            throw r.error("reuse", "only a convolution (conv1d, conv2d, depthwise_conv1d/2d) time-multiplexes its positions; a \(type) layer has no reuse factor")
        }
        try r.onlyKeys(allowed)
        return Node(name: name, op: op, inputs: inputs, precision: try decodePrecision(r, op: op))
    }

    func decodeInputs(_ r: FieldReader) throws(ModelFormatError) -> [String] {
        if r.has("input") && r.has("inputs") { throw r.error("inputs", "give either 'input' or 'inputs', not both") }
        let names: [String]
        let key: String
        if r.has("inputs") {
            names = try r.stringArray("inputs")
            key = "inputs"
        } else if r.has("input") {
            names = [try r.string("input")]
            key = "input"
        } else {
            guard let previous else {
                throw r.error("input", "missing: the first layer of a model with several inputs must name its input")
            }
            return [previous]
        }
        for (i, n) in names.enumerated() where shapes[n] == nil {
            throw r.error(key == "inputs" ? "inputs[\(i)]" : "input",
                          "'\(n)' is not a model input or an earlier layer (layers may only read tensors defined before them)")
        }
        return names
    }

    func decodeActivation(_ r: FieldReader, type: String, size: Int) throws(ModelFormatError) -> (Activation, Set<String>) {
        let function: String
        var keys: Set<String> = []
        if type == "activation" {
            function = try r.string("activation")
            keys.insert("activation")
            guard Self.activationNames.contains(function) else {
                throw r.error("activation", "unknown activation '\(function)'; supported: " + Self.activationNames.sorted().joined(separator: ", "))
            }
        } else {
            function = type
        }
        switch function {
        case "relu": return (.relu, keys)
        case "linear": return (.linear, keys)
        case "leaky_relu":
            let alpha = try r.optionalNumber("alpha") ?? 0.3
            guard alpha >= 0, alpha < 1 else { throw r.error("alpha", "LeakyReLU slope must be in [0, 1), got \(alpha)") }
            return (.leakyReLU(alpha: alpha), keys.union(["alpha"]))
        case "sigmoid", "tanh":
            var table = TableSettings(size: 1024, range: function == "sigmoid" ? 8 : 4)
            if r.has("table") {
                let t = try r.object("table")
                try t.onlyKeys(["size", "range"])
                if t.has("size") { table.size = try powerOfTwo(t, "size", 2...65536) }
                if t.has("range") { table.range = try powerOfTwoRange(t, "range") }
            }
            return (function == "sigmoid" ? .sigmoid(table) : .tanh(table), keys.union(["table"]))
        default: // softmax
            guard size >= 2 else { throw r.error("input", "softmax needs at least 2 elements, got \(size)") }
            var table = SoftmaxTableSettings()
            if r.has("table") {
                let t = try r.object("table")
                try t.onlyKeys(["size", "range", "inverse_size"])
                if t.has("size") { table.expSize = try powerOfTwo(t, "size", 2...65536) }
                if t.has("range") { table.expRange = try powerOfTwoRange(t, "range") }
                if t.has("inverse_size") { table.inverseSize = try powerOfTwo(t, "inverse_size", 2...65536) }
            }
            return (.softmax(table), keys.union(["table"]))
        }
    }

    func powerOfTwo(_ r: FieldReader, _ key: String, _ range: ClosedRange<Int>) throws(ModelFormatError) -> Int {
        let n = try r.integer(key, atLeast: range.lowerBound)
        guard n <= range.upperBound, n & (n - 1) == 0 else {
            throw r.error(key, "must be a power of two from \(range.lowerBound) to \(range.upperBound), got \(n)")
        }
        return n
    }

    func powerOfTwoRange(_ r: FieldReader, _ key: String) throws(ModelFormatError) -> Double {
        let v = try r.number(key)
        guard v > 0, v.significand == 1, v >= 1.0 / 1024, v <= 1024 else {
            throw r.error(key, "must be a power of two from 1/1024 to 1024 (the index is a slice of the input bits), got \(v)")
        }
        return v
    }

    func decodePrecision(_ r: FieldReader, op: Op) throws(ModelFormatError) -> LayerPrecision {
        guard r.has("precision") else { return LayerPrecision() }
        let p = try r.object("precision")
        var allowed: Set<String> = ["result"]
        switch op {
        case .dense, .conv, .linear: allowed.formUnion(["weight", "bias", "accumulator"])
        case .pool(let p) where p.kind == .average: allowed.formUnion(["weight", "accumulator"])
        case .reduce(let r) where r.kind != .max: allowed.formUnion(["weight", "accumulator"])
        case .batchNorm: allowed.formUnion(["weight", "bias", "accumulator"])
        case .activation(.leakyReLU): allowed.insert("alpha")
        case .activation(.softmax): allowed.formUnion(["exp", "inverse"])
        case .forest: allowed.formUnion(["leaf", "accumulator"])
        default: break
        }
        try p.onlyKeys(allowed)
        let accumulator = try p.optionalFixedType("accumulator")
        if let accumulator { try ModelDecoder.checkAccumulator(accumulator, reader: p, key: "accumulator") }
        // A forest's leaves (and base scores) take the role of a dense layer's weights.
        let weight = try p.optionalFixedType(p.has("leaf") ? "leaf" : "weight")
        return LayerPrecision(weight: weight, bias: try p.optionalFixedType("bias"),
                              accumulator: accumulator, result: try p.optionalFixedType("result"),
                              alpha: try p.optionalFixedType("alpha"), exp: try p.optionalFixedType("exp"),
                              inverse: try p.optionalFixedType("inverse"))
    }
}

import ModelIR

/// Decoding of the layers over tensors (docs/model-format.md, "Tensors"):
/// convolutions, pooling, reductions and reshapes. Shapes are checked by
/// the rules of ``Node/outputShape(inputShapes:)`` once the layer is decoded.
extension LayerDecoder {
    static let tensorLayerTypes: Set<String> = [
        "conv1d", "conv2d", "depthwise_conv1d", "depthwise_conv2d",
        "maxpool1d", "maxpool2d", "avgpool1d", "avgpool2d",
        "reduce_sum", "reduce_mean", "reduce_max", "flatten", "reshape", "transpose",
        "gather", "maximum", "linear", "threshold",
    ]

    func decodeTensorLayer(_ r: FieldReader, type: String, input: [Int]) throws(ModelFormatError) -> (Op, Set<String>) {
        switch type {
        case "conv1d", "conv2d", "depthwise_conv1d", "depthwise_conv2d":
            let rank = type.hasSuffix("2d") ? 2 : 1
            let depthwise = type.hasPrefix("depthwise")
            guard input.count == rank + 1 else {
                throw r.error("input", "a \(type) layer reads [\(rank == 2 ? "rows, columns" : "positions"), channels]; '\(input)' has rank \(input.count)")
            }
            let channels = input.last!
            let kernel = try r.integers("kernel_size", count: rank, default: nil, atLeast: 1)
            let strides = try r.integers("strides", count: rank, default: 1, atLeast: 1)
            let dilations = try r.integers("dilation_rate", count: rank, default: 1, atLeast: 1)
            let filters = depthwise ? channels : try r.integer("filters", atLeast: 1)
            guard filters <= 100_000 else { throw r.error("filters", "\(filters) filters is more than the supported 100000") }
            guard kernel.allSatisfy({ $0 <= 4096 }) else { throw r.error("kernel_size", "sizes are limited to 4096") }
            let layout = kernel + (depthwise ? [channels] : [channels, filters])
            let weights = try r.tensor("weights", shape: layout)
            let bias = r.has("bias") ? try r.vector("bias", count: filters) : Array(repeating: 0, count: filters)
            let reuse = r.has("reuse") ? try r.integer("reuse", atLeast: 1) : 1
            let conv = Convolution(kernel: kernel, strides: strides, dilations: dilations, padding: try padding(r),
                                   inputChannels: channels, filters: filters, depthwise: depthwise, weights: weights, bias: bias,
                                   reuse: reuse)
            var keys: Set<String> = ["kernel_size", "strides", "dilation_rate", "padding", "weights", "bias", "reuse"]
            if !depthwise { keys.insert("filters") }
            return (.conv(conv), keys)
        case "maxpool1d", "maxpool2d", "avgpool1d", "avgpool2d":
            let rank = type.hasSuffix("2d") ? 2 : 1
            guard input.count == rank + 1 else {
                throw r.error("input", "a \(type) layer reads [\(rank == 2 ? "rows, columns" : "positions"), channels]; the input has rank \(input.count)")
            }
            let size = try r.integers("pool_size", count: rank, default: 2, atLeast: 1)
            let strides = try r.integers("strides", count: rank, default: nil, atLeast: 1, fallback: size)
            let pool = Pooling(kind: type.hasPrefix("max") ? .max : .average, size: size, strides: strides, padding: try padding(r))
            return (.pool(pool), ["pool_size", "strides", "padding"])
        case "reduce_sum", "reduce_mean", "reduce_max":
            var axes: [Int] = Array(0..<max(1, input.count - 1))
            if r.has("axes") {
                axes = []
                for (i, v) in try r.vector("axes", count: nil).enumerated() {
                    guard v == v.rounded(), v >= Double(-input.count), v < Double(input.count) else {
                        throw r.error("axes[\(i)]", "\(v) is not an axis of the input shape \(Shapes.text(input))")
                    }
                    axes.append(v < 0 ? Int(v) + input.count : Int(v))
                }
                guard !axes.isEmpty, Set(axes).count == axes.count else { throw r.error("axes", "give one or more distinct axes") }
                axes.sort()
            }
            let kind: Reduction.Kind = type == "reduce_sum" ? .sum : type == "reduce_mean" ? .mean : .max
            return (.reduce(Reduction(kind: kind, axes: axes)), ["axes"])
        case "flatten":
            return (.reshape([Shapes.count(input) ?? 0]), [])
        case "reshape":
            let values = try r.vector("shape", count: nil)
            guard !values.isEmpty, values.count <= 8 else { throw r.error("shape", "give 1 to 8 dimensions") }
            var shape: [Int] = []
            for (i, v) in values.enumerated() {
                guard v == v.rounded(), v == -1 || (v >= 1 && v <= 1_000_000) else {
                    throw r.error("shape[\(i)]", "a dimension is an integer from 1 to 1000000, or -1 once")
                }
                shape.append(Int(v))
            }
            if let unknown = shape.firstIndex(of: -1) {
                guard shape.filter({ $0 == -1 }).count == 1 else { throw r.error("shape", "at most one dimension may be -1") }
                let known = shape.filter { $0 != -1 }.reduce(1, *)
                let total = Shapes.count(input) ?? 0
                guard known > 0, total % known == 0 else {
                    throw r.error("shape", "\(Shapes.text(shape)) cannot hold the \(total) elements of \(Shapes.text(input))")
                }
                shape[unknown] = total / known
            }
            return (.reshape(shape), ["shape"])
        case "transpose":
            let perm = try r.integers("perm", count: input.count, default: nil, atLeast: 0)
            return (.transpose(perm), ["perm"])
        case "threshold":
            return try decodeThresholdLayer(r, input: input)
        default:
            return try decodeFlatLayer(r, type: type, inputSize: Shapes.count(input) ?? 0)
        }
    }

    /// The flat ops ExpandTensorOps produces, which a model may also state
    /// directly: `gather` (`indices`), `maximum` (`groups`) and `linear`
    /// (`parameters`, `bias`, `bias_index`, `rows` of `[input, parameter]`).
    func decodeFlatLayer(_ r: FieldReader, type: String, inputSize n: Int) throws(ModelFormatError) -> (Op, Set<String>) {
        func indices(_ values: [Double], field: String, below limit: Int) throws(ModelFormatError) -> [Int] {
            var out: [Int] = []
            for (i, v) in values.enumerated() {
                guard v == v.rounded(), v >= 0, v < Double(limit) else {
                    throw r.error("\(field)[\(i)]", "\(v) is not an index below \(limit)")
                }
                out.append(Int(v))
            }
            return out
        }
        func lists(_ key: String) throws(ModelFormatError) -> [[Double]] {
            var out: [[Double]] = []
            for (i, item) in try r.array(key).enumerated() {
                guard case .array(let values) = item else { throw r.error("\(key)[\(i)]", "expected an array") }
                var row: [Double] = []
                for (k, v) in values.enumerated() { row.append(try FieldReader.finiteNumber(v, at: "\(key)[\(i)][\(k)]", reader: r)) }
                out.append(row)
            }
            return out
        }
        switch type {
        case "gather":
            let values = try r.vector("indices", count: nil)
            guard !values.isEmpty, values.count <= 1_000_000 else { throw r.error("indices", "give 1 to 1000000 indices") }
            return (.gather(try indices(values, field: "indices", below: n)), ["indices"])
        case "maximum":
            var groups: [[Int]] = []
            for (i, g) in try lists("groups").enumerated() {
                guard !g.isEmpty else { throw r.error("groups[\(i)]", "a group needs at least one index") }
                groups.append(try indices(g, field: "groups[\(i)]", below: n))
            }
            guard !groups.isEmpty else { throw r.error("groups", "give at least one group") }
            return (.maximum(groups), ["groups"])
        default: // linear
            let parameters = try r.vector("parameters", count: nil)
            let bias = try r.vector("bias", count: nil)
            guard !bias.isEmpty else { throw r.error("bias", "give at least one bias value") }
            var rows: [[SparseLinear.Term]] = []
            for (j, row) in try r.array("rows").enumerated() {
                guard case .array(let terms) = row else { throw r.error("rows[\(j)]", "expected an array of [input, parameter] pairs") }
                var out: [SparseLinear.Term] = []
                for (k, term) in terms.enumerated() {
                    guard case .array(let pair) = term, pair.count == 2, case .number(let a) = pair[0], case .number(let b) = pair[1],
                          a == a.rounded(), b == b.rounded(), a >= 0, a < Double(n), b >= 0, b < Double(parameters.count) else {
                        throw r.error("rows[\(j)][\(k)]", "expected [input index below \(n), parameter index below \(parameters.count)]")
                    }
                    out.append(SparseLinear.Term(input: Int(a), parameter: Int(b)))
                }
                rows.append(out)
            }
            guard !rows.isEmpty else { throw r.error("rows", "give at least one row") }
            let biasIndex = try indices(try r.vector("bias_index", count: rows.count), field: "bias_index", below: bias.count)
            return (.linear(SparseLinear(weights: parameters, bias: bias, rows: rows, biasIndex: biasIndex)),
                    ["parameters", "bias", "bias_index", "rows"])
        }
    }

    func padding(_ r: FieldReader) throws(ModelFormatError) -> Padding {
        guard r.has("padding") else { return .valid }
        if case .object = r.fields["padding"]! {
            let p = try r.object("padding")
            try p.onlyKeys(["before", "after"])
            let before = try p.vector("before", count: nil), after = try p.vector("after", count: before.count)
            func counts(_ v: [Double], _ key: String) throws(ModelFormatError) -> [Int] {
                var out: [Int] = []
                for (i, x) in v.enumerated() {
                    guard x == x.rounded(), x >= 0, x <= 4096 else { throw p.error("\(key)[\(i)]", "expected an integer from 0 to 4096") }
                    out.append(Int(x))
                }
                return out
            }
            return .explicit(before: try counts(before, "before"), after: try counts(after, "after"))
        }
        switch try r.string("padding") {
        case "valid": return .valid
        case "same": return .same
        case let other: throw r.error("padding", "expected \"valid\", \"same\" or {\"before\": [...], \"after\": [...]}, got \"\(other)\"")
        }
    }
}

extension FieldReader {
    /// `count` integers: a list of them, or one integer for every axis; when
    /// absent, `default` for every axis, else `fallback`, else an error.
    func integers(_ key: String, count: Int, default value: Int?, atLeast minimum: Int,
                  fallback: [Int]? = nil) throws(ModelFormatError) -> [Int] {
        guard has(key) else {
            if let value { return Array(repeating: value, count: count) }
            if let fallback { return fallback }
            throw error(key, "missing required field")
        }
        if case .number = fields[key]! { return Array(repeating: try integer(key, atLeast: minimum), count: count) }
        let values = try vector(key, count: count)
        var out: [Int] = []
        for (i, v) in values.enumerated() {
            guard v == v.rounded(), v >= Double(minimum), v <= 1_000_000 else {
                throw error("\(key)[\(i)]", "expected an integer from \(minimum) to 1000000, got \(v)")
            }
            out.append(Int(v))
        }
        return out
    }

    /// Nested arrays of finite numbers of exactly `shape`, flattened in C order.
    func tensor(_ key: String, shape: [Int]) throws(ModelFormatError) -> [Double] {
        guard let total = Shapes.count(shape), total <= 50_000_000 else {
            throw error(key, "\(Shapes.text(shape)) is more than the supported 50000000 values")
        }
        var out: [Double] = []
        out.reserveCapacity(total)
        func walk(_ value: JSONValue, depth: Int, path: String) throws(ModelFormatError) {
            guard case .array(let items) = value, items.count == shape[depth] else {
                throw ModelFormatError(file: file, layer: layer, field: path,
                                       message: "expected an array of \(shape[depth]) (the weights' shape is \(Shapes.text(shape)))")
            }
            if depth == shape.count - 1 {
                // The innermost numbers: a path is formatted only for a message.
                for (i, item) in items.enumerated() { out.append(try Self.finiteNumber(item, at: "\(path)[\(i)]", reader: self)) }
                return
            }
            for (i, item) in items.enumerated() { try walk(item, depth: depth + 1, path: "\(path)[\(i)]") }
        }
        try walk(try require(key), depth: 0, path: fieldPath(key))
        return out
    }
}

import ModelIR

/// model.json fields of the layers over tensors (the inverse of
/// TensorLayerDecoder.swift).
extension ModelEncoder {
    static func tensorLayerType(_ op: Op) -> String {
        switch op {
        case .reshape(let shape) where shape.count == 1: return "reshape"
        default: return op.kindName
        }
    }

    static func integers(_ values: [Int]) -> String { "[" + values.map(String.init).joined(separator: ", ") + "]" }

    /// `values` (C order) as nested arrays of `shape`, innermost arrays on one line.
    static func nested(_ values: [Double], shape: [Int], indent: Int) -> String {
        guard shape.count > 1 else { return numbers(values) }
        let inner = values.count / max(1, shape[0])
        let parts = (0..<shape[0]).map { i in
            nested(Array(values[(i * inner)..<((i + 1) * inner)]), shape: Array(shape.dropFirst()), indent: indent + 1)
        }
        return "[\n" + parts.map { pad(indent + 1) + $0 }.joined(separator: ",\n") + "\n" + pad(indent) + "]"
    }

    static func paddingField(_ p: Padding) -> String {
        switch p {
        case .valid, .same: return quote(p.name)
        case .explicit(let before, let after): return "{\"before\": \(integers(before)), \"after\": \(integers(after))}"
        }
    }

    static func tensorFields(_ op: Op, indent: Int) -> [(String, String)] {
        switch op {
        case .conv(let c):
            let layout = c.kernel + (c.depthwise ? [c.inputChannels] : [c.inputChannels, c.filters])
            var fields: [(String, String)] = []
            if !c.depthwise { fields.append(("filters", "\(c.filters)")) }
            fields += [("kernel_size", integers(c.kernel)), ("strides", integers(c.strides)),
                       ("dilation_rate", integers(c.dilations)), ("padding", paddingField(c.padding)),
                       ("weights", nested(c.weights, shape: layout, indent: indent + 1)), ("bias", numbers(c.bias))]
            if c.reuse != 1 { fields.append(("reuse", "\(c.reuse)")) }
            return fields
        case .pool(let p):
            return [("pool_size", integers(p.size)), ("strides", integers(p.strides)), ("padding", paddingField(p.padding))]
        case .reduce(let r):
            return [("axes", integers(r.axes))]
        case .reshape(let shape):
            return [("shape", integers(shape))]
        case .transpose(let perm):
            return [("perm", integers(perm))]
        case .gather(let indices):
            return [("indices", integers(indices))]
        case .maximum(let groups):
            return [("groups", "[" + groups.map(integers).joined(separator: ", ") + "]")]
        case .linear(let l):
            return [("parameters", numbers(l.weights)), ("bias", numbers(l.bias)), ("bias_index", integers(l.biasIndex)),
                    ("rows", "[\n" + l.rows.map { row in pad(indent + 2) + "[" + row.map { "[\($0.input), \($0.parameter)]" }.joined(separator: ", ") + "]" }
                        .joined(separator: ",\n") + "\n" + pad(indent + 1) + "]")]
        default:
            return []
        }
    }
}

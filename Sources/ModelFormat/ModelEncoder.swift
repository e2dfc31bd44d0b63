import FixedPoint
import ModelIR

/// Writes a graph as model.json v1 text. Deterministic: the same graph gives
/// the same bytes (fixed key order; shortest round-trip number spelling).
public enum ModelEncoder {
    public static func encode(_ graph: Graph) -> String {
        var top: [(String, String)] = [
            ("format", quote("hepml-model")),
            ("version", "1"),
            ("name", quote(graph.name)),
        ]
        let d = graph.defaults
        let defaults = typeFields([("precision", d.precision), ("weight", d.weight), ("bias", d.bias),
                                   ("result", d.result), ("accumulator", d.accumulator), ("input", d.input)])
        if !defaults.isEmpty { top.append(("defaults", object(defaults, indent: 1))) }
        let inputs = graph.inputs.map { input -> String in
            var fields = [("name", quote(input.name)), ("shape", "[" + input.shape.map(String.init).joined(separator: ", ") + "]")]
            if let t = input.type { fields.append(("type", quote(t.description))) }
            return object(fields, indent: 2, inline: true)
        }
        top.append(("inputs", "[\n" + inputs.map { pad(2) + $0 }.joined(separator: ",\n") + "\n" + pad(1) + "]"))
        let layers = graph.nodes.map { layer($0, indent: 2) }
        top.append(("layers", "[\n" + layers.map { pad(2) + $0 }.joined(separator: ",\n") + "\n" + pad(1) + "]"))
        top.append(("outputs", "[" + graph.outputs.map(quote).joined(separator: ", ") + "]"))
        let quantizers = graph.inputs.compactMap { i in graph.inputQuantizers[i.name].map { inputQuantizer(i.name, $0) } }
        if !quantizers.isEmpty {
            top.append(("input_quantizers", "[\n" + quantizers.map { pad(2) + $0 }.joined(separator: ",\n") + "\n" + pad(1) + "]"))
        }
        let chains = graph.outputs.compactMap { o in graph.outputChains[o].map { outputChain(o, $0) } }
        if !chains.isEmpty {
            top.append(("output_chains", "[\n" + chains.map { pad(2) + $0 }.joined(separator: ",\n") + "\n" + pad(1) + "]"))
        }
        return object(top, indent: 0) + "\n"
    }

    /// An output's float chain (issue 26): the executor's float32 (or
    /// float64) operations on the output's fixed-point values, in order.
    static func outputChain(_ output: String, _ c: OutputChain) -> String {
        let steps = c.chain.steps.map { step -> String in
            var fields = [("op", quote(step.name))]
            if let v = step.values { fields.append(("values", numbers(v))) }
            return object(fields, indent: 0, inline: true)
        }
        return object([("output", quote(output)), ("double", c.double ? "true" : "false"),
                       ("steps", "[" + steps.joined(separator: ", ") + "]")], indent: 0, inline: true)
    }

    /// An input's quantizer (issue 26): how float events become its codes.
    static func inputQuantizer(_ input: String, _ q: InputQuantizer) -> String {
        object([("input", quote(input)), ("scale", numbers(q.scale)), ("bits", "\(q.bitWidth)"),
                ("signed", q.signed ? "true" : "false"), ("narrow", q.narrow ? "true" : "false"),
                ("rounding", quote(q.rounding)), ("bipolar", q.bipolar ? "true" : "false"),
                ("double", q.double ? "true" : "false")], indent: 0, inline: true)
    }

    static func layer(_ node: Node, indent: Int) -> String {
        var fields: [(String, String)] = [("name", quote(node.name))]
        switch node.op {
        case .dense(let dense):
            fields.append(("type", quote("dense")))
            fields.append(("input", quote(node.inputs[0])))
            fields.append(("units", "\(dense.units)"))
            // Keras layout: one row per input, one column per unit.
            let kernel = (0..<dense.inputCount).map { k in dense.weights.map { $0[k] } }
            fields.append(("weights", "[\n" + kernel.map { pad(indent + 2) + numbers($0) }.joined(separator: ",\n") + "\n" + pad(indent + 1) + "]"))
            fields.append(("bias", numbers(dense.bias)))
        case .batchNorm(let bn):
            fields.append(("type", quote("batchnorm")))
            fields.append(("input", quote(node.inputs[0])))
            fields += [("gamma", numbers(bn.gamma)), ("beta", numbers(bn.beta)), ("mean", numbers(bn.mean)),
                       ("variance", numbers(bn.variance)), ("epsilon", number(bn.epsilon))]
        case .activation(let a):
            fields.append(("type", quote("activation")))
            fields.append(("activation", quote(a.kindName)))
            fields.append(("input", quote(node.inputs[0])))
            switch a {
            case .leakyReLU(let alpha): fields.append(("alpha", number(alpha)))
            case .sigmoid(let t), .tanh(let t):
                fields.append(("table", object([("size", "\(t.size)"), ("range", number(t.range))], indent: 0, inline: true)))
            case .softmax(let t):
                fields.append(("table", object([("size", "\(t.expSize)"), ("range", number(t.expRange)),
                                                ("inverse_size", "\(t.inverseSize)")], indent: 0, inline: true)))
            default: break
            }
        case .add, .subtract, .multiply:
            fields.append(("type", quote(node.op.kindName)))
            fields.append(("inputs", "[" + node.inputs.map(quote).joined(separator: ", ") + "]"))
        case .concatenate(let axis):
            fields.append(("type", quote("concatenate")))
            fields.append(("inputs", "[" + node.inputs.map(quote).joined(separator: ", ") + "]"))
            if axis != -1 { fields.append(("axis", "\(axis)")) }
        case .sum:
            fields.append(("type", quote("sum")))
            fields.append(("input", quote(node.inputs[0])))
        case .forest(let forest):
            fields.append(("type", quote("forest")))
            fields.append(("input", quote(node.inputs[0])))
            fields += forestFields(forest, indent: indent)
        case .threshold(let t):
            fields.append(("type", quote("threshold")))
            fields.append(("input", quote(node.inputs[0])))
            fields += thresholdFields(t, indent: indent)
        case .conv, .pool, .reduce, .reshape, .transpose, .linear, .maximum, .gather:
            fields.append(("type", quote(tensorLayerType(node.op))))
            fields.append(("input", quote(node.inputs[0])))
            fields += tensorFields(node.op, indent: indent)
        }
        let p = node.precision
        let leafKey = { if case .forest = node.op { return "leaf" } else { return "weight" } }()
        let precision = typeFields([(leafKey, p.weight), ("bias", p.bias), ("accumulator", p.accumulator),
                                    ("result", p.result), ("alpha", p.alpha), ("exp", p.exp), ("inverse", p.inverse)])
        if !precision.isEmpty { fields.append(("precision", object(precision, indent: 0, inline: true))) }
        return object(fields, indent: indent)
    }

    static func typeFields(_ fields: [(String, FixedType?)]) -> [(String, String)] {
        fields.compactMap { key, type in type.map { (key, quote($0.description)) } }
    }

    static func object(_ fields: [(String, String)], indent: Int, inline: Bool = false) -> String {
        if inline { return "{" + fields.map { "\(quote($0.0)): \($0.1)" }.joined(separator: ", ") + "}" }
        let body = fields.map { pad(indent + 1) + "\(quote($0.0)): \($0.1)" }.joined(separator: ",\n")
        return "{\n" + body + "\n" + pad(indent) + "}"
    }

    static func numbers(_ values: [Double]) -> String { "[" + values.map(number).joined(separator: ", ") + "]" }

    /// Shortest spelling that reads back to the same Double.
    static func number(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }

    static func pad(_ n: Int) -> String { String(repeating: "  ", count: n) }

    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }
}

extension ModelEncoder {
    /// The fields of a forest layer after `name`, `type` and `input`.
    static func forestFields(_ f: Forest, indent: Int) -> [(String, String)] {
        let trees = f.trees.map { tree -> String in
            let nodes = tree.nodes.map { node -> String in
                switch node {
                case .leaf(let v): return "{\"leaf\": \(number(v))}"
                case let .split(feature, threshold, left, right):
                    return "{\"feature\": \(feature), \"threshold\": \(number(threshold)), \"left\": \(left), \"right\": \(right)}"
                }
            }
            return "{\"class\": \(tree.classIndex), \"nodes\": [" + nodes.joined(separator: ", ") + "]}"
        }
        return [("features", "\(f.featureCount)"), ("n_classes", "\(f.classCount)"), ("base_score", numbers(f.baseScores)),
                ("decision", quote(f.decision.rawValue)), ("threshold_precision", quote(f.thresholdPrecision.rawValue)),
                ("trees", "[\n" + trees.map { pad(indent + 2) + $0 }.joined(separator: ",\n") + "\n" + pad(indent + 1) + "]")]
    }
}

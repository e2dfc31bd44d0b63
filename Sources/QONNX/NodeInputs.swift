import FixedPoint
import Foundation

/// Reading a node's inputs and attributes, with errors that name the node.
extension GraphImporter {
    /// Input `i` of `node`. A tensor carrying a float chain (FloatChain.swift)
    /// is refused, naming the node, unless the caller compiles chains.
    func value(_ node: Onnx_NodeProto, _ i: Int, _ what: String, allowChain: Bool = false) throws(QONNXError) -> ImportedValue {
        guard i < node.input.count, !node.input[i].isEmpty else {
            throw error(node, what, "input \(i) (\(what)) is missing")
        }
        guard let v = values[node.input[i]] else {
            throw error(node, what, "reads '\(node.input[i].prefix(200))', which no earlier node, initializer or graph input defines (the graph must be in topological order)")
        }
        if !allowChain, case .dynamic(let d) = v, d.chain != nil {
            throw chainRefusal(node, i, what, d)
        }
        return v
    }

    /// The error for `node` reading the float chain `d` (input `i`), which it cannot compile.
    func chainRefusal(_ node: Onnx_NodeProto, _ i: Int, _ what: String, _ d: DynamicTensor) -> QONNXError {
        let sources = ((d.sumSource.map { [$0] } ?? []) + d.chainSources).joined(separator: ", ")
        return error(node, what, "reads '\(node.input[i].prefix(200))', the float32 result of \(sources) after an integer accumulator; such a float chain is compiled exactly only into a Quant (integer thresholds), not into \(node.opType.prefix(100))")
    }

    func hasInput(_ node: Onnx_NodeProto, _ i: Int) -> Bool { i < node.input.count && !node.input[i].isEmpty }

    func constant(_ node: Onnx_NodeProto, _ i: Int, _ what: String) throws(QONNXError) -> ConstantTensor {
        guard case .constant(let c) = try value(node, i, what) else {
            throw error(node, what, "\(what) must be a constant (an initializer), but it is computed from the model inputs")
        }
        return c
    }

    func dynamic(_ node: Onnx_NodeProto, _ i: Int, _ what: String = "input", allowChain: Bool = false) throws(QONNXError) -> DynamicTensor {
        guard case .dynamic(let d) = try value(node, i, what, allowChain: allowChain) else {
            throw error(node, what, "expected a tensor computed from the model inputs")
        }
        return d
    }

    func attribute(_ node: Onnx_NodeProto, _ name: String) -> Onnx_AttributeProto? {
        node.attribute.first { $0.name == name }
    }

    func intAttribute(_ node: Onnx_NodeProto, _ name: String) throws(QONNXError) -> Int? {
        guard let a = attribute(node, name) else { return nil }
        guard a.type == .int || (a.type == .undefined && a.hasI) else { throw error(node, name, "attribute '\(name)' must be an integer") }
        // Not abs(): abs(Int64.min) traps.
        guard a.i >= -(1 << 40), a.i <= 1 << 40 else { throw error(node, name, "attribute '\(name)' is \(a.i), out of range") }
        return Int(a.i)
    }

    func floatAttribute(_ node: Onnx_NodeProto, _ name: String) throws(QONNXError) -> Double? {
        guard let a = attribute(node, name) else { return nil }
        guard a.type == .float || (a.type == .undefined && a.hasF) else { throw error(node, name, "attribute '\(name)' must be a float") }
        guard a.f.isFinite else { throw error(node, name, "attribute '\(name)' is \(a.f); it must be finite") }
        return Double(a.f)
    }

    func stringAttribute(_ node: Onnx_NodeProto, _ name: String) throws(QONNXError) -> String? {
        guard let a = attribute(node, name) else { return nil }
        guard a.type == .string || (a.type == .undefined && a.hasS) else { throw error(node, name, "attribute '\(name)' must be a string") }
        return String(decoding: a.s.prefix(200), as: UTF8.self)
    }

    func intsAttribute(_ node: Onnx_NodeProto, _ name: String) throws(QONNXError) -> [Int]? {
        guard let a = attribute(node, name) else { return nil }
        guard a.type == .ints || a.type == .undefined else { throw error(node, name, "attribute '\(name)' must be a list of integers") }
        guard a.ints.count <= ONNXLimits.maxRank * 2, a.ints.allSatisfy({ $0 >= -(1 << 40) && $0 <= 1 << 40 }) else {
            throw error(node, name, "attribute '\(name)' is out of range")
        }
        return a.ints.map { Int($0) }
    }

    /// An integer-valued constant input (axes, shapes, bit widths).
    func integers(_ node: Onnx_NodeProto, _ i: Int, _ what: String) throws(QONNXError) -> [Int] {
        let c = try constant(node, i, what)
        guard c.values.allSatisfy({ $0 == $0.rounded() && abs($0) <= Double(1 << 40) }) else {
            throw error(node, what, "\(what) must hold integers, got \(c.values.prefix(8))")
        }
        return c.values.map { Int($0) }
    }

    /// Normalises an axis (negative counts from the end) for a tensor of `rank`.
    func axis(_ a: Int, rank: Int, _ node: Onnx_NodeProto, _ field: String = "axis") throws(QONNXError) -> Int {
        let r = a < 0 ? a + rank : a
        guard r >= 0 && r < rank else { throw error(node, field, "axis \(a) is out of range for a tensor of rank \(rank)") }
        return r
    }

    mutating func define(_ node: Onnx_NodeProto, _ value: ImportedValue) throws(QONNXError) {
        guard let out = node.output.first, !out.isEmpty else { throw error(node, nil, "has no output") }
        guard values[out] == nil else { throw error(node, nil, "writes '\(out.prefix(200))', which is already defined (ONNX graphs assign each tensor once)") }
        if case .dynamic(var d) = value {
            d.soleUse = d.soleUse && soleUse(out)
            values[out] = .dynamic(d)
        } else {
            if case .constant(let c) = value { try charge(c.count, at: Self.label(node)) }
            values[out] = value
        }
    }
}

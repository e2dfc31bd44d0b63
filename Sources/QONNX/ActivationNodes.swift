import FixedPoint
import Foundation
import ModelIR
import Passes

/// Relu, LeakyRelu, Sigmoid, Tanh, Softmax, Concat, Trunc.
extension GraphImporter {
    mutating func importRelu(_ node: Onnx_NodeProto) throws(QONNXError) {
        var x = try dynamic(node, 0, "X", allowChain: true)
        // After a float chain, or under a negative scale: a step of the chain (a Quant must follow).
        if reluChain(x) { return try define(node, .dynamic(chained(x, .relu, node))) }
        let pending = try positivePending(&x, node)
        let type = try exactType(ValueRange(of: x.type).relu, node, "result")
        let name = try emit(hint(node), .activation(.relu), inputs: [x.tensor], precision: LayerPrecision(result: type),
                        absorbable: true, source: node)
        try define(node, .dynamic(DynamicTensor(tensor: name, dims: x.dims, type: type, pending: pending, soleUse: true,
                                                batchAxis: x.batchAxis, layout: x.layout)))
    }

    mutating func importLeakyRelu(_ node: Onnx_NodeProto) throws(QONNXError) {
        var x = try dynamic(node, 0, "X")
        let alpha = try floatAttribute(node, "alpha") ?? 0.01
        guard alpha >= 0, alpha < 1 else { throw error(node, "alpha", "alpha \(alpha) must be in [0, 1)") }
        let pending = try positivePending(&x, node)
        guard let alphaType = ExactTypes.type(holding: [alpha]) else { throw error(node, "alpha", "alpha \(alpha) has no exact type") }
        let r = ValueRange(of: x.type)
        guard let a = ExactTypes.code(alpha, fractionBits: alphaType.fractionBits) else {
            throw error(node, "alpha", "alpha \(alpha) has no exact type")
        }
        let negative = ValueRange(lo: min(r.lo, 0), hi: min(r.hi, 0), fractionBits: r.fractionBits) * ValueRange(lo: a, hi: a, fractionBits: alphaType.fractionBits)
        let type = try exactType(r.relu.union(negative), node, "result")
        let name = try emit(hint(node), .activation(.leakyReLU(alpha: alpha)), inputs: [x.tensor],
                        precision: LayerPrecision(result: type, alpha: alphaType), absorbable: true, source: node)
        try define(node, .dynamic(DynamicTensor(tensor: name, dims: x.dims, type: type, pending: pending, soleUse: true,
                                                batchAxis: x.batchAxis, layout: x.layout)))
    }

    /// A positive pending factor commutes with ReLU; a negative one does not.
    func positivePending(_ x: inout DynamicTensor, _ node: Onnx_NodeProto) throws(QONNXError) -> [Double]? {
        guard let p = x.pending else { return nil }
        if let bad = p.firstIndex(where: { !($0 > 0) }) {
            throw error(node, nil, "reads a tensor scaled by \(p[bad]) (element \(bad)); only positive scales commute with \(node.opType)")
        }
        x.pending = nil
        return p
    }

    /// Sigmoid, Tanh and Softmax: table activations (docs/numerics.md), with
    /// the default tables and result types unless a Quant node follows.
    mutating func importTable(_ node: Onnx_NodeProto) throws(QONNXError) {
        var x = try dynamic(node, 0, "input")
        x = try materialize(x, reader: "", source: node)
        // Softmax orders its outputs as the ONNX tensor's elements.
        if node.opType == "Softmax" { x = try flat(x, source: node) }
        let activation: Activation
        let type: FixedType
        let width = PrecisionDefaults.builtIn.width
        switch node.opType {
        case "Sigmoid":
            activation = .sigmoid(TableSettings(size: 1024, range: 8))
            type = PrecisionInference.sigmoidResult(width: width)
        case "Tanh":
            activation = .tanh(TableSettings(size: 1024, range: 4))
            type = PrecisionInference.tanhResult(width: width)
        default:
            guard x.count >= 2 else { throw error(node, nil, "softmax needs at least 2 elements, got \(x.count)") }
            let rank = x.dims.count
            let a = try axis(try intAttribute(node, "axis") ?? (opset >= 13 ? -1 : 1), rank: rank, node)
            // Before opset 13 the input is flattened from `axis` on; from 13 on, one axis.
            let covered = opset >= 13 ? x.dims[a] : Shape.elements(Array(x.dims[a...])) ?? 0
            let acrossEvents = x.batchAxis.map { opset >= 13 ? $0 == a : $0 >= a } ?? false
            guard covered == x.count, !acrossEvents else {
                throw error(node, "axis", "softmax over axis \(a) of shape \(x.dims) does not cover the whole feature vector")
            }
            activation = .softmax(SoftmaxTableSettings())
            type = PrecisionInference.unitIntervalType(width: width)
        }
        let name = try emit(hint(node), .activation(activation), inputs: [x.tensor], precision: LayerPrecision(result: type),
                        absorbable: true, source: node)
        try define(node, .dynamic(DynamicTensor(tensor: name, dims: x.dims, type: type, pending: nil, soleUse: true,
                                                batchAxis: x.batchAxis, layout: x.layout)))
    }

    mutating func importConcat(_ node: Onnx_NodeProto) throws(QONNXError) {
        guard node.input.count >= 2 else { throw error(node, nil, "Concat needs at least two inputs") }
        var parts: [DynamicTensor] = []
        var constants: [ConstantTensor] = []
        for i in 0..<node.input.count {
            switch try value(node, i, "inputs[\(i)]") {
            case .dynamic(let d): parts.append(d)
            case .constant(let c): constants.append(c)
            }
        }
        if parts.isEmpty { return try concatenateConstants(node, constants) }
        guard constants.isEmpty else {
            throw error(node, "inputs", "concatenating a constant with a computed tensor is not supported")
        }
        guard let rawAxis = try intAttribute(node, "axis") else { throw error(node, "axis", "Concat needs an axis") }
        let rank = parts[0].dims.count
        let a = try axis(rawAxis, rank: rank, node)
        // Concatenating along the batch axis stacks events, which a
        // per-event design cannot compute.
        if let b = parts.first(where: { $0.batchAxis != nil })?.batchAxis, a == b {
            throw error(node, "axis", "Concat along axis \(rawAxis) (the batch axis of shape \(parts[0].dims)) stacks events; only concatenation along a feature axis is supported")
        }
        if let i = parts.firstIndex(where: { $0.batchAxis != parts[0].batchAxis }) {
            throw error(node, "inputs[\(i)]", "its batch axis (\(parts[i].batchAxis.map(String.init) ?? "none")) is not that of inputs[0] (\(parts[0].batchAxis.map(String.init) ?? "none"))")
        }
        for (i, p) in parts.enumerated() {
            guard p.dims.count == rank,
                  zip(p.dims, parts[0].dims).enumerated().allSatisfy({ $0.offset == a || $0.element.0 == $0.element.1 }) else {
                throw error(node, "inputs[\(i)]", "shape \(p.dims) cannot be concatenated with \(parts[0].dims) along axis \(rawAxis)")
            }
        }
        var dims = parts[0].dims
        dims[a] = parts.reduce(0) { $0 + $1.dims[a] }
        guard dims[a] <= 1_000_000 else { throw error(node, nil, "the result has \(dims[a]) features; at most 1000000 are supported") }
        // Only 1s before the axis: the parts' elements are laid end to end.
        let endToEnd = parts[0].dims[..<a].allSatisfy { $0 == 1 }
        var irAxis = -1
        if endToEnd {
            for i in parts.indices { parts[i] = try flat(parts[i], source: node) }
        } else {
            for i in parts.indices { parts[i] = try canonical(parts[i], source: node) }
            irAxis = a - (parts[0].batchAxis.map { $0 < a ? 1 : 0 } ?? 0)
        }
        var pending: [Double]?
        if parts.contains(where: { $0.pending != nil }) {
            // The parts' factors, joined as their elements are.
            let outer = dims[..<a].reduce(1, *)
            let blocks = parts.map { p in (p.pending ?? Array(repeating: 1, count: p.count), p.count / outer) }
            pending = (0..<outer).flatMap { o in blocks.flatMap { $0.0[(o * $0.1)..<((o + 1) * $0.1)] } }
        }
        let type: FixedType
        do { type = try PrecisionInference.join(parts.map(\.type), layer: node.name) } catch {
            throw self.error(node, nil, "no common type of at most 64 bits holds all inputs")
        }
        let name = try emit(hint(node), .concatenate(axis: irAxis), inputs: parts.map(\.tensor), precision: LayerPrecision(result: type),
                        absorbable: false, source: node)
        try define(node, .dynamic(DynamicTensor(tensor: name, dims: dims, type: type, pending: pending, soleUse: true,
                                                batchAxis: parts[0].batchAxis)))
    }

    /// `Trunc` (QONNX): round to the input scale half-to-even, then drop
    /// low bits with `rounding_mode`. Version 1 (5 inputs) rescales by the
    /// input scale; version 2 (6 inputs) clamps to the output bit width and
    /// rescales by the output scale, as the executor does.
    mutating func importTrunc(_ node: Onnx_NodeProto) throws(QONNXError) {
        var x = try dynamic(node, 0, "input")
        x = try materialize(x, reader: "", source: node)
        let scale = try constant(node, 1, "scale")
        let zero = try constant(node, 2, "zeropt")
        let inBits = try integers(node, 3, "input_bit_width")
        let v2 = node.input.count >= 6
        let outScale = v2 ? try constant(node, 4, "output_scale") : scale
        let outBits = try integers(node, v2 ? 5 : 4, "output_bit_width")
        let rounding = (try stringAttribute(node, "rounding_mode") ?? "FLOOR").uppercased()
        guard let q = QONNXRounding.apMode(rounding) else {
            throw error(node, "rounding_mode", "rounding_mode \(rounding) has no ap_fixed quantization mode; use ROUND, FLOOR, DOWN, HALF_UP or HALF_DOWN")
        }
        guard zero.values.allSatisfy({ $0 == 0 }) else { throw error(node, "zeropt", "zero point must be 0") }
        guard let s = scale.scalar, ExactTypes.isPowerOfTwo(s) else {
            throw error(node, "scale", "scale must be one power of two, got \(scale.values.prefix(4))")
        }
        guard let os = outScale.scalar, ExactTypes.isPowerOfTwo(os) else {
            throw error(node, "output_scale", "output scale must be one power of two, got \(outScale.values.prefix(4))")
        }
        guard inBits.count == 1, outBits.count == 1, outBits[0] >= 1, outBits[0] <= 64, inBits[0] >= 1, inBits[0] <= 64,
              inBits[0] >= outBits[0] || v2 else {
            throw error(node, "output_bit_width", "bit widths \(inBits) → \(outBits) are not supported")
        }
        // Step 1: round to the input scale (half to even), no clamping: exact range.
        let f1 = -Int(s.exponent)
        let r = ValueRange(of: x.type)
        let fine = ValueRange(lo: r.lo - 1, hi: r.hi + 1, fractionBits: r.fractionBits)
        guard let wide = ExactTypes.type(holding: fine), let step1 = try? FixedType(
            signed: true, width: max(2, wide.integerBits + f1 + 1), integerBits: wide.integerBits + 1, quantization: .rndConv, overflow: .wrap)
        else { throw error(node, "scale", "no type of at most 64 bits holds the rounded input") }
        let rounded = try quantizeDynamic(x, to: step1, node)
        let truncScale = v2 ? os / s : Double(sign: .plus, exponent: inBits[0] - outBits[0], significand: 1)
        let lsb2 = s * truncScale  // the grid of the second rounding, in input units
        let f2 = -Int(lsb2.exponent)
        let type2: FixedType
        do {
            if v2 {
                let signed = try intAttribute(node, "signed") ?? 1 != 0
                let narrow = try intAttribute(node, "narrow") ?? 0 != 0
                guard !(narrow && !signed) else { throw error(node, "narrow", "narrow unsigned has no ap_ufixed equivalent") }
                type2 = try FixedType(signed: signed, width: outBits[0], integerBits: outBits[0] - f2, quantization: q,
                                      overflow: narrow ? .satSym : .sat)
            } else {
                // Version 1 does not clamp: a type wide enough for every value.
                type2 = try FixedType(signed: true, width: max(2, step1.integerBits + f2 + 1), integerBits: step1.integerBits + 1,
                                      quantization: q, overflow: .wrap)
            }
        } catch let e as QONNXError { throw e } catch {
            throw self.error(node, "output_bit_width", "no fixed-point type for the truncated values: \(error)")
        }
        var y = DynamicTensor(tensor: try emit(hint(node), .activation(.linear), inputs: [rounded.tensor], precision: LayerPrecision(result: type2),
                                           absorbable: false, source: node),
                              dims: x.dims, type: type2, pending: nil, soleUse: true, batchAxis: x.batchAxis, layout: x.layout)
        if !v2 {
            // Version 1 multiplies the truncated codes by the input scale: the value is 2^-t times smaller.
            y.pending = Array(repeating: 1 / truncScale, count: x.count)
        }
        try define(node, .dynamic(y))
    }
}

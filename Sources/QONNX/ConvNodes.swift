import FixedPoint
import Foundation
import ModelIR
import Passes

/// Conv, MaxPool, AveragePool: NCW/NCHW in ONNX, channels-last graph IR
/// ops (the input read through a `transpose` view where it is not already
/// channels-last; the result left channels-last, see TensorLayout.swift).
extension GraphImporter {
    /// The spatial geometry shared by Conv and the pools: the input of
    /// shape `[1, C, spatial...]` (batch axis 0, or none).
    func windowInput(_ node: Onnx_NodeProto, _ x: DynamicTensor, _ name: String) throws(QONNXError) -> Int {
        let rank = x.dims.count
        guard rank == 3 || rank == 4 else {
            throw error(node, name, "input of shape \(x.dims) is not [N, C, L] or [N, C, H, W]; \(node.opType) is supported in 1D and 2D")
        }
        guard x.dims[0] == 1, x.batchAxis == nil || x.batchAxis == 0 else {
            throw error(node, name, "input of shape \(x.dims) (batch axis \(x.batchAxis.map(String.init) ?? "none")) does not lead with its batch axis")
        }
        return rank - 2
    }

    /// `strides` or `dilations`: one positive integer per spatial axis (default 1).
    func perAxis(_ node: Onnx_NodeProto, _ name: String, spatial: Int) throws(QONNXError) -> [Int] {
        guard let v = try intsAttribute(node, name) else { return Array(repeating: 1, count: spatial) }
        guard v.count == spatial else { throw error(node, name, "\(name) \(v) has \(v.count) values; the input has \(spatial) spatial axes") }
        if let bad = v.first(where: { $0 < 1 }) { throw error(node, name, "\(name) \(v): \(bad) is not a positive integer") }
        if let bad = v.first(where: { $0 > 4096 }) { throw error(node, name, "\(name) \(v): \(bad) is more than the supported 4096") }
        return v
    }

    /// `pads` / `auto_pad` as a ``Padding``.
    func windowPadding(_ node: Onnx_NodeProto, spatial: Int, input: [Int], kernel: [Int], strides: [Int],
                       dilations: [Int]) throws(QONNXError) -> Padding {
        let auto = try stringAttribute(node, "auto_pad") ?? "NOTSET"
        switch auto {
        case "NOTSET", "":
            guard let pads = try intsAttribute(node, "pads") else { return .valid }
            guard pads.count == 2 * spatial else {
                throw error(node, "pads", "pads \(pads) has \(pads.count) values; expected \(2 * spatial) (begin and end of each spatial axis)")
            }
            if let bad = pads.first(where: { $0 < 0 }) { throw error(node, "pads", "pads \(pads): \(bad) is negative") }
            if pads.allSatisfy({ $0 == 0 }) { return .valid }
            return .explicit(before: Array(pads[..<spatial]), after: Array(pads[spatial...]))
        case "VALID": return .valid
        case "SAME_UPPER": return .same  // the smaller half before, as Keras's `same`
        case "SAME_LOWER":
            var before: [Int] = [], after: [Int] = []
            for i in 0..<spatial {
                let out = (input[i] + strides[i] - 1) / strides[i]
                let total = max((out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - input[i], 0)
                before.append((total + 1) / 2)
                after.append(total / 2)
            }
            return .explicit(before: before, after: after)
        default:
            throw error(node, "auto_pad", "auto_pad '\(auto)' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER")
        }
    }

    /// The window geometry, or the shape rule's error under ONNX's field names.
    func windows(_ node: Onnx_NodeProto, input: [Int], kernel: [Int], strides: [Int], dilations: [Int],
                 padding: Padding) throws(QONNXError) -> [WindowAxis] {
        do {
            return try Shapes.windows(input: input, kernel: kernel, strides: strides, dilations: dilations, padding: padding)
        } catch {
            let field = ["dilation": "dilations", "padding": "pads", "kernel": "kernel_shape"][error.field] ?? error.field
            throw self.error(node, field, "\(error.message) (input spatial shape \(input), kernel \(kernel), strides \(strides), dilations \(dilations))")
        }
    }

    /// `Conv`: `group` 1 or the channel count (depthwise, one filter per
    /// channel), weights constant (through `Quant`), optional bias.
    mutating func importConv(_ node: Onnx_NodeProto) throws(QONNXError) {
        var (x, inputError) = try linearInput(node, 0, "X")
        let spatial = try windowInput(node, x, "X")
        let channels = x.dims[1], inputSpatial = Array(x.dims[2...])
        let w = try constant(node, 1, "W")
        let weightError = weightError(w)
        // A float32 sum of rounded values (FloatSums.swift).
        let rounded = inputError > 0 || weightError > 0
        guard w.dims.count == spatial + 2 else {
            throw error(node, "W", "weights of shape \(w.dims) are not [filters, channels/group, kernel...] for a \(spatial)D input")
        }
        let filters = w.dims[0], kernel = Array(w.dims[2...])
        let group = try intAttribute(node, "group") ?? 1
        let depthwise: Bool
        if group == 1 {
            depthwise = false
            guard w.dims[1] == channels else {
                throw error(node, "W", "weights of shape \(w.dims) read \(w.dims[1]) channels; the input has \(channels)")
            }
        } else if group == channels {
            depthwise = true
            guard w.dims[1] == 1, filters == channels else {
                throw error(node, "group", "a depthwise Conv (group = channels = \(channels)) with weights \(w.dims) has a channel multiplier; one filter per channel ([\(channels), 1, kernel...]) is supported")
            }
        } else {
            throw error(node, "group", "group \(group) is not supported: 1 (a full convolution) or the input's channel count \(channels) (depthwise)")
        }
        if let ks = try intsAttribute(node, "kernel_shape"), ks != kernel {
            throw error(node, "kernel_shape", "kernel_shape \(ks) differs from the weights' kernel \(kernel)")
        }
        let strides = try perAxis(node, "strides", spatial: spatial)
        let dilations = try perAxis(node, "dilations", spatial: spatial)
        let padding = try windowPadding(node, spatial: spatial, input: inputSpatial, kernel: kernel, strides: strides, dilations: dilations)
        let axes = try windows(node, input: inputSpatial, kernel: kernel, strides: strides, dilations: dilations, padding: padding)

        // ONNX [f][c][taps] to the graph IR's [taps][c][f] (depthwise [taps][c]).
        let taps = kernel.reduce(1, *), perFilter = depthwise ? 1 : channels
        var values = w.values
        var weightType = w.quantType
        var outputPending: [Double]?
        if let f = w.factored {
            // A Quant scale per filter that is not a power of two: codes in, scale pending.
            var perFilterScale = [Double](repeating: 1, count: filters)
            for fi in 0..<filters {
                let block = fi * perFilter * taps
                perFilterScale[fi] = f.scales[block]
                if let i = (block..<(block + perFilter * taps)).first(where: { f.scales[$0] != f.scales[block] }) {
                    throw error(node, "W", "the weights' Quant scale varies within filter \(fi) (\(f.scales[block]) vs \(f.scales[i])); only per-filter scales can be folded into the next layer")
                }
            }
            values = f.codes
            outputPending = perFilterScale
            weightType = nil
        }
        if rounded, let p = try uniformPending(&x, node) {
            // The input's scale joins the output's pending factor; the weights stay integer codes.
            outputPending = (outputPending ?? Array(repeating: 1, count: filters)).map { $0 * p }
        } else if let p = try uniformPending(&x, node) {
            for i in values.indices {
                guard let v = ExactTypes.exactProduct(values[i], p) else {
                    throw error(node, "X", "reads a tensor carrying the scale \(p) of an earlier Quant or Mul node, which does not fold exactly into the weights")
                }
                values[i] = v
            }
            weightType = nil
        }
        var weights = [Double](repeating: 0, count: values.count)
        var rows = [[Double]](repeating: [], count: filters)
        for fi in 0..<filters {
            for c in 0..<perFilter {
                for t in 0..<taps {
                    let v = values[(fi * perFilter + c) * taps + t]
                    weights[depthwise ? t * channels + fi : (t * channels + c) * filters + fi] = v
                    rows[fi].append(v)
                }
            }
        }
        if weightType == nil { weightType = try exactType(values, node, "weight") }
        var bias = [Double](repeating: 0, count: filters)
        var biasType = FixedType.ufixed(1, 1)
        var sumConstants: [Double]?
        if hasInput(node, 2), rounded {
            // A float bias: one more term of the executor's float32 sum.
            let b = try constant(node, 2, "B")
            guard b.count == filters else { throw error(node, "B", "bias has \(b.count) values; expected one per filter (\(filters))") }
            sumConstants = b.values
        } else if hasInput(node, 2) {
            let b = try constant(node, 2, "B")
            guard b.count == filters else { throw error(node, "B", "bias has \(b.count) values; expected one per filter (\(filters))") }
            for fi in 0..<filters { bias[fi] = try unscale(b.values[fi], by: outputPending?[fi], node, "B", element: fi) }
            if let t = b.quantType, outputPending == nil { biasType = t } else { biasType = try exactType(bias, node, "bias") }
        }
        guard let range = ExactTypes.denseRange(weights: rows, bias: bias, input: x.type) else {
            throw error(node, nil, "the weights and bias together need more than 64 bits to be held exactly; quantize them with a Quant node")
        }
        let resultType = try exactType(range, node, "result")
        let conv = Convolution(kernel: kernel, strides: strides, dilations: dilations, padding: padding, inputChannels: channels,
                               filters: filters, depthwise: depthwise, weights: weights, bias: bias)
        let input = try view(x, axes: Array(2..<(spatial + 2)) + [1], source: node)
        let name = try emit(hint(node), .conv(conv), inputs: [input],
                            precision: LayerPrecision(weight: weightType, bias: biasType, result: resultType),
                            absorbable: true, source: node)
        let positions = axes.reduce(1) { $0 * $1.output }
        var y = DynamicTensor(
            tensor: name, dims: [1, filters] + axes.map(\.output), type: resultType,
            pending: outputPending.map { p in (0..<(positions * filters)).map { p[$0 % filters] } },
            soleUse: true, batchAxis: x.batchAxis, layout: [0] + Array(2..<(spatial + 2)) + [1])
        // The executor's float32 sum rounds: a float chain with its bound (FloatSums.swift).
        if rounded || (outputPending != nil && !holdsExactly(range, pending: outputPending)) {
            let scales = outputPending ?? Array(repeating: 1, count: filters)
            let constants = sumConstants ?? (bias.allSatisfy { $0 == 0 } ? nil : zip(bias, scales).map { $0 * $1 })
            let slack = sumSlack(rows: rows, input: x.type, outScale: scales, constants: constants,
                                 inputError: inputError, weightError: weightError)
            y.slack = (0..<(positions * filters)).map { slack[$0 % filters] }
            y.offset = sumConstants.map { c in (0..<(positions * filters)).map { c[$0 % filters] } }
            y.sumSource = Self.label(node)
            y.chain = FloatChain()
        }
        try define(node, .dynamic(y))
    }

    /// `MaxPool` and `AveragePool` (padding not counted: `count_include_pad=0`).
    mutating func importPool(_ node: Onnx_NodeProto) throws(QONNXError) {
        var x = try dynamic(node, 0, "X")
        let isMax = node.opType == "MaxPool"
        let spatial = try windowInput(node, x, "X")
        let inputSpatial = Array(x.dims[2...])
        if node.output.count > 1, !node.output[1].isEmpty {
            throw error(node, "Indices", "the Indices output of MaxPool is not supported")
        }
        guard let kernel = try intsAttribute(node, "kernel_shape") else { throw error(node, "kernel_shape", "kernel_shape is missing") }
        guard kernel.count == spatial else {
            throw error(node, "kernel_shape", "kernel_shape \(kernel) has \(kernel.count) values; the input has \(spatial) spatial axes")
        }
        if let bad = kernel.first(where: { $0 < 1 }) { throw error(node, "kernel_shape", "kernel_shape \(kernel): \(bad) is not a positive integer") }
        let strides = try perAxis(node, "strides", spatial: spatial)
        if try perAxis(node, "dilations", spatial: spatial).contains(where: { $0 != 1 }) {
            throw error(node, "dilations", "pooling with dilations is not supported")
        }
        if try intAttribute(node, "ceil_mode") ?? 0 != 0 {
            throw error(node, "ceil_mode", "ceil_mode=1 is not supported (windows past the padded input); pad explicitly instead")
        }
        let padding = try windowPadding(node, spatial: spatial, input: inputSpatial, kernel: kernel, strides: strides,
                                        dilations: kernel.map { _ in 1 })
        let axes = try windows(node, input: inputSpatial, kernel: kernel, strides: strides, dilations: kernel.map { _ in 1 },
                               padding: padding)
        // Only a positive factor commutes with a maximum: any other is applied first.
        if isMax, let p = x.pending, p.contains(where: { !($0 > 0) }) { x = try materialize(x, reader: "", source: node) }
        let pending = try uniformPending(&x, node)
        let type: FixedType
        if isMax {
            type = x.type
        } else {
            if padding != .valid, try intAttribute(node, "count_include_pad") ?? 0 != 0 {
                throw error(node, "count_include_pad", "count_include_pad=1 is not supported: the average counts only the input's elements in each window")
            }
            // Taps of each window inside the input, per axis; a window's count is their product.
            var counts: Set<Int> = [1]
            for a in axes {
                let inside = Set((0..<a.output).map { o in
                    let start = a.position(output: o, tap: 0)
                    return min(a.input, start + a.kernel) - max(0, start)
                })
                counts = Set(counts.flatMap { c in inside.map { c * $0 } })
            }
            if let bad = counts.sorted().first(where: { $0 & ($0 - 1) != 0 }) {
                throw error(node, "kernel_shape", "a window averages \(bad) elements: a mean over a count that is not a power of two is not exact in fixed point (the QONNX executor's float division rounds); use a power-of-two window, or MaxPool")
            }
            type = try meanType(x.type, counts: counts, node)
        }
        let input = try view(x, axes: Array(2..<(spatial + 2)) + [1], source: node)
        let pool = Pooling(kind: isMax ? .max : .average, size: kernel, strides: strides, padding: padding)
        let name = try emit(hint(node), .pool(pool), inputs: [input], precision: LayerPrecision(result: type),
                            absorbable: !isMax, source: node)
        let outDims = [1, x.dims[1]] + axes.map(\.output)
        try define(node, .dynamic(DynamicTensor(
            tensor: name, dims: outDims, type: type, pending: pending.map { p in Array(repeating: p, count: outDims.reduce(1, *)) },
            soleUse: true, batchAxis: x.batchAxis, layout: [0] + Array(2..<(spatial + 2)) + [1])))
    }

    /// `scale · conv(x) + shift` with one scale and shift per filter (a
    /// per-channel batchnorm, `Mul`/`Add` by a `[C, 1, 1]` constant), folded
    /// into the convolution that produces `x` when only this reads it and
    /// every product and sum is exact; nil otherwise (the caller emits an
    /// exact batchnorm). `scale` and `shift` are in the graph IR order, channels last.
    mutating func foldAffineIntoConv(_ x: DynamicTensor, scale: [Double], shift: [Double], node: Onnx_NodeProto,
                                     hint: String) throws(QONNXError) -> DynamicTensor? {
        guard x.soleUse, let i = nodeIndex[x.tensor], absorbable.contains(x.tensor), case .conv(var conv) = nodes[i].op,
              let input = producerType(of: nodes[i].inputs[0]) else { return nil }
        let f = conv.filters
        guard scale.indices.allSatisfy({ scale[$0] == scale[$0 % f] && shift[$0] == shift[$0 % f] }) else { return nil }
        // Weights are [taps][channels][filters] (depthwise [taps][channels], a filter per channel): index % f is the filter.
        for k in conv.weights.indices {
            guard let w = ExactTypes.exactProduct(conv.weights[k], scale[k % f]) else { return nil }
            conv.weights[k] = w
        }
        for j in 0..<f {
            guard let b = ExactTypes.exactProduct(conv.bias[j], scale[j]).flatMap({ ExactTypes.exactSum($0, shift[j]) }) else { return nil }
            conv.bias[j] = b
        }
        let rows = (0..<f).map { j in conv.weights.indices.filter { $0 % f == j }.map { conv.weights[$0] } }
        return adoptFoldedAffine(x, at: i, op: .conv(conv), rows: rows, bias: conv.bias, input: input,
                                 scaled: !scale.allSatisfy({ $0 == 1 }), node: node, hint: hint)
    }

    /// The exact type of means of `x` over `counts` elements (powers of two):
    /// the input's range with `log2(count)` more fractional bits.
    func meanType(_ x: FixedType, counts: Set<Int>, _ node: Onnx_NodeProto) throws(QONNXError) -> FixedType {
        let k = counts.map(\.trailingZeroBitCount).max() ?? 0
        let r = ValueRange(of: x)
        return try exactType(ValueRange(lo: r.lo << k, hi: r.hi << k, fractionBits: r.fractionBits + k), node, "mean")
    }
}

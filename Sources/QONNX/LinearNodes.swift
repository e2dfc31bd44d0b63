import FixedPoint
import Foundation
import ModelIR
import Passes

/// MatMul, Gemm, Add, Sub, Mul (with a constant), BatchNormalization.
extension GraphImporter {
    /// `x · W (+ C)` with constant `W`: a dense layer (one row per output).
    mutating func importMatMul(_ node: Onnx_NodeProto) throws(QONNXError) {
        var (x, inputError) = try linearInput(node, 0, "A")
        var w = try constant(node, 1, "B")
        let isGemm = node.opType == "Gemm"
        guard !x.dims.isEmpty else { throw error(node, "A", "the input is a scalar; MatMul needs [batch, features]") }
        // A tensor ([1, 16, 3] · [3, n]): the same weights at every leading
        // position (a per-particle dense layer), in the graph IR's dense over the last axis.
        let perPosition = !x.isVector
        if perPosition {
            guard !isGemm else {
                throw error(node, "A", "input of shape \(x.dims) is not a feature vector; Gemm reads [batch, features] (use MatMul for a tensor)")
            }
            guard w.dims.count == 2, x.dims.last == w.dims[0] else {
                throw error(node, "B", "weights of shape \(w.dims) do not multiply the input of shape \(x.dims): a tensor input needs 2-D weights [\(x.dims.last ?? 0), units] shared by every position")
            }
            x = try canonical(x, source: node)
        } else {
            x = try inONNXOrder(x, source: node)
        }
        // The last axis is summed over: it must not be the events.
        if let b = x.batchAxis, b == x.dims.count - 1 {
            throw error(node, "A", "the last axis of the input (shape \(x.dims)) is the batch axis: the product would sum over events")
        }
        let transA = isGemm ? try intAttribute(node, "transA") ?? 0 != 0 : false
        if transA {
            guard x.dims.count == 2 else { throw error(node, "transA", "transA needs a 2-D input") }
            guard x.batchAxis == nil else {
                throw error(node, "transA", "transA of an input with a batch axis would sum over events")
            }
        }
        // numpy's matmul sums over the last axis (the first with transA):
        // the features must lie along it, else the shapes do not multiply
        // ([4, 1] · [4, n]) and the result would not have the shape we record.
        let summed = transA ? 0 : x.dims.count - 1
        guard x.dims[summed] == (perPosition ? w.dims[0] : x.count) else {
            throw error(node, "A", "input of shape \(x.dims) does not hold its features on axis \(summed), the axis \(node.opType) sums over")
        }
        if isGemm, try intAttribute(node, "transB") ?? 0 != 0 {
            guard w.dims.count == 2 else { throw error(node, "B", "transB needs a 2-D B, got \(w.dims)") }
            let t = Broadcast.transpose(w.values, dims: w.dims, perm: [1, 0])
            let f = w.factored.map { (Broadcast.transpose($0.codes, dims: w.dims, perm: [1, 0]).values,
                                      Broadcast.transpose($0.scales, dims: w.dims, perm: [1, 0]).values) }
            w = ConstantTensor(dims: t.dims, values: t.values, quantType: w.quantType, factored: f)
        }
        guard w.dims.count == 2, w.dims[0] == (perPosition ? x.dims.last! : x.count) else {
            throw error(node, "B", "weights of shape \(w.dims) do not match the input's \(x.count) features (expected [\(x.count), units])")
        }
        let k = w.dims[0], n = w.dims[1]
        guard n >= 1, n <= 100_000 else { throw error(node, "B", "\(n) output units; 1 to 100000 are supported") }
        var alpha = 1.0
        if isGemm { alpha = try floatAttribute(node, "alpha") ?? 1 }
        // Factored weights (a Quant with a scale that is not a power of two):
        // the codes go into the layer and the per-output scale stays pending.
        var weights = w.values
        var outputPending: [Double]?
        var weightType = w.quantType
        if let f = w.factored {
            var perOutput = [Double](repeating: 0, count: n)
            for j in 0..<n {
                perOutput[j] = f.scales[j]
                for i in 0..<k where f.scales[i * n + j] != perOutput[j] {
                    throw error(node, "B", "the weights' Quant scale varies along the input axis (\(f.scales[j]) vs \(f.scales[i * n + j])); only per-output-channel scales can be folded into the next layer")
                }
            }
            weights = f.codes
            outputPending = perOutput
            weightType = nil
        }
        if alpha != 1 {
            if ExactTypes.isPowerOfTwo(abs(alpha)) {
                weights = weights.map { $0 * alpha }
            } else {
                // alpha · (x·W): a scale on the output, like a per-tensor weight scale.
                outputPending = (outputPending ?? Array(repeating: 1, count: n)).map { $0 * alpha }
            }
            weightType = nil
        }
        let weightError = weightError(w)
        if inputError > 0 || weightError > 0, alpha != 1, !ExactTypes.isPowerOfTwo(abs(alpha)) {
            throw error(node, "alpha", "alpha \(alpha) scales a float32 sum of rounded values (one more rounding of unknown order); only a power of two is supported there")
        }
        // A float32 sum of rounded values (FloatSums.swift): a per-tensor input
        // scale joins the output's pending factor; the weights stay integer codes.
        if inputError > 0 || weightError > 0, let p = x.pending, let p0 = p.first, p.allSatisfy({ $0 == p0 }) {
            outputPending = (outputPending ?? Array(repeating: 1, count: n)).map { $0 * p0 }
            x.pending = nil
        }
        // A pending factor on the input folds into the weight rows, exactly or
        // not at all; on a tensor, only when every position has the same.
        if perPosition, let p = x.pending, p.indices.contains(where: { p[$0] != p[$0 % k] }) {
            x = try materialize(x, reader: "", source: node)
        }
        if let p = x.pending {
            for i in 0..<k {
                for j in 0..<n {
                    guard let w = ExactTypes.exactProduct(weights[i * n + j], p[i]) else {
                        throw error(node, "A", "reads a tensor carrying the scale \(p[i]) (element \(i)) of an earlier Quant or Mul node, which does not fold exactly into this layer's weights")
                    }
                    weights[i * n + j] = w
                }
            }
            x.pending = nil
            weightType = nil
        }
        if transA { x.dims = [1, x.count] }  // Aᵀ: one row of features
        try finishMatMul(node, x: x, weights: weights, k: k, n: n, weightType: weightType, pending: outputPending,
                         inputError: inputError, weightError: weightError)
    }

    mutating func finishMatMul(_ node: Onnx_NodeProto, x: DynamicTensor, weights flat: [Double], k: Int, n: Int,
                               weightType given: FixedType?, pending: [Double]?,
                               inputError: Double = 0, weightError: Double = 0) throws(QONNXError) {
        let rounded = inputError > 0 || weightError > 0
        let rows = (0..<n).map { j in (0..<k).map { i in flat[i * n + j] } }
        var weightType: FixedType
        if let given { weightType = given } else { weightType = try exactType(flat, node, "weight") }
        var bias = [Double](repeating: 0, count: n)
        var biasType = FixedType.ufixed(1, 1)
        var floatBias: [Double]?
        var sumConstants: [Double]?
        if node.opType == "Gemm", hasInput(node, 2) {
            let c = try constant(node, 2, "C")
            let beta = try floatAttribute(node, "beta") ?? 1
            let outDims = Array(x.dims.dropLast()) + [n]
            let expanded = try broadcast(c, to: outDims, node, "C")
            // A float bias the executor's sum rounds (Brevitas's float bias): a float chain after the layer;
            // in a sum of rounded values, one more term of that sum (FloatSums.swift).
            if rounded {
                let scaled = expanded.map { $0 * beta }
                if let j = expanded.indices.first(where: { (-scaled[$0]).addingProduct(expanded[$0], beta) != 0 }) {
                    throw error(node, "beta", "beta × C is not exact for element \(j)")
                }
                sumConstants = scaled
                floatBias = Array(repeating: 0, count: n)
            } else if beta == 1, k <= 128, !gemmBiasIsExact(expanded, rows: rows, input: x.type, pending: pending) {
                floatBias = expanded
            }
            for j in 0..<n where floatBias == nil {
                guard let scaled = ExactTypes.exactProduct(expanded[j], beta) else {
                    throw error(node, "beta", "beta × C is not exact for element \(j)")
                }
                bias[j] = try unscale(scaled, by: pending?[j], node, "C", element: j)
            }
            if floatBias != nil {
                bias = Array(repeating: 0, count: n)
            } else if let t = c.quantType, pending == nil, beta == 1 { biasType = t } else { biasType = try exactType(bias, node, "bias") }
        }
        guard let range = ExactTypes.denseRange(weights: rows, bias: bias, input: x.type) else {
            throw error(node, nil, "the weights and bias together need more than 64 bits to be held exactly (e.g. a weight of 2^70 next to one of 2^-60); quantize them with a Quant node")
        }
        let resultType = try exactType(range, node, "result")
        let name = try emit(hint(node), .dense(Dense(weights: rows, bias: bias)), inputs: [x.tensor],
                        precision: LayerPrecision(weight: weightType, bias: biasType, result: resultType),
                        absorbable: true, source: node)
        let positions = x.count / k
        var y = DynamicTensor(tensor: name, dims: Array(x.dims.dropLast()) + [n], type: resultType,
                              pending: pending.map { p in (0..<(positions * n)).map { p[$0 % n] } },
                              soleUse: true, batchAxis: x.batchAxis)
        if let sumConstants {
            y.offset = (0..<(positions * n)).map { sumConstants[$0 % n] }
        } else if let floatBias {
            y = chained(y, .add((0..<(positions * n)).map { floatBias[$0 % n] }), node)
        }
        // The executor's float32 sum rounds: a float chain with its bound (FloatSums.swift).
        if rounded || (pending != nil && !holdsExactly(range, pending: pending)) {
            let scales = pending ?? Array(repeating: 1, count: n)
            let constants = sumConstants ?? (bias.allSatisfy { $0 == 0 } ? nil : zip(bias, scales).map { $0 * $1 })
            let slack = sumSlack(rows: rows, input: x.type, outScale: scales, constants: constants,
                                 inputError: inputError, weightError: weightError)
            y.slack = (0..<(positions * n)).map { slack[$0 % n] }
            y.sumSource = Self.label(node)
            if y.chain == nil { y.chain = FloatChain() }
        }
        try define(node, .dynamic(y))
    }

    /// `value / factor` when it is exact (a bias under a pending scale).
    func unscale(_ value: Double, by factor: Double?, _ node: Onnx_NodeProto, _ field: String, element: Int) throws(QONNXError) -> Double {
        guard let factor, factor != 1 else { return value }
        guard let q = ExactTypes.exactQuotient(value, factor), ExactTypes.type(holding: [q]) != nil else {
            throw error(node, field, "element \(element) (\(value)) divided by the pending scale \(factor) of the earlier Quant node is not exact, so that scale cannot be folded; quantize the bias with the scale input_scale × weight_scale")
        }
        return q
    }

    /// Add, Sub, Mul: with a constant (a bias, a shift, a scale) or of two computed tensors.
    mutating func importElementwise(_ node: Onnx_NodeProto) throws(QONNXError) {
        let a = try value(node, 0, "A", allowChain: true), b = try value(node, 1, "B", allowChain: true)
        // A float chain continues only through an operator with a constant.
        if case .dynamic = a, case .dynamic = b {
            _ = try value(node, 0, "A")
            _ = try value(node, 1, "B")
        }
        switch (a, b) {
        case (.constant(let x), .constant(let y)):
            if x.holdsBatchSize || y.holdsBatchSize {
                throw error(node, nil, "arithmetic on a shape that holds the batch size (from Shape) is not supported: the batch size is not known at import")
            }
            guard let shape = Broadcast.shape(x.dims, y.dims) else { throw error(node, nil, "shapes \(x.dims) and \(y.dims) do not broadcast") }
            // Refused before anything is computed: [50000, 1] + [1, 50000]
            // is 2.5·10^9 values from a file of 400 KB.
            guard let n = Shape.elements(shape), n <= ONNXLimits.maxElements else {
                throw error(node, nil, "shapes \(x.dims) and \(y.dims) broadcast to \(shape), more than \(ONNXLimits.maxElements) elements; constants computed at import are limited to \(ONNXLimits.maxElements)")
            }
            let xs = BroadcastView(x.values, dims: x.dims, to: shape), ys = BroadcastView(y.values, dims: y.dims, to: shape)
            // The operator is chosen once, not compared as a string per element
            // (9·10^6 string comparisons took minutes in a debug build).
            let op: (Double, Double) -> Double
            switch node.opType {
            case "Add": op = { $0 + $1 }
            case "Sub": op = { $0 - $1 }
            default: op = { $0 * $1 }
            }
            let isDouble = elementIsDouble
            let values = [Double](unsafeUninitializedCapacity: n) { out, initialized in
                for i in 0..<n {
                    let r = op(xs[i], ys[i])
                    out[i] = isDouble ? r : Double(Float(r))
                }
                initialized = n
            }
            try define(node, .constant(ConstantTensor(dims: shape, values: values)))
        case (.dynamic(let x), .constant(let c)):
            try importWithConstant(node, x, c, constantFirst: false)
        case (.constant(let c), .dynamic(let x)):
            try importWithConstant(node, x, c, constantFirst: true)
        case (.dynamic(let x), .dynamic(let y)):
            try importBinary(node, x, y)
        }
    }

    mutating func importWithConstant(_ node: Onnx_NodeProto, _ input: DynamicTensor, _ c: ConstantTensor, constantFirst: Bool) throws(QONNXError) {
        var x = input
        // A constant that broadcasts the tensor to more elements ([N, 4, 1] · [1, 1, 3]):
        // the tensor's values repeated first (a gather), then per element.
        if let full = Broadcast.shape(x.dims, c.dims), let n = Shape.elements(full), n > x.count {
            if x.chain != nil {
                throw error(node, constantFirst ? "B" : "A", "the constant of shape \(c.dims) broadcasts the float chain \(x.dims) to more elements; a constant per element or per channel is supported")
            }
            x = try repeated(x, to: full, node)
        }
        // In the graph IR tensor's order (a convolution's result is channels-last).
        let values = inIROrder(try broadcast(c, to: x.dims, node, constantFirst ? "A" : "B"), x)
        // The same elements, but numpy's rank: [1, 4] + [1, 1, 4] is [1, 1, 4].
        let shape = Broadcast.shape(x.dims, c.dims) ?? x.dims
        if let step = try floatStep(node, x, values, constantFirst: constantFirst) {
            var y = chained(x, step, node)
            y.dims = shape
            y.batchAxis = x.batchAxis.map { $0 + shape.count - x.dims.count }
            y.layout = x.layout.map { l in Array(0..<(shape.count - x.dims.count)) + l.map { $0 + shape.count - x.dims.count } }
            try define(node, .dynamic(y))
            return
        }
        switch node.opType {
        case "Mul":
            // A scale: pending until a Quant node absorbs it or it is applied exactly.
            var y = x
            let factors = (x.pending ?? Array(repeating: 1, count: x.count))
            var product: [Double] = []
            for i in 0..<x.count {
                guard let p = ExactTypes.exactProduct(factors[i], values[i]), p != 0 else {
                    throw error(node, nil, "multiplying by \(values[i]) (element \(i)) is not supported (zero, or not exact)")
                }
                product.append(p)
            }
            y.pending = product
            y.dims = shape
            y.batchAxis = x.batchAxis.map { $0 + shape.count - x.dims.count }
            y.layout = x.layout.map { l in Array(0..<(shape.count - x.dims.count)) + l.map { $0 + shape.count - x.dims.count } }
            try define(node, .dynamic(y))
        default:
            // x + c, x - c, c - x as scale·x + shift (exact), under a pending scale.
            let negate = node.opType == "Sub" && constantFirst
            let sign: Double = negate ? -1 : 1
            var shift: [Double] = []
            for i in 0..<x.count {
                let t = node.opType == "Sub" && !constantFirst ? -values[i] : values[i]
                shift.append(try unscale(t, by: x.pending?[i], node, constantFirst ? "A" : "B", element: i))
            }
            var input = x
            let pending = x.pending
            input.pending = nil
            let scale = Array(repeating: sign, count: x.count)
            // c - p·v = p·(c/p - v): the shift was divided by p above.
            var y = try emitAffine(input, scale: scale, shift: shift, node: node, hint: hint(node))
            y.pending = pending
            y.dims = shape
            y.batchAxis = x.batchAxis.map { $0 + shape.count - x.dims.count }
            y.layout = x.layout.map { l in Array(0..<(shape.count - x.dims.count)) + l.map { $0 + shape.count - x.dims.count } }
            try define(node, .dynamic(y))
        }
    }

    /// Inference batch normalisation over the feature axis, as an exact
    /// per-element scale and shift: `scale/sqrt(var+eps)` and
    /// `B - mean·scale/sqrt(var+eps)` must be exact in the model's element type.
    mutating func importBatchNorm(_ node: Onnx_NodeProto) throws(QONNXError) {
        var x = try dynamic(node, 0, "X", allowChain: true)
        guard x.dims.count >= 2, x.dims[0] == 1, x.batchAxis == nil || x.batchAxis == 0 else {
            throw error(node, "X", "input of shape \(x.dims) is not [batch, channels, ...]")
        }
        // Per channel: axis 1 of [N, C, spatial...].
        let n = x.dims[1], inner = x.count / n
        var params: [[Double]] = []
        for (i, what) in [(1, "scale"), (2, "B"), (3, "input_mean"), (4, "input_var")] {
            let c = try constant(node, i, what)
            guard c.count == n || c.count == 1 else { throw error(node, what, "\(what) has \(c.count) values; expected \(n)") }
            params.append(c.count == 1 ? Array(repeating: c.values[0], count: n) : c.values)
        }
        let epsilon = try floatAttribute(node, "epsilon") ?? 1e-5
        // The executor's factors (onnxruntime): y = x·a + b, each operation rounded.
        var scale: [Double] = [], shift: [Double] = []
        for j in 0..<n {
            let v = params[3][j] + epsilon
            guard v > 0 else { throw error(node, "input_var", "variance + epsilon is \(v) for channel \(j); it must be positive") }
            let (a, b) = batchNormFactors(scale: params[0][j], bias: params[1][j], mean: params[2][j], variance: params[3][j], epsilon: epsilon)
            guard a.isFinite, b.isFinite else {
                throw error(node, nil, "channel \(j): the executor's factor \(a) and shift \(b) are not finite")
            }
            scale.append(a); shift.append(b)
        }
        if inner > 1 || !isCanonical(x) {
            // Each element its channel's parameters, in the graph IR tensor's order.
            scale = inIROrder((0..<x.count).map { scale[$0 / inner] }, x)
            shift = inIROrder((0..<x.count).map { shift[$0 / inner] }, x)
        }
        // Exact when x·a and then + b round nothing over the whole range of x; else a float chain.
        let factors = x.pending ?? Array(repeating: 1, count: x.count)
        let xr = ValueRange(of: x.type)
        let codeBits = 128 - max(xr.lo.magnitude, xr.hi.magnitude).leadingZeroBitCount
        var exact = x.chain == nil
        var unscaled: [Double] = []
        for j in 0..<x.count where exact {
            // p·v·a exact, and b a multiple of p (the existing path computes p·(a·v + b/p)).
            guard let pa = ExactTypes.exactProduct(factors[j], scale[j]), pa != 0, Self.significantBits(pa) + codeBits <= mantissaBits,
                  let q = x.pending == nil ? shift[j] : ExactTypes.exactQuotient(shift[j], factors[j]) else { exact = false; break }
            unscaled.append(q)
        }
        if exact, let sr = ExactTypes.range(of: scale), let tr = ExactTypes.range(of: unscaled) {
            exact = holdsExactly(xr * sr + tr, pending: x.pending)
        } else {
            exact = false
        }
        if !exact {
            try define(node, .dynamic(chained(chained(x, .multiply(scale), node), .add(shift), node)))
            return
        }
        if let p = x.pending {
            // s·(p·v) + t = p·(s·v + t/p)
            for j in 0..<x.count { shift[j] = try unscale(shift[j], by: p[j], node, "B", element: j) }
        }
        let pending = x.pending
        x.pending = nil
        var y = try emitAffine(x, scale: scale, shift: shift, node: node, hint: hint(node))
        y.pending = pending
        try define(node, .dynamic(y))
    }
}

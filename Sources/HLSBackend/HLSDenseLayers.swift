import FixedPoint
import ModelIR

/// Dense and scale ops: `nnet::dense_latency`/`dense_resource` and
/// `nnet::normalize` (nnet_dense.h, nnet_batchnorm.h).
extension HLSLayerPlanner {
    /// The typedefs, activation policy, configuration name and bias array
    /// that a dense and a scale layer share, claimed in this order.
    struct Accumulation {
        var weightT: String
        var biasT: String
        var accumT: String
        /// The pre-activation type: `accumT` when the op has none.
        var preT: String
        var activation: String
        var config: String
        var bias: HLSArray

        /// The configuration's type members: `weightMember` names the weights' type.
        func typeMembers(weightMember: String) -> [String] {
            ["typedef \(weightT) \(weightMember);", "typedef \(biasT) bias_t;",
             "typedef \(accumT) accum_t;", "typedef \(preT) pre_t;",
             "typedef \(activation) activation;"]
        }
    }

    mutating func accumulation(_ a: some AccumulatingOp, _ site: HLSOpSite, into layer: inout HLSLayer) -> Accumulation {
        let base = site.base, name = site.op.name
        let weightT = names.make(base + "_weight_t"), biasT = names.make(base + "_bias_t")
        let accumT = names.make(base + "_accum_t")
        layer.typedefs += [
            HLSTypedef(name: weightT, type: a.weightType, comment: "weights of \(name)"),
            HLSTypedef(name: biasT, type: a.biasType, comment: "biases of \(name)"),
            HLSTypedef(name: accumT, type: a.accumulatorType, comment: "accumulator of \(name) (wraps)"),
        ]
        var preT = accumT
        if let pre = a.preActivationType {
            preT = names.make(base + "_pre_t")
            layer.typedefs.append(HLSTypedef(name: preT, type: pre, comment: "\(name) result before its activation"))
        }
        let activation = activationPolicy(a.activation, base: base, into: &layer)
        let config = names.make("config_" + base)
        layer.header = base
        let biasArray = names.make(base + "_biases")
        let bias = HLSArray(comment: "biases of \(name), \(a.biasType)", typeName: biasT, name: biasArray, size: a.bias.count,
                            lines: Self.chunks(a.bias.map { HLSLiterals.literal($0, of: a.biasType, typeName: biasT) }))
        return Accumulation(weightT: weightT, biasT: biasT, accumT: accumT, preT: preT, activation: activation, config: config, bias: bias)
    }

    /// `nnet::dense_latency` (reuse factor 1) or `nnet::dense_resource`, with
    /// the full weight matrix, input-major.
    mutating func planDense(_ d: DenseOp, _ site: HLSOpSite) throws(HLSError) -> HLSLayer {
        let nIn = site.inputs[0].size, nOut = site.output.size, rf = site.reuseFactor
        try Self.checkRows(d, nIn: nIn, nOut: nOut, op: site.op)
        if Self.usesSparse(d, nIn: nIn, reuseFactor: rf) { return planSparseDense(d, site) }
        var layer = HLSLayer(op: site.op, summary: "")
        let acc = accumulation(d, site, into: &layer)
        let strategy = rf == 1 ? "latency" : "resource"
        let nMult = (nIn * nOut + rf - 1) / rf
        var weights = [Int64](repeating: 0, count: nIn * nOut)
        for (j, row) in d.rows.enumerated() { for t in row { weights[t.input * nOut + j] = t.weight } }
        var lines: [String] = []
        for i in 0..<nIn {
            let row = (0..<nOut).map { HLSLiterals.literal(weights[i * nOut + $0], of: d.weightType, typeName: acc.weightT) }
            lines.append("// input \(i)")
            lines += Self.chunks(row)
        }
        let weightArray = names.make(site.base + "_weights")
        layer.summary = "\(site.op.name): dense \(nIn) -> \(nOut), \(strategy) strategy, \(d.activation.kindName), \(d.termCount) nonzero weights\(site.from)"
        layer.config = HLSConfig(name: acc.config, base: "dense_config", members: [
            "static const unsigned n_in = \(nIn);",
            "static const unsigned n_out = \(nOut);",
            "static const unsigned reuse_factor = \(rf);",
            "static const unsigned n_mult = \(nMult);",
        ] + acc.typeMembers(weightMember: "weight_t"))
        layer.arrays = [
            HLSArray(comment: "weights of \(site.op.name), \(d.weightType), input-major: w[i * \(nOut) + j] multiplies input i into output j",
                     typeName: acc.weightT, name: weightArray, size: nIn * nOut, lines: lines),
            acc.bias,
        ]
        layer.calls = [site.call("dense_\(strategy)", config: acc.config, extra: [weightArray, acc.bias.name])]
        return layer
    }

    /// `nnet::normalize`: one weight and one bias per element.
    mutating func planScale(_ s: ScaleOp, _ site: HLSOpSite) -> HLSLayer {
        let n = site.output.size
        var layer = HLSLayer(op: site.op, summary: "")
        let acc = accumulation(s, site, into: &layer)
        let scaleArray = names.make(site.base + "_scale")
        layer.summary = "\(site.op.name): per-element scale and bias on \(n) elements, \(s.activation.kindName)\(site.from)"
        layer.config = HLSConfig(name: acc.config, base: "batchnorm_config", members: [
            "static const unsigned n_in = \(n);",
            "static const unsigned reuse_factor = \(site.reuseFactor);",
        ] + acc.typeMembers(weightMember: "scale_t"))
        layer.arrays = [
            HLSArray(comment: "scales of \(site.op.name), \(s.weightType)", typeName: acc.weightT, name: scaleArray, size: n,
                     lines: Self.chunks(s.weights.map { HLSLiterals.literal($0, of: s.weightType, typeName: acc.weightT) })),
            acc.bias,
        ]
        layer.calls = [site.call("normalize", config: acc.config, extra: [scaleArray, acc.bias.name])]
        return layer
    }

    /// Rows must name each input at most once: two terms on one input would
    /// be quantized separately, which a weight matrix cannot express.
    static func checkRows(_ d: DenseOp, nIn: Int, nOut: Int, op: LoweredOp) throws(HLSError) {
        guard d.rows.count == nOut, d.bias.count == nOut else {
            throw .unsupported(layer: op.name, "dense rows (\(d.rows.count)) or biases (\(d.bias.count)) do not match \(nOut) outputs")
        }
        for (j, row) in d.rows.enumerated() {
            var seen = Set<Int>()
            for t in row {
                guard t.input >= 0, t.input < nIn, seen.insert(t.input).inserted else {
                    throw .unsupported(layer: op.name, "output \(j) has a repeated or out-of-range input index \(t.input)")
                }
            }
        }
    }
}

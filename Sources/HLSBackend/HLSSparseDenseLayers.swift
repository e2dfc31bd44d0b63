import ModelIR

/// Dense ops that read a small part of their input per output — a
/// convolution, a per-particle layer, a pooling average, all rows of one
/// window — as `nnet::dense_sparse` (nnet_tensor.h): each output's terms
/// (input index, weight) instead of a weight matrix that is mostly zeros.
extension HLSLayerPlanner {
    /// At reuse factor 1, when fewer than a quarter of the matrix's weights are nonzero.
    static func isSparse(_ d: DenseOp, nIn: Int, reuseFactor: Int) -> Bool {
        reuseFactor == 1 && d.termCount * 4 < nIn * d.rows.count
    }

    /// Whether the op is planned as `dense_sparse`: when sparse at reuse 1,
    /// and always for a convolution with its own reuse factor (its rows
    /// at that factor, ``ModelIR/DenseOp/multiplex``).
    static func usesSparse(_ d: DenseOp, nIn: Int, reuseFactor: Int) -> Bool {
        d.multiplex != nil || isSparse(d, nIn: nIn, reuseFactor: reuseFactor)
    }

    /// A convolution's own reuse factor (`reuse` in model.json, `--reuse layer=N`), else nil.
    static func layerReuse(_ op: LoweredOp) -> Int? {
        if case .dense(let d) = op.kind { return d.multiplex?.reuse }
        return nil
    }

    mutating func planSparseDense(_ d: DenseOp, _ site: HLSOpSite) -> HLSLayer {
        let nIn = site.inputs[0].size, nOut = site.output.size
        var layer = HLSLayer(op: site.op, summary: "")
        let acc = accumulation(d, site, into: &layer)
        layer.definitions.insert("#include \"nnet_utils/\(Self.tensorHeader)\"", at: 0)
        // Every row padded to the longest with (input 0, weight 0): Q_A(0 * x) = 0 adds nothing.
        let terms = max(1, d.rows.map(\.count).max() ?? 1)
        var weights: [String] = [], inputs: [String] = []
        for row in d.rows {
            for k in 0..<terms {
                let t = k < row.count ? row[k] : WeightTerm(input: 0, weight: 0)
                weights.append(HLSLiterals.literal(t.weight, of: d.weightType, typeName: acc.weightT))
                inputs.append("\(t.input)")
            }
        }
        let weightArray = names.make(site.base + "_weights"), indexArray = names.make(site.base + "_inputs")
        layer.summary = "\(site.op.name): sparse dense \(nIn) -> \(nOut), \(terms) terms per output, \(d.activation.kindName), \(d.termCount) nonzero weights\(site.from)"
            + (site.reuseFactor > 1 ? ", reuse factor \(site.reuseFactor) (its own)" : "")
        layer.config = HLSConfig(name: acc.config, base: "dense_sparse_config", members: [
            "static const unsigned n_in = \(nIn);",
            "static const unsigned n_out = \(nOut);",
            "static const unsigned n_terms = \(terms);",
            "static const unsigned reuse_factor = \(site.reuseFactor);",
        ] + (site.reuseFactor > 1 ? ["static const unsigned multiplier_limit = \((nOut * terms + site.reuseFactor - 1) / site.reuseFactor);"] : [])
          + acc.typeMembers(weightMember: "weight_t"))
        layer.arrays = [
            HLSArray(comment: "weights of \(site.op.name), \(d.weightType), \(terms) per output", typeName: acc.weightT,
                     name: weightArray, size: weights.count, lines: Self.chunks(weights)),
            HLSArray(comment: "input index of each weight of \(site.op.name)", typeName: "unsigned",
                     name: indexArray, size: inputs.count, lines: Self.chunks(inputs)),
            acc.bias,
        ]
        layer.calls = [site.call("dense_sparse", config: acc.config, extra: [weightArray, indexArray, acc.bias.name])]
        return layer
    }
}

import FixedPoint
import ModelIR

/// Table lookups and softmax: `nnet::table_activation` and `nnet::softmax`
/// (nnet_activation.h), with every shift and address type computed here.
extension HLSLayerPlanner {
    /// A sigmoid or tanh by table.
    mutating func planTable(_ t: TableOp, _ site: HLSOpSite) -> HLSLayer {
        let name = site.op.name, out = site.output
        var layer = HLSLayer(op: site.op, summary: "")
        let config = names.make("config_" + site.base)
        let indexT = names.make(site.base + "_index_t")
        let x = site.inputs[0].type
        let shift = t.shift(inputFractionBits: x.fractionBits)
        let index = Self.indexPlan(codeBits: x.width + (x.isSigned ? 0 : 1), shift: shift, indexBits: t.indexBits, centred: true)
        layer.typedefs.append(HLSTypedef(name: indexT, spelled: index.type, comment: "\(name) table address before clamping"))
        let tableArray = names.make(site.base + "_table")
        layer.header = site.base
        let size = 1 << t.indexBits
        let tableT = site.dataTypes.last!
        layer.summary = "\(name): \(t.function.rawValue) by a table of \(size) entries over [-2^\(t.rangeLog2), 2^\(t.rangeLog2)) on \(out.size) elements\(site.from)"
        layer.config = HLSConfig(name: config, base: "table_config", members: [
            "static const unsigned n_in = \(out.size);",
            "static const unsigned reuse_factor = \(site.reuseFactor);",
            "static const unsigned table_size = \(size);",
            "// index = clamp((x >> \(shift)) + \(size / 2), 0, \(size - 1)) on the raw code x",
            "static const int shift_right = \(index.right);",
            "static const int shift_left = \(index.left);",
            "typedef \(indexT) index_t;",
            "typedef \(tableT) table_t;",
        ])
        layer.arrays = [HLSArray(comment: "\(t.function.rawValue) of each bin centre, \(out.type)", typeName: tableT,
                                 name: tableArray, size: size,
                                 lines: Self.chunks(t.values.map { HLSLiterals.literal($0, of: out.type, typeName: tableT) }))]
        layer.calls = [site.call("table_activation", config: config, extra: [tableArray])]
        return layer
    }

    /// Softmax by an exp table and an inverse table.
    mutating func planSoftmax(_ s: SoftmaxOp, _ site: HLSOpSite) -> HLSLayer {
        let name = site.op.name, base = site.base
        var layer = HLSLayer(op: site.op, summary: "")
        let config = names.make("config_" + base)
        let x = site.inputs[0].type
        let expT = names.make(base + "_exp_t"), invT = names.make(base + "_inv_t"), sumT = names.make(base + "_sum_t")
        let expIndexT = names.make(base + "_exp_index_t"), invIndexT = names.make(base + "_inv_index_t")
        // m - x[i] needs one bit more than x; it is never negative.
        let expShift = s.expShift(inputFractionBits: x.fractionBits)
        let expIndex = Self.indexPlan(codeBits: x.width + 1, shift: expShift, indexBits: s.expIndexBits, centred: false)
        let invIndex = Self.indexPlan(codeBits: s.sumType.width + (s.sumType.isSigned ? 0 : 1), shift: s.inverseShift,
                                      indexBits: s.inverseIndexBits, centred: false)
        layer.typedefs += [
            HLSTypedef(name: expT, type: s.expType, comment: "\(name) exp table entries"),
            HLSTypedef(name: sumT, type: s.sumType, comment: "\(name) exact sum of the exp values"),
            HLSTypedef(name: invT, type: s.inverseType, comment: "\(name) inverse table entries"),
            HLSTypedef(name: expIndexT, spelled: expIndex.type, comment: "\(name) m - x and its table address"),
            HLSTypedef(name: invIndexT, spelled: invIndex.type, comment: "\(name) sum code and its table address"),
        ]
        let expSize = 1 << s.expIndexBits, invSize = 1 << s.inverseIndexBits
        let expArray = names.make(base + "_exp_table"), invArray = names.make(base + "_inv_table")
        layer.header = base
        layer.summary = "\(name): softmax on \(site.output.size) elements, exp table \(expSize), inverse table \(invSize)\(site.from)"
        layer.config = HLSConfig(name: config, base: "softmax_config", members: [
            "static const unsigned n_in = \(site.output.size);",
            "static const unsigned reuse_factor = \(site.reuseFactor);",
            "static const unsigned exp_table_size = \(expSize);",
            "// exp index = min((m - x) >> \(expShift), \(expSize - 1))",
            "static const int exp_shift_right = \(expIndex.right);",
            "static const int exp_shift_left = \(expIndex.left);",
            "static const unsigned inv_table_size = \(invSize);",
            "// inverse index = min(s >> \(s.inverseShift), \(invSize - 1))",
            "static const int inv_shift_right = \(invIndex.right);",
            "static const int inv_shift_left = \(invIndex.left);",
            "typedef \(expT) exp_t;", "typedef \(sumT) sum_t;", "typedef \(invT) inv_t;",
            "typedef \(expIndexT) exp_index_t;", "typedef \(invIndexT) inv_index_t;",
        ])
        layer.arrays = [
            HLSArray(comment: "exp(-d) at the bin centres over [0, 2^\(s.expRangeLog2)), \(s.expType)", typeName: expT, name: expArray,
                     size: expSize, lines: Self.chunks(s.expValues.map { HLSLiterals.literal($0, of: s.expType, typeName: expT) })),
            HLSArray(comment: "1/s at the bin centres over [0, 2^\(s.inverseRangeLog2)), \(s.inverseType)", typeName: invT, name: invArray,
                     size: invSize, lines: Self.chunks(s.inverseValues.map { HLSLiterals.literal($0, of: s.inverseType, typeName: invT) })),
        ]
        layer.calls = [site.call("softmax", config: config, extra: [expArray, invArray])]
        return layer
    }

    /// How to form a table address from a raw code of `codeBits` signed bits.
    ///
    /// `shift` is the IR's shift (negative: left). Shifts that cannot change
    /// the clamped result are shortened: a right shift by `codeBits - 1` or
    /// more leaves only the sign, and a left shift by `indexBits + 1` or more
    /// already sends every nonzero code out of the table. The address type
    /// holds the shifted code plus the centring offset without overflow.
    static func indexPlan(codeBits: Int, shift: Int, indexBits: Int, centred: Bool)
        -> (type: String, right: Int, left: Int) {
        let right = shift > 0 ? min(shift, codeBits - 1) : 0
        let left = shift < 0 ? min(-shift, indexBits + 1) : 0
        let bits = max(codeBits, indexBits + 1) + left + (centred ? 1 : 0) + 1
        return ("ap_int<\(bits)>", right, left)
    }
}

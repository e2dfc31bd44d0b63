import FixedPoint
import ModelIR

/// A `typedef` in parameters.h.
struct HLSTypedef {
    var name: String
    /// The Vitis spelling, e.g. `ap_fixed<16,6,AP_RND,AP_SAT>`.
    var type: String
    var comment: String

    init(name: String, type: FixedType, comment: String) {
        self.init(name: name, spelled: type.description, comment: comment)
    }

    init(name: String, spelled: String, comment: String) {
        self.name = name
        self.type = spelled
        self.comment = comment
    }
}

/// A configuration struct in parameters.h: `struct name : nnet::base { members };`.
struct HLSConfig {
    var name: String
    var base: String
    var members: [String]
}

/// A constant array in a layer's weights header.
struct HLSArray {
    var comment: String
    var typeName: String
    var name: String
    var size: Int
    /// The initializer, line by line (values end with a comma).
    var lines: [String]
}

/// Everything one lowered op contributes to the project.
struct HLSLayer {
    var op: LoweredOp
    /// One line for comments: what the layer computes and where it came from.
    var summary: String
    var typedefs: [HLSTypedef] = []
    /// Extra definitions placed after the typedefs (e.g. a LeakyReLU slope).
    var definitions: [String] = []
    var config: HLSConfig?
    /// Constants for `firmware/weights/<header>.h`; none for layers without any.
    var arrays: [HLSArray] = []
    var header: String?
    /// Statements in the top function.
    var calls: [String] = []
}

/// Turns lowered ops into layer-library calls, configurations and constants.
/// Every number that decides the arithmetic (types, shifts, table contents)
/// is computed here from the lowered IR.
struct HLSLayerPlanner {
    let model: LoweredModel
    let options: HLSOptions
    var names: HLSNames
    /// Per tensor: its type's typedef name.
    let tensorTypes: [String]

    init(model: LoweredModel, options: HLSOptions, names: HLSNames) {
        self.model = model
        self.options = options
        var n = names
        tensorTypes = names.tensorVariables.map { n.make($0 + "_t") }
        self.names = n
    }

    private func variable(_ t: TensorID) -> String { names.tensorVariables[t.index] }
    private func typeName(_ t: TensorID) -> String { tensorTypes[t.index] }

    mutating func plan(_ op: LoweredOp) throws(HLSError) -> HLSLayer {
        let base = HLSNames.identifier(op.name)
        let from = op.sourceLayers == [op.name] || op.sourceLayers.isEmpty ? "" : " (from " + op.sourceLayers.joined(separator: " + ") + ")"
        let out = model[op.output]
        let inputs = op.inputs.map { model[$0] }
        var layer = HLSLayer(op: op, summary: "")
        let args = op.inputs.map(variable) + [variable(op.output)]
        let dataTypes = op.inputs.map(typeName) + [typeName(op.output)]
        let rf = options.reuseFactor

        switch op.kind {
        case .dense(let d):
            let nIn = inputs[0].size, nOut = out.size
            try checkRows(d, nIn: nIn, nOut: nOut, op: op)
            let weightT = names.make(base + "_weight_t"), biasT = names.make(base + "_bias_t")
            let accumT = names.make(base + "_accum_t")
            layer.typedefs += [
                HLSTypedef(name: weightT, type: d.weightType, comment: "weights of \(op.name)"),
                HLSTypedef(name: biasT, type: d.biasType, comment: "biases of \(op.name)"),
                HLSTypedef(name: accumT, type: d.accumulatorType, comment: "accumulator of \(op.name) (wraps)"),
            ]
            var preT = accumT
            if let pre = d.preActivationType {
                preT = names.make(base + "_pre_t")
                layer.typedefs.append(HLSTypedef(name: preT, type: pre, comment: "\(op.name) result before its activation"))
            }
            let activation = activationPolicy(d.activation, base: base, into: &layer)
            let config = names.make("config_" + base)
            layer.header = base
            let biasArray = names.make(base + "_biases")
            let bias = HLSArray(comment: "biases of \(op.name), \(d.biasType)", typeName: biasT, name: biasArray, size: nOut,
                                lines: Self.chunks(d.bias.map { HLSLiterals.literal($0, of: d.biasType, typeName: biasT) }))
            let actName = d.activation.kindName
            if Self.isElementwise(d, nIn: nIn, nOut: nOut) {
                // A batchnorm that did not fold: one scale per element.
                var scale = [Int64](repeating: 0, count: nOut)
                for (j, row) in d.rows.enumerated() { for t in row { scale[j] = t.weight } }
                let scaleArray = names.make(base + "_scale")
                layer.summary = "\(op.name): batchnorm on \(nIn) elements, \(actName)\(from)"
                layer.config = HLSConfig(name: config, base: "batchnorm_config", members: [
                    "static const unsigned n_in = \(nIn);",
                    "static const unsigned reuse_factor = \(rf);",
                    "typedef \(weightT) scale_t;", "typedef \(biasT) bias_t;",
                    "typedef \(accumT) accum_t;", "typedef \(preT) pre_t;",
                    "typedef \(activation) activation;",
                ])
                layer.arrays = [
                    HLSArray(comment: "scales of \(op.name), \(d.weightType)", typeName: weightT, name: scaleArray, size: nOut,
                             lines: Self.chunks(scale.map { HLSLiterals.literal($0, of: d.weightType, typeName: weightT) })),
                    bias,
                ]
                layer.calls = ["nnet::normalize<\(dataTypes[0]), \(dataTypes[1]), \(config)>(\(args[0]), \(args[1]), \(scaleArray), \(biasArray));"]
            } else {
                let strategy = rf == 1 ? "latency" : "resource"
                let nMult = (nIn * nOut + rf - 1) / rf
                var weights = [Int64](repeating: 0, count: nIn * nOut)
                for (j, row) in d.rows.enumerated() { for t in row { weights[t.input * nOut + j] = t.weight } }
                var lines: [String] = []
                for i in 0..<nIn {
                    let row = (0..<nOut).map { HLSLiterals.literal(weights[i * nOut + $0], of: d.weightType, typeName: weightT) }
                    lines.append("// input \(i)")
                    lines += Self.chunks(row)
                }
                let weightArray = names.make(base + "_weights")
                layer.summary = "\(op.name): dense \(nIn) -> \(nOut), \(strategy) strategy, \(actName), \(d.termCount) nonzero weights\(from)"
                layer.config = HLSConfig(name: config, base: "dense_config", members: [
                    "static const unsigned n_in = \(nIn);",
                    "static const unsigned n_out = \(nOut);",
                    "static const unsigned reuse_factor = \(rf);",
                    "static const unsigned n_mult = \(nMult);",
                    "typedef \(weightT) weight_t;", "typedef \(biasT) bias_t;",
                    "typedef \(accumT) accum_t;", "typedef \(preT) pre_t;",
                    "typedef \(activation) activation;",
                ])
                layer.arrays = [
                    HLSArray(comment: "weights of \(op.name), \(d.weightType), input-major: w[i * \(nOut) + j] multiplies input i into output j",
                             typeName: weightT, name: weightArray, size: nIn * nOut, lines: lines),
                    bias,
                ]
                layer.calls = ["nnet::dense_\(strategy)<\(dataTypes[0]), \(dataTypes[1]), \(config)>(\(args[0]), \(args[1]), \(weightArray), \(biasArray));"]
            }

        case .activation(let a):
            let activation = activationPolicy(a, base: base, into: &layer)
            let config = names.make("config_" + base)
            layer.summary = "\(op.name): \(a.kindName) on \(out.size) elements\(from)"
            layer.config = HLSConfig(name: config, base: "activation_config", members: [
                "static const unsigned n_in = \(out.size);",
                "static const unsigned reuse_factor = \(rf);",
                "typedef \(activation) activation;",
            ])
            layer.calls = ["nnet::activation<\(dataTypes[0]), \(dataTypes[1]), \(config)>(\(args[0]), \(args[1]));"]

        case .table(let t):
            let config = names.make("config_" + base)
            let indexT = names.make(base + "_index_t")
            let x = inputs[0].type
            let shift = t.shift(inputFractionBits: x.fractionBits)
            let index = Self.indexPlan(codeBits: x.width + (x.isSigned ? 0 : 1), shift: shift, indexBits: t.indexBits, centred: true)
            layer.typedefs.append(HLSTypedef(name: indexT, spelled: index.type, comment: "\(op.name) table address before clamping"))
            let tableArray = names.make(base + "_table")
            layer.header = base
            let size = 1 << t.indexBits
            layer.summary = "\(op.name): \(t.function.rawValue) by a table of \(size) entries over [-2^\(t.rangeLog2), 2^\(t.rangeLog2)) on \(out.size) elements\(from)"
            layer.config = HLSConfig(name: config, base: "table_config", members: [
                "static const unsigned n_in = \(out.size);",
                "static const unsigned reuse_factor = \(rf);",
                "static const unsigned table_size = \(size);",
                "// index = clamp((x >> \(shift)) + \(size / 2), 0, \(size - 1)) on the raw code x",
                "static const int shift_right = \(index.right);",
                "static const int shift_left = \(index.left);",
                "typedef \(indexT) index_t;",
                "typedef \(typeName(op.output)) table_t;",
            ])
            layer.arrays = [HLSArray(comment: "\(t.function.rawValue) of each bin centre, \(out.type)", typeName: typeName(op.output),
                                     name: tableArray, size: size,
                                     lines: Self.chunks(t.values.map { HLSLiterals.literal($0, of: out.type, typeName: typeName(op.output)) }))]
            layer.calls = ["nnet::table_activation<\(dataTypes[0]), \(dataTypes[1]), \(config)>(\(args[0]), \(args[1]), \(tableArray));"]

        case .softmax(let s):
            let config = names.make("config_" + base)
            let x = inputs[0].type
            let expT = names.make(base + "_exp_t"), invT = names.make(base + "_inv_t"), sumT = names.make(base + "_sum_t")
            let expIndexT = names.make(base + "_exp_index_t"), invIndexT = names.make(base + "_inv_index_t")
            // m - x[i] needs one bit more than x; it is never negative.
            let expShift = s.expShift(inputFractionBits: x.fractionBits)
            let expIndex = Self.indexPlan(codeBits: x.width + 1, shift: expShift, indexBits: s.expIndexBits, centred: false)
            let invIndex = Self.indexPlan(codeBits: s.sumType.width + (s.sumType.isSigned ? 0 : 1), shift: s.inverseShift,
                                          indexBits: s.inverseIndexBits, centred: false)
            layer.typedefs += [
                HLSTypedef(name: expT, type: s.expType, comment: "\(op.name) exp table entries"),
                HLSTypedef(name: sumT, type: s.sumType, comment: "\(op.name) exact sum of the exp values"),
                HLSTypedef(name: invT, type: s.inverseType, comment: "\(op.name) inverse table entries"),
                HLSTypedef(name: expIndexT, spelled: expIndex.type, comment: "\(op.name) m - x and its table address"),
                HLSTypedef(name: invIndexT, spelled: invIndex.type, comment: "\(op.name) sum code and its table address"),
            ]
            let expSize = 1 << s.expIndexBits, invSize = 1 << s.inverseIndexBits
            let expArray = names.make(base + "_exp_table"), invArray = names.make(base + "_inv_table")
            layer.header = base
            layer.summary = "\(op.name): softmax on \(out.size) elements, exp table \(expSize), inverse table \(invSize)\(from)"
            layer.config = HLSConfig(name: config, base: "softmax_config", members: [
                "static const unsigned n_in = \(out.size);",
                "static const unsigned reuse_factor = \(rf);",
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
            layer.calls = ["nnet::softmax<\(dataTypes[0]), \(dataTypes[1]), \(config)>(\(args[0]), \(args[1]), \(expArray), \(invArray));"]

        case .add, .subtract, .multiply:
            let config = names.make("config_" + base)
            let function = op.kind.kindName
            layer.summary = "\(op.name): element-wise \(function) of \(out.size) elements\(from)"
            layer.config = HLSConfig(name: config, base: "merge_config", members: [
                "static const unsigned n_elem = \(out.size);",
                "static const unsigned reuse_factor = \(rf);",
            ])
            layer.calls = ["nnet::\(function)<\(dataTypes[0]), \(dataTypes[1]), \(dataTypes[2]), \(config)>(\(args[0]), \(args[1]), \(args[2]));"]

        case .quantize:
            let config = names.make("config_" + base)
            layer.summary = "\(op.name): requantize \(out.size) elements from \(inputs[0].type) to \(out.type)\(from)"
            layer.config = HLSConfig(name: config, base: "merge_config", members: [
                "static const unsigned n_elem = \(out.size);",
                "static const unsigned reuse_factor = \(rf);",
            ])
            layer.calls = ["nnet::quantize<\(dataTypes[0]), \(dataTypes[1]), \(config)>(\(args[0]), \(args[1]));"]

        case .sum:
            let config = names.make("config_" + base)
            let accumT = names.make(base + "_accum_t")
            let x = inputs[0].type
            let growth = Self.ceilLog2(inputs[0].size)
            // Same LSB, `growth` more integer bits: no sum of the inputs can overflow it.
            let accum = "\(x.isSigned ? "ap_fixed" : "ap_ufixed")<\(x.width + growth),\(x.integerBits + growth)>"
            layer.typedefs.append(HLSTypedef(name: accumT, spelled: accum, comment: "\(op.name) exact sum of \(inputs[0].size) values"))
            layer.summary = "\(op.name): sum of \(inputs[0].size) elements\(from)"
            layer.config = HLSConfig(name: config, base: "merge_config", members: [
                "static const unsigned n_elem = \(inputs[0].size);",
                "static const unsigned reuse_factor = \(rf);",
                "typedef \(accumT) accum_t;",
            ])
            layer.calls = ["nnet::sum<\(dataTypes[0]), \(dataTypes[1]), \(config)>(\(args[0]), \(args[1]));"]

        case .concatenate:
            layer.summary = "\(op.name): concatenate \(inputs.map { "\($0.size)" }.joined(separator: " + ")) elements\(from)"
            var offset = 0
            for (k, input) in op.inputs.enumerated() {
                let n = model[input].size
                layer.calls.append("nnet::copy_into<\(dataTypes[k]), \(dataTypes.last!), \(n), \(offset)>(\(args[k]), \(args.last!));")
                offset += n
            }
        }
        return layer
    }

    /// The policy type applying a pointwise activation; adds a LeakyReLU
    /// slope's typedef and constant to `layer`.
    private mutating func activationPolicy(_ a: PointwiseActivation, base: String, into layer: inout HLSLayer) -> String {
        switch a {
        case .linear: return "nnet::linear"
        case .relu: return "nnet::relu"
        case .leakyReLU(let alpha, let alphaType):
            let alphaT = names.make(base + "_alpha_t")
            let alphaStruct = names.make(base + "_alpha")
            layer.typedefs.append(HLSTypedef(name: alphaT, type: alphaType, comment: "LeakyReLU slope of \(layer.op.name)"))
            layer.definitions += [
                "struct \(alphaStruct) {",
                "    typedef \(alphaT) type;",
                "    static type value() { return type(\(HLSLiterals.literal(alpha, of: alphaType, typeName: alphaT))); }",
                "};",
            ]
            return "nnet::leaky_relu<\(alphaStruct)>"
        }
    }

    /// Rows must name each input at most once: two terms on one input would
    /// be quantized separately, which a weight matrix cannot express.
    private func checkRows(_ d: DenseOp, nIn: Int, nOut: Int, op: LoweredOp) throws(HLSError) {
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

    /// A dense op whose output j reads only input j: a lowered batchnorm.
    static func isElementwise(_ d: DenseOp, nIn: Int, nOut: Int) -> Bool {
        guard nIn == nOut, nIn > 1 else { return false }
        for (j, row) in d.rows.enumerated() where row.count > 1 || row.contains(where: { $0.input != j }) { return false }
        return true
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

    static func ceilLog2(_ n: Int) -> Int {
        var g = 0
        while (1 << g) < n { g += 1 }
        return g
    }

    /// Values eight to a line, each followed by a comma.
    static func chunks(_ values: [String], per: Int = 8) -> [String] {
        stride(from: 0, to: values.count, by: per).map { start in
            values[start..<min(start + per, values.count)].map { $0 + "," }.joined(separator: " ")
        }
    }
}

import FixedPoint
import ModelIR

/// One op's combinational network, its input ports and its output elements.
struct OpNetlist {
    var netlist = Netlist()
    /// Port name and tensor of each op input, in the op's input order.
    var ports: [(name: String, tensor: TensorInfo)] = []
    /// The node holding each output element's raw code (exactly the output type's width).
    var outputs: [Int] = []
    /// Verilog functions (ROMs) the module defines.
    var functions: [String] = []
    /// Their names (each declares one input, `index`).
    var functionNames: [String] = []
    /// Summary lines for the module header comment.
    var notes: [String] = []
    /// Constant-multiplier adders and other counts, for reports.
    var adders = 0
    /// The summed widths of those adders (about one LUT per bit).
    var adderBits = 0
    var romWords = 0
    var multipliers = 0
}

/// Builds the netlist of each lowered op, following the integer arithmetic
/// documented on ``LoweredKind`` exactly.
enum OpNetlists {
    static func build(_ op: LoweredOp, in model: LoweredModel, sharing: Bool = true) throws(VerilogError) -> OpNetlist {
        var b = OpNetlist()
        let outType = model[op.output].type
        let portNames = op.inputs.count == 1 ? ["x"] : op.inputs.indices.map { "x\($0)" }
        var elements: [[Signal]] = []
        for (k, id) in op.inputs.enumerated() {
            let t = model[id]
            b.ports.append((portNames[k], t))
            let W = t.type.width
            b.netlist.section("// \(portNames[k]) = tensor '\(t.name)', \(t.size) x \(t.type): element i at bits [i*\(W) +: \(W)]")
            elements.append((0..<t.size).map { i in
                let lo = i * W, hi = lo + W - 1
                let n = b.netlist.addPort("\(portNames[k])_\(i)", width: W, slice: "\(portNames[k])[\(hi == lo ? "\(lo)" : "\(hi):\(lo)")]")
                return Signal(node: n, width: W, signed: t.type.isSigned, lo: Int128(t.type.minRaw), hi: Int128(t.type.maxRaw))
            })
        }
        let x = elements[0]
        let fx = model[op.inputs[0]].type.fractionBits
        var outs: [Signal] = []

        switch op.kind {
        case .dense(let d):
            outs = dense(d, x, inputType: model[op.inputs[0]].type, out: outType, sharing: sharing, &b)
        case .activation(let a):
            for (i, v) in x.enumerated() {
                b.netlist.section("// y[\(i)] = \(a.kindName)(x[\(i)])")
                outs.append(b.netlist.activation(a, v, fraction: fx, out: outType, name: "y\(i)"))
            }
        case .table(let t):
            outs = try table(t, x, fraction: fx, out: outType, &b)
        case .softmax(let s):
            outs = try softmax(s, x, fraction: fx, out: outType, &b)
        case .add, .subtract:
            let subtract = op.kind == .subtract
            let ta = model[op.inputs[0]].type, tb = model[op.inputs[1]].type
            let f = max(ta.fractionBits, tb.fractionBits)
            for i in x.indices {
                b.netlist.section("// y[\(i)] = x0[\(i)] \(subtract ? "-" : "+") x1[\(i)] (exact), then assigned to \(outType)")
                let a = x[i].shifted(by: f - ta.fractionBits), c = elements[1][i].shifted(by: f - tb.fractionBits)
                let s = b.netlist.add(a, c, subtract: subtract, name: "y\(i)_sum")
                outs.append(b.netlist.quantize(s, fraction: f, to: outType, name: "y\(i)"))
            }
        case .multiply:
            let f = model[op.inputs[0]].type.fractionBits + model[op.inputs[1]].type.fractionBits
            for i in x.indices {
                b.netlist.section("// y[\(i)] = x0[\(i)] * x1[\(i)] (exact), then assigned to \(outType)")
                let p = b.netlist.multiply(x[i], elements[1][i], name: "y\(i)_prod")
                b.multipliers += 1
                outs.append(b.netlist.quantize(p, fraction: f, to: outType, name: "y\(i)"))
            }
        case .concatenate:
            for (k, id) in op.inputs.enumerated() where model[id].type.width != outType.width {
                throw VerilogError.unsupported(op: op.name, "concatenated input \(k) has type \(model[id].type), not \(outType)")
            }
            outs = elements.flatMap { $0 }
        case .sum:
            b.netlist.section("// y[0] = sum of \(x.count) elements (exact), then assigned to \(outType)")
            let s = b.netlist.sum(x.map { Netlist.Term(signal: $0, negative: false) }, name: "total")
            outs = [b.netlist.quantize(s, fraction: fx, to: outType, name: "y0")]
        case .quantize:
            for (i, v) in x.enumerated() {
                b.netlist.section("// y[\(i)] = x[\(i)] assigned to \(outType)")
                outs.append(b.netlist.quantize(v, fraction: fx, to: outType, name: "y\(i)"))
            }
        }
        b.outputs = outs.enumerated().map { i, s in
            b.netlist.materialize(s, width: outType.width, signed: outType.isSigned, name: "y\(i)_out").node
        }
        let adderNodes = b.netlist.nodes.filter { n in
            n.cost == CostModel.adder && n.expression.contains { if case .text(let t) = $0 { return t == " + " || t == " - " || t.hasSuffix("'d0 - ") } else { return false } }
        }
        b.adders = adderNodes.count
        b.adderBits = adderNodes.reduce(0) { $0 + $1.width }
        return b
    }

    // MARK: Dense

    static func dense(_ d: DenseOp, _ x: [Signal], inputType: FixedType, out: FixedType, sharing: Bool, _ b: inout OpNetlist) -> [Signal] {
        let A = d.accumulatorType
        let productFraction = d.weightType.fractionBits + inputType.fractionBits
        let s = A.fractionBits - productFraction
        b.notes.append("acc \(A) (wraps), weights \(d.weightType), bias \(d.biasType) -> Q_A(bias) as constants")
        b.notes.append("products Q_A(w*x): \(s >= 0 ? "exact, aligned by a left shift of \(s)" : "rounded by \(-s) bits with \(A.quantization.rawValue)")")
        if let pre = d.preActivationType { b.notes.append("pre-activation type \(pre)") }
        b.notes.append("activation \(d.activation.kindName), output \(out)")
        let (digitRows, roundedRows) = splitProducts(d, accumulatorShift: s)
        let shared = sharing ? SubexpressionSharing.share(rows: digitRows, sources: x.count)
            : SubexpressionSharing.Result(pairs: [], rows: digitRows)
        let digitCount = digitRows.reduce(0) { $0 + $1.count }
        b.notes.append(sharing
            ? "\(digitCount) signed digits; \(shared.pairs.count) shared subexpressions, \(SubexpressionSharing.adders(shared)) adders for the products (\(SubexpressionSharing.adders(.init(pairs: [], rows: digitRows))) without sharing)"
            : "\(digitCount) signed digits, no subexpression sharing")
        var sources = x
        func sourceName(_ k: Int) -> String { k < x.count ? "x[\(k)]" : "c\(k - x.count)" }
        if !shared.pairs.isEmpty { b.netlist.section("// shared subexpressions: digit pairs that two or more outputs contain") }
        for (k, p) in shared.pairs.enumerated() {
            b.netlist.section("// c\(k) = \(sourceName(p.first)) \(p.subtract ? "-" : "+") (\(sourceName(p.second)) << \(p.shift))")
            sources.append(b.netlist.add(sources[p.first], sources[p.second].shifted(by: p.shift), subtract: p.subtract, name: "c\(k)"))
        }
        var outs: [Signal] = []
        for (j, row) in d.rows.enumerated() {
            let name = "y\(j)"
            var terms: [Netlist.Term] = []
            let bias = A.quantize(raw: d.bias[j], from: d.biasType)
            // Constants print in their own block: the comment goes on the row's first logic node.
            if bias != 0 { terms.append(Netlist.Term(signal: b.netlist.constant(Int128(bias), name: "\(name)_bias"), negative: false)) }
            let digitTerms = shared.rows[j].map { "\($0.negative ? "-" : "+") \(sourceName($0.source))<<\($0.exponent)" }
            b.netlist.section("// y[\(j)] = Q_A(bias \(bias)) \(digitTerms.joined(separator: " "))\(roundedRows[j].isEmpty ? "" : " + \(roundedRows[j].count) rounded products")")
            terms += shared.rows[j].map { Netlist.Term(signal: sources[$0.source].shifted(by: $0.exponent), negative: $0.negative) }
            for term in roundedRows[j] {
                let p = b.netlist.constantProduct(x[term.input], Int128(term.weight), name: "\(name)_m\(term.input)")
                let q = b.netlist.round(p, fraction: productFraction, to: A.fractionBits, mode: A.quantization, name: "\(name)_m\(term.input)q")
                terms.append(Netlist.Term(signal: q, negative: false))
            }
            var v = b.netlist.sum(terms, modulo: A.width, name: "\(name)_acc")
            var f = A.fractionBits
            if let pre = d.preActivationType {
                v = b.netlist.quantize(v, fraction: f, to: pre, name: "\(name)_pre")
                f = pre.fractionBits
            }
            outs.append(b.netlist.activation(d.activation, v, fraction: f, out: out, name: name))
        }
        return outs
    }

    /// Each row's products that are exact in the accumulator, as signed
    /// digits (shifted copies of an input, `s` the accumulator's extra
    /// fraction bits), and the products that must be rounded one by one.
    static func splitProducts(_ d: DenseOp, accumulatorShift s: Int) -> (digits: [[SubexpressionSharing.Term]], rounded: [[WeightTerm]]) {
        var digitRows: [[SubexpressionSharing.Term]] = [], roundedRows: [[WeightTerm]] = []
        for row in d.rows {
            var digits: [SubexpressionSharing.Term] = [], rounded: [WeightTerm] = []
            for term in row {
                let csd = Bits.csd(Int128(term.weight))
                if csd.allSatisfy({ $0.exponent + s >= 0 }) {
                    digits += csd.map { SubexpressionSharing.Term(source: term.input, exponent: $0.exponent + s, negative: $0.negative) }
                } else {
                    rounded.append(term)
                }
            }
            digitRows.append(digits)
            roundedRows.append(rounded)
        }
        return (digitRows, roundedRows)
    }

    // MARK: Tables

    /// `clamp((x >> shift) + offset, 0, 2^bits - 1)` as the saturating
    /// assignment of `x` to a `bits`-wide type, plus the offset.
    static func tableIndex(_ x: Signal, fraction f: Int, bits: Int, integerBits: Int, centred: Bool,
                           name: String, _ b: inout OpNetlist, op: String) throws(VerilogError) -> Signal {
        let type: FixedType
        do {
            type = try FixedType(signed: centred, width: bits, integerBits: integerBits, quantization: .trn, overflow: .sat)
        } catch {
            throw VerilogError.unsupported(op: op, "table index type: \(error)")
        }
        let c = b.netlist.quantize(x, fraction: f, to: type, name: name + "_clamp")
        guard centred else { return c }
        // Adding 2^(bits-1) to a bits-wide signed code flips its top bit.
        let expr: Netlist.Fragments = bits == 1 ? [.text("~"), .ref(c.node)]
            : [.text("{~")] + b.netlist.bits(c, bits - 1, bits - 1) + [.text(", ")] + b.netlist.bits(c, bits - 2, 0) + [.text("}")]
        let n = b.netlist.add(name, width: bits, cost: 0, expr)
        return Signal(node: n, width: bits, signed: false, lo: 0, hi: (Int128(1) << bits) - 1)
    }

    /// A ROM as a Verilog function with one case per word.
    static func romFunction(_ name: String, indexBits: Int, type: FixedType, values: [Int64], comment: String) -> String {
        var s = "// \(comment)\n// \(values.count) words of \(type) (raw codes)\n"
        s += "function [\(type.width - 1):0] \(name);\n    input [\(indexBits - 1):0] index;\n    begin\n        case (index)\n"
        for (i, v) in values.enumerated() {
            s += "            \(indexBits)'d\(i): \(name) = \(Bits.literal(Int128(v), width: type.width));\n"
        }
        s += "        endcase\n    end\nendfunction\n"
        return s
    }

    static func romRead(_ function: String, _ index: Signal, type: FixedType, name: String, _ b: inout OpNetlist) -> Signal {
        let n = b.netlist.add(name, width: type.width, cost: CostModel.rom(indexBits: index.width),
                              [.text("\(function)("), .ref(index.node), .text(")")])
        return Signal(node: n, width: type.width, signed: type.isSigned, lo: Int128(type.minRaw), hi: Int128(type.maxRaw))
    }

    static func table(_ t: TableOp, _ x: [Signal], fraction f: Int, out: FixedType, _ b: inout OpNetlist) throws(VerilogError) -> [Signal] {
        let fn = "\(t.function.rawValue)_rom"
        let shift = t.shift(inputFractionBits: f)
        b.functionNames.append(fn)
        b.functions.append(romFunction(fn, indexBits: t.indexBits, type: out, values: t.values,
                                       comment: "\(t.function.rawValue) over [-2^\(t.rangeLog2), 2^\(t.rangeLog2)) in \(t.values.count) bins"))
        b.notes.append("index = clamp((x >>> \(shift)) + \(1 << (t.indexBits - 1)), 0, \((1 << t.indexBits) - 1)), one ROM read per element")
        b.romWords += t.values.count * x.count
        return try x.enumerated().map { (i, v) throws(VerilogError) -> Signal in
            b.netlist.section("// y[\(i)] = \(fn)[index(x[\(i)])]")
            let idx = try tableIndex(v, fraction: f, bits: t.indexBits, integerBits: t.rangeLog2 + 1, centred: true,
                                     name: "y\(i)_index", &b, op: fn)
            return romRead(fn, idx, type: out, name: "y\(i)", &b)
        }
    }

    // MARK: Softmax

    static func softmax(_ s: SoftmaxOp, _ x: [Signal], fraction f: Int, out: FixedType, _ b: inout OpNetlist) throws(VerilogError) -> [Signal] {
        let expShift = s.expShift(inputFractionBits: f)
        b.functionNames += ["exp_rom", "inverse_rom"]
        b.functions.append(romFunction("exp_rom", indexBits: s.expIndexBits, type: s.expType, values: s.expValues,
                                       comment: "exp(-d) over [0, 2^\(s.expRangeLog2))"))
        b.functions.append(romFunction("inverse_rom", indexBits: s.inverseIndexBits, type: s.inverseType, values: s.inverseValues,
                                       comment: "1/s over [0, 2^\(s.inverseRangeLog2))"))
        b.notes.append("m = max x; e_i = exp_rom[min((m - x_i) >> \(expShift), \((1 << s.expIndexBits) - 1))]; s = sum e_i (\(s.sumType))")
        b.notes.append("inv = inverse_rom[min(s >> \(s.inverseShift), \((1 << s.inverseIndexBits) - 1))]; y_i = Q_out(e_i * inv)")
        b.romWords += s.expValues.count * x.count + s.inverseValues.count
        b.netlist.section("// m = max of the inputs (comparator tree)")
        var level = x
        var k = 0
        while level.count > 1 {
            var next: [Signal] = []
            var i = 0
            while i + 1 < level.count {
                next.append(b.netlist.maximum(level[i], level[i + 1], name: "max\(k)"))
                k += 1
                i += 2
            }
            if i < level.count { next.append(level[i]) }
            level = next
        }
        let m = level[0]
        var e: [Signal] = []
        for (i, xi) in x.enumerated() {
            b.netlist.section("// e[\(i)] = exp_rom[index(m - x[\(i)])]")
            let d = b.netlist.add(m, xi, subtract: true, name: "d\(i)")
            let dn = d.assuming(lo: 0, hi: d.hi)
            let idx = try tableIndex(dn, fraction: f, bits: s.expIndexBits, integerBits: s.expRangeLog2, centred: false,
                                     name: "e\(i)_index", &b, op: "exp")
            e.append(romRead("exp_rom", idx, type: s.expType, name: "e\(i)", &b))
        }
        b.netlist.section("// s = sum of e (exact); inv = inverse_rom[index(s)]")
        let total = b.netlist.sum(e.map { Netlist.Term(signal: $0, negative: false) }, name: "esum")
        let sumNonNegative = total.assuming(lo: 0, hi: total.hi)
        let idx = try tableIndex(sumNonNegative, fraction: s.sumType.fractionBits, bits: s.inverseIndexBits,
                                 integerBits: s.inverseRangeLog2, centred: false, name: "inv_index", &b, op: "inverse")
        let inv = romRead("inverse_rom", idx, type: s.inverseType, name: "inv", &b)
        let pf = s.expType.fractionBits + s.inverseType.fractionBits
        return e.enumerated().map { i, ei in
            b.netlist.section("// y[\(i)] = Q_out(e[\(i)] * inv)")
            let p = b.netlist.multiply(ei, inv, name: "y\(i)_prod")
            b.multipliers += 1
            return b.netlist.quantize(p, fraction: pf, to: out, name: "y\(i)")
        }
    }
}

extension Netlist {
    /// `Q_out(act(v))` for a value `v` with `fraction` fraction bits.
    mutating func activation(_ a: PointwiseActivation, _ v: Signal, fraction f: Int, out: FixedType, name: String) -> Signal {
        switch a {
        case .linear:
            return quantize(v, fraction: f, to: out, name: name)
        case .relu:
            return quantize(relu(v, name: name + "_relu"), fraction: f, to: out, name: name)
        case .leakyReLU(let alpha, let alphaType):
            let fa = f + alphaType.fractionBits
            if v.lo >= 0 { return quantize(v, fraction: f, to: out, name: name) }
            if v.hi < 0 {
                return quantize(constantProduct(v, Int128(alpha), name: name + "_neg"), fraction: fa, to: out, name: name + "_n")
            }
            // Both branches are computed; each may assume its own sign of v.
            let positive = quantize(v.assuming(lo: 0, hi: v.hi), fraction: f, to: out, name: name + "_p")
            let scaled = constantProduct(v.assuming(lo: v.lo, hi: -1), Int128(alpha), name: name + "_neg")
            let negative = quantize(scaled, fraction: fa, to: out, name: name + "_n")
            return mux(signBit(v), negative, positive, width: out.width, signed: out.isSigned, name: name)
        }
    }
}

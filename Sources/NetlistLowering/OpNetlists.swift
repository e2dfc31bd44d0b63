import FixedPoint
import ModelIR
import NetlistIR

/// An op the lowering to the netlist cannot build (a compiler limit, named with the op).
public enum NetlistLoweringError: Error, Sendable, Equatable, CustomStringConvertible {
    case unsupported(op: String, String)

    public var description: String {
        switch self {
        case let .unsupported(op, message): return "op '\(op)': \(message)"
        }
    }
}

/// One op's netlist (``NetlistIR/Netlist``) with the notes for its module header.
public struct OpNetlist: Sendable {
    public internal(set) var netlist = Netlist()
    /// Summary lines for the module header comment.
    public internal(set) var notes: [String] = []
    /// The softmax's products on DSP blocks (`multiply` nodes); false
    /// builds them from adders (``NetlistIR/Netlist/logicProduct(_:_:name:)``).
    var dspMultipliers = false

    /// The softmax's `e_i * inv`, exactly, on a DSP block or in logic as chosen.
    mutating func product(_ a: NodeID, _ b: NodeID, name: String) -> NodeID {
        dspMultipliers ? netlist.multiply(a, b, name: name) : netlist.logicProduct(a, b, name: name)
    }
}

/// Builds the netlist of each lowered op, following the integer arithmetic
/// documented on ``LoweredKind`` exactly: the lowering from the lowered IR
/// to the bit-level netlist (constant-coefficient sums from signed digits
/// and the subexpression search, tables, softmax, merges, forests,
/// maximum trees, wiring), which the Verilog backend then schedules and prints.
public enum OpNetlists {
    /// `inputZeros[p][e]`: the low bits of element `e` of input `p` that
    /// its producer always leaves zero (``NetlistIR/NetlistCost/outputZeroLowBits(_:inputZeros:)``);
    /// a dense or scale op drops them before its sums (``narrowed(_:zeros:_:)``).
    public static func build(_ op: LoweredOp, in model: LoweredModel, sharing: Bool = true,
                      dspMultipliers: Bool = false, ternarySums: Bool = false,
                      inputZeros: [[Int]] = []) throws(NetlistLoweringError) -> OpNetlist {
        var b = OpNetlist()
        b.dspMultipliers = dspMultipliers
        b.netlist.ternarySums = ternarySums
        let outType = model[op.output].type
        let portNames = op.inputs.count == 1 ? ["x"] : op.inputs.indices.map { "x\($0)" }
        var elements: [[NodeID]] = []
        for (k, id) in op.inputs.enumerated() {
            let t = model[id]
            let W = t.type.width
            b.netlist.section("// \(portNames[k]) = tensor '\(t.name)', \(t.size) x \(t.type): element i at bits [i*\(W) +: \(W)]")
            elements.append(b.netlist.addPort(portNames[k], type: t.type, size: t.size))
        }
        let x = elements[0]
        var outs: [NodeID] = []

        switch op.kind {
        case .dense(let d) where d.multiplex != nil:
            outs = try multiplexedDense(d, d.multiplex!, x, inputType: model[op.inputs[0]].type, out: outType, sharing: sharing, &b)
        case .dense(let d):
            let x = narrowed(x, zeros: inputZeros.first ?? [], &b)
            outs = try dense(d, x, inputType: model[op.inputs[0]].type, out: outType, sharing: sharing, &b)
        case .scale(let s):
            // A dense with one term per row (none where the weight is zero).
            b.notes.append("per-element scale: output i reads only input i")
            let x = narrowed(x, zeros: inputZeros.first ?? [], &b)
            outs = try dense(s.dense, x, inputType: model[op.inputs[0]].type, out: outType, sharing: sharing, &b)
        case .activation(let a):
            for (i, v) in x.enumerated() {
                b.netlist.section("// y[\(i)] = \(a.kindName)(x[\(i)])")
                outs.append(b.netlist.activation(a, v, out: outType, name: "y\(i)"))
            }
        case .table(let t):
            outs = try table(t, x, out: outType, &b)
        case .softmax(let s):
            outs = try softmax(s, x, out: outType, &b)
        case .add, .subtract:
            let subtract = op.kind == .subtract
            for i in x.indices {
                b.netlist.section("// y[\(i)] = x0[\(i)] \(subtract ? "-" : "+") x1[\(i)] (exact), then assigned to \(outType)")
                let s = b.netlist.add(x[i], elements[1][i], subtract: subtract, name: "y\(i)_sum")
                outs.append(b.netlist.quantize(s, to: outType, name: "y\(i)"))
            }
        case .multiply:
            for i in x.indices {
                b.netlist.section("// y[\(i)] = x0[\(i)] * x1[\(i)] (exact), then assigned to \(outType)")
                let p = b.netlist.multiply(x[i], elements[1][i], name: "y\(i)_prod")
                outs.append(b.netlist.quantize(p, to: outType, name: "y\(i)"))
            }
        case .concatenate:
            for (k, id) in op.inputs.enumerated() where model[id].type.width != outType.width {
                throw NetlistLoweringError.unsupported(op: op.name, "concatenated input \(k) has type \(model[id].type), not \(outType)")
            }
            outs = elements.flatMap { $0 }
        case .sum:
            b.netlist.section("// y[0] = sum of \(x.count) elements (exact), then assigned to \(outType)")
            let s = b.netlist.sum(x.map { Netlist.Term($0) }, name: "total")
            outs = [b.netlist.quantize(s, to: outType, name: "y0")]
        case .quantize:
            for (i, v) in x.enumerated() {
                b.netlist.section("// y[\(i)] = x[\(i)] assigned to \(outType)")
                outs.append(b.netlist.quantize(v, to: outType, name: "y\(i)"))
            }
        case .forest(let f):
            outs = try forest(f, x, inputType: model[op.inputs[0]].type, out: outType, &b)
        case .maximum(let m):
            let inputType = model[op.inputs[0]].type
            for (j, group) in m.groups.enumerated() {
                b.netlist.section("// y[\(j)] = max of x[\(group.map(String.init).joined(separator: ", "))]\(inputType == outType ? "" : ", then assigned to \(outType)")")
                // A balanced tree of two-input maximums: depth ceil(log2 n).
                var level = group.map { x[$0] }
                var round = 0
                while level.count > 1 {
                    var next: [NodeID] = []
                    for i in stride(from: 0, to: level.count - 1, by: 2) {
                        next.append(b.netlist.maximum(level[i], level[i + 1], name: "y\(j)_max\(round)_\(i / 2)"))
                    }
                    if level.count % 2 == 1 { next.append(level[level.count - 1]) }
                    level = next
                    round += 1
                }
                outs.append(inputType == outType ? level[0] : b.netlist.quantize(level[0], to: outType, name: "y\(j)"))
            }
        case .threshold(let t):
            if let forms = t.affine {
                outs = try affineThreshold(t, forms, x, inputType: model[op.inputs[0]].type, out: outType, &b)
            } else {
                outs = threshold(t, x, inputType: model[op.inputs[0]].type, out: outType, &b)
            }
        case .gather(let g):
            let inputType = model[op.inputs[0]].type
            b.notes.append("data movement only: output i is input indices[i]")
            outs = g.indices.enumerated().map { i, k in
                inputType == outType ? x[k] : b.netlist.quantize(x[k], to: outType, name: "y\(i)")
            }
        }
        b.netlist.outputs = outs
        b.netlist.outputType = outType
        return b
    }

    // MARK: Dense

    /// The input elements without the low bits their producer always
    /// leaves zero (`zeros[i]` for element `i`): each at a coarser scale, a
    /// slice of the port (``NetlistIR/Netlist/droppingZeroLowBits(_:_:name:)``),
    /// so that no adder computes those bits. An adder whose operands all end
    /// in zeros would compute zeros on every bit there; synthesis removes such
    /// bits of a binary adder, but not of a ternary adder's LUT6_2 primitives.
    static func narrowed(_ x: [NodeID], zeros: [Int], _ b: inout OpNetlist) -> [NodeID] {
        guard zeros.contains(where: { $0 > 0 }) else { return x }
        let dropped = x.indices.filter { $0 < zeros.count && zeros[$0] > 0 }
        let counts = Dictionary(grouping: dropped, by: { zeros[$0] }).map { "\($0.value.count) by \($0.key)" }.sorted()
        b.notes.append("inputs read without the low bits their producer leaves zero: \(counts.joined(separator: ", ")) bits")
        b.netlist.section("// the inputs' low bits that are always zero, dropped")
        return x.indices.map { i in
            i < zeros.count && zeros[i] > 0 ? b.netlist.droppingZeroLowBits(x[i], zeros[i], name: "\(b.netlist[x[i]].name)_nz") : x[i]
        }
    }

    static func dense(_ d: DenseOp, _ x: [NodeID], inputType: FixedType, out: FixedType, sharing: Bool, prefix: String = "",
                      _ b: inout OpNetlist) throws(NetlistLoweringError) -> [NodeID] {
        let A = d.accumulatorType
        let productFraction = d.weightType.fractionBits + inputType.fractionBits
        let s = A.fractionBits - productFraction
        b.notes.append("acc \(A) (wraps), weights \(d.weightType), bias \(d.biasType) -> Q_A(bias) as constants")
        b.notes.append("products Q_A(w*x): \(s >= 0 ? "exact, aligned by a left shift of \(s)" : "rounded by \(-s) bits with \(A.quantization.rawValue)")")
        if let pre = d.preActivationType { b.notes.append("pre-activation type \(pre)") }
        b.notes.append("activation \(d.activation.kindName), output \(out)")
        let (digitRows, roundedRows) = splitProducts(d, accumulatorShift: s)
        let shared = sharing ? SubexpressionSharing.share(rows: digitRows, sources: x.count, inputRange: rawRange(inputType),
                                                                outputAdderWidth: A.width)
            : SubexpressionSharing.Result(pairs: [], rows: digitRows)
        let digitCount = digitRows.reduce(0) { $0 + $1.count }
        b.notes.append(sharing
            ? "\(digitCount) signed digits; \(shared.pairs.count) shared subexpressions, \(SubexpressionSharing.adders(shared)) adders for the products (\(SubexpressionSharing.adders(.init(pairs: [], rows: digitRows))) without sharing)"
            : "\(digitCount) signed digits, no subexpression sharing")
        // A digit exponent e counts in units of the accumulator's LSB: the
        // term is x_raw * 2^(e - F_A), that is x * 2^(e - F_A + F_x).
        var sources = x
        let digitOffset = inputType.fractionBits - A.fractionBits
        func sourceName(_ k: Int) -> String { k < x.count ? "x[\(k)]" : "c\(k - x.count)" }
        if !shared.pairs.isEmpty { b.netlist.section("// shared subexpressions: digit pairs that two or more outputs contain") }
        for (k, p) in shared.pairs.enumerated() {
            b.netlist.section("// c\(k) = \(sourceName(p.first)) \(p.subtract ? "-" : "+") (\(sourceName(p.second)) << \(p.shift))")
            sources.append(b.netlist.add(sources[p.first], shift: 0, sources[p.second], shift: p.shift, subtract: p.subtract, name: "\(prefix)c\(k)"))
        }
        let wrap = (bits: A.width, scale: -A.fractionBits)
        var outs: [NodeID] = []
        for j in d.rows.indices {
            let name = "\(prefix)y\(j)"
            var terms: [Netlist.Term] = []
            let bias = A.quantize(raw: d.bias[j], from: d.biasType)
            if bias != 0 { terms.append(Netlist.Term(b.netlist.constant(Int128(bias), scale: -A.fractionBits, name: "\(name)_bias"))) }
            let digitTerms = shared.rows[j].map { "\($0.negative ? "-" : "+") \(sourceName($0.source))<<\($0.exponent)" }
            b.netlist.section("// y[\(j)] = Q_A(bias \(bias)) \(digitTerms.joined(separator: " "))\(roundedRows[j].isEmpty ? "" : " + \(roundedRows[j].count) rounded products")")
            terms += shared.rows[j].map { Netlist.Term(sources[$0.source], shift: $0.exponent + digitOffset, negative: $0.negative) }
            for term in roundedRows[j] {
                // w * x by shift and add, read at its real scale, then rounded
                // to the accumulator's fraction bits (no overflow: the sum wraps).
                let p = b.netlist.constantProduct(x[term.input], Int128(term.weight), name: "\(name)_m\(term.input)")
                let real = b.netlist.rescale(p, by: -d.weightType.fractionBits, name: "\(name)_m\(term.input)r")
                let rounding = try roundingType(b.netlist[real].interval, scale: b.netlist[real].scale,
                                                fractionBits: A.fractionBits, mode: A.quantization, op: name)
                terms.append(Netlist.Term(b.netlist.quantize(real, to: rounding, name: "\(name)_m\(term.input)q")))
            }
            var v = b.netlist.sum(terms, wrap: wrap, name: "\(name)_acc")
            if let pre = d.preActivationType {
                v = b.netlist.quantize(v, to: pre, name: "\(name)_pre")
            }
            outs.append(b.netlist.activation(d.activation, v, out: out, name: name))
        }
        return outs
    }

    /// A type with `fractionBits` fraction bits and the rounding `mode`,
    /// wide enough that no value of `interval * 2^scale` overflows it: the
    /// assignment is then rounding alone.
    static func roundingType(_ interval: Interval, scale: Int, fractionBits: Int, mode: QuantizationMode, op: String) throws(NetlistLoweringError) -> FixedType {
        let d = -scale - fractionBits
        let lo = d > 0 ? Interval.floorShift(interval.lo, d) : interval.lo << (-d)
        let hi = d > 0 ? Interval.ceilShift(interval.hi, d) + 1 : interval.hi << (-d)
        let width = Interval.signedWidth(lo, hi)
        do {
            return try FixedType(signed: true, width: width, integerBits: width - fractionBits, quantization: mode, overflow: .wrap)
        } catch {
            throw .unsupported(op: op, "a product rounded to \(fractionBits) fraction bits needs \(width) bits: \(error)")
        }
    }

    /// The integers a wire of `type` holds: what sharing sizes its adders by.
    static func rawRange(_ type: FixedType) -> Interval {
        Interval(Int128(type.minRaw), Int128(type.maxRaw))
    }

    /// Each row's products that are exact in the accumulator, as signed
    /// digits (shifted copies of an input, `s` the accumulator's extra
    /// fraction bits), and the products that must be rounded one by one.
    static func splitProducts(_ d: DenseOp, accumulatorShift s: Int) -> (digits: [[SubexpressionSharing.Term]], rounded: [[WeightTerm]]) {
        var digitRows: [[SubexpressionSharing.Term]] = [], roundedRows: [[WeightTerm]] = []
        for row in d.rows {
            var digits: [SubexpressionSharing.Term] = [], rounded: [WeightTerm] = []
            for term in row {
                let csd = SignedDigits.csd(Int128(term.weight))
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
}

// MARK: Tables and softmax

extension OpNetlists {
    /// `clamp(x, type)` for a `bits`-wide index type with `integerBits`
    /// integer bits (TRN, SAT); a centred index is read in offset binary.
    static func tableIndex(_ x: NodeID, bits: Int, integerBits: Int, centred: Bool, name: String,
                           _ b: inout OpNetlist, op: String) throws(NetlistLoweringError) -> NodeID {
        let type: FixedType
        do {
            type = try FixedType(signed: centred, width: bits, integerBits: integerBits, quantization: .trn, overflow: .sat)
        } catch {
            throw NetlistLoweringError.unsupported(op: op, "table index type: \(error)")
        }
        let c = b.netlist.quantize(x, to: type, name: name + "_clamp")
        return centred ? b.netlist.offsetBinary(c, bits: bits, name: name) : c
    }

    static func table(_ t: TableOp, _ x: [NodeID], out: FixedType, _ b: inout OpNetlist) throws(NetlistLoweringError) -> [NodeID] {
        let fn = "\(t.function.rawValue)_rom"
        let f = -b.netlist[x[0]].scale
        let table = b.netlist.addTable(Table(name: fn, values: t.values, indexBits: t.indexBits,
                                             comment: "\(t.function.rawValue) over [-2^\(t.rangeLog2), 2^\(t.rangeLog2)) in \(t.values.count) bins, \(out) raw codes"))
        b.notes.append("index = clamp((x >>> \(t.shift(inputFractionBits: f))) + \(1 << (t.indexBits - 1)), 0, \((1 << t.indexBits) - 1)), one ROM read per element")
        return try x.enumerated().map { (i, v) throws(NetlistLoweringError) -> NodeID in
            b.netlist.section("// y[\(i)] = \(fn)[index(x[\(i)])]")
            let idx = try tableIndex(v, bits: t.indexBits, integerBits: t.rangeLog2 + 1, centred: true, name: "y\(i)_index", &b, op: fn)
            return b.netlist.lookup(table, index: idx, scale: -out.fractionBits, name: "y\(i)")
        }
    }

    static func softmax(_ s: SoftmaxOp, _ x: [NodeID], out: FixedType, _ b: inout OpNetlist) throws(NetlistLoweringError) -> [NodeID] {
        let f = -b.netlist[x[0]].scale
        let expTable = b.netlist.addTable(Table(name: "exp_rom", values: s.expValues, indexBits: s.expIndexBits,
                                                comment: "exp(-d) over [0, 2^\(s.expRangeLog2)), \(s.expType) raw codes"))
        let inverseTable = b.netlist.addTable(Table(name: "inverse_rom", values: s.inverseValues, indexBits: s.inverseIndexBits,
                                                    comment: "1/s over [0, 2^\(s.inverseRangeLog2)), \(s.inverseType) raw codes"))
        b.notes.append("m = max x; e_i = exp_rom[min((m - x_i) >> \(s.expShift(inputFractionBits: f)), \((1 << s.expIndexBits) - 1))]; s = sum e_i (\(s.sumType))")
        b.notes.append("inv = inverse_rom[min(s >> \(s.inverseShift), \((1 << s.inverseIndexBits) - 1))]; y_i = Q_out(e_i * inv)")
        b.netlist.section("// m = max of the inputs (comparator tree)")
        var level = x
        var k = 0
        while level.count > 1 {
            var next: [NodeID] = []
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
        var e: [NodeID] = []
        for (i, xi) in x.enumerated() {
            b.netlist.section("// e[\(i)] = exp_rom[index(m - x[\(i)])]")
            let d = b.netlist.add(m, xi, subtract: true, name: "d\(i)")
            let dn = b.netlist.assume(d, Interval(0, max(b.netlist[d].interval.hi, 0)), name: "d\(i)_nonneg")
            let idx = try tableIndex(dn, bits: s.expIndexBits, integerBits: s.expRangeLog2, centred: false, name: "e\(i)_index", &b, op: "exp")
            e.append(b.netlist.lookup(expTable, index: idx, scale: -s.expType.fractionBits, name: "e\(i)"))
        }
        b.netlist.section("// s = sum of e (exact); inv = inverse_rom[index(s)]")
        let total = b.netlist.sum(e.map { Netlist.Term($0) }, name: "esum")
        // The sum's integer is read with the sum type's fraction bits, as the reference does.
        let atSumScale = b.netlist.rescale(total, by: -s.sumType.fractionBits - b.netlist[total].scale, name: "esum_s")
        let nonNegative = b.netlist.assume(atSumScale, Interval(0, max(b.netlist[atSumScale].interval.hi, 0)), name: "esum_nonneg")
        let idx = try tableIndex(nonNegative, bits: s.inverseIndexBits, integerBits: s.inverseRangeLog2, centred: false,
                                 name: "inv_index", &b, op: "inverse")
        let inv = b.netlist.lookup(inverseTable, index: idx, scale: -s.inverseType.fractionBits, name: "inv")
        return e.enumerated().map { i, ei in
            b.netlist.section("// y[\(i)] = Q_out(e[\(i)] * inv)")
            let p = b.product(ei, inv, name: "y\(i)_prod")
            return b.netlist.quantize(p, to: out, name: "y\(i)")
        }
    }
}

extension Netlist {
    /// `Q_out(act(v))`.
    mutating func activation(_ a: PointwiseActivation, _ v: NodeID, out: FixedType, name: String) -> NodeID {
        switch a {
        case .linear:
            return quantize(v, to: out, name: name)
        case .relu:
            return quantize(relu(v, name: name + "_relu"), to: out, name: name)
        case .leakyReLU(let alpha, let alphaType):
            let i = self[v].interval
            func scaled(_ x: NodeID, _ suffix: String) -> NodeID {
                rescale(constantProduct(x, Int128(alpha), name: name + suffix), by: -alphaType.fractionBits, name: name + suffix + "r")
            }
            if i.lo >= 0 { return quantize(v, to: out, name: name) }
            if i.hi < 0 { return quantize(scaled(v, "_neg"), to: out, name: name + "_n") }
            // Both branches are computed; each may assume its own sign of v.
            let positive = quantize(assume(v, Interval(0, i.hi), name: name + "_pos"), to: out, name: name + "_p")
            let negative = quantize(scaled(assume(v, Interval(i.lo, -1), name: name + "_ng"), "_neg"), to: out, name: name + "_n")
            return select(v, negative: negative, otherwise: positive, name: name)
        }
    }
}

import FixedPoint
import ModelIR
import NetlistIR

/// A threshold op counted by multiply-add-shift (``ThresholdOp/affine``):
/// per element, `m * x + a` from the signed digits of `m` (shifted copies
/// of the input, an adder tree), the floor of `2^-s` of it (a slice of the
/// sum: a truncating quantization), the clamp to `0 ... K` (a ReLU, then a
/// comparison with `K + 1` and a select), then `bias + step * n`. Every
/// node is an integer; the result equals the comparator bank of
/// ``threshold(_:_:inputType:out:_:)`` on every input code, as Verify proved.
extension OpNetlists {
    static func affineThreshold(_ t: ThresholdOp, _ forms: [AffineCount], _ x: [NodeID], inputType: FixedType, out: FixedType,
                                _ b: inout OpNetlist) throws(NetlistLoweringError) -> [NodeID] {
        let k = Int128(t.steps)
        b.notes.append("\(x.count) elements, \(forms.count) multiply-add-shift form(s) of \(t.steps) thresholds: "
                       + "output code = \(t.outputBias) + \(t.outputStep) * clamp((m * x + a) >> s, 0, \(t.steps))")
        var outs: [NodeID] = []
        for (i, xi) in x.enumerated() {
            let form = forms[i % forms.count]
            let name = "y\(i)"
            b.netlist.section("// y[\(i)] = \(t.outputBias) + \(t.outputStep) * clamp((\(form.multiplier) * x[\(i)] + \(form.offset)) >> \(form.shift), 0, \(t.steps)) (raw codes)")
            // The raw code as an integer (scale 2^0): the same bits.
            let code = b.netlist.rescale(xi, by: inputType.fractionBits, name: "\(name)_code")
            var terms = form.multiplier == 0 ? [] : b.netlist.constantProductTerms(code, Int128(form.multiplier))
            if form.offset != 0 || terms.isEmpty { terms.append(Netlist.Term(b.netlist.constant(Int128(form.offset), name: "\(name)_a"))) }
            let line = b.netlist.sum(terms, name: "\(name)_line")
            // floor(line / 2^s): the sum read 2^s coarser, truncated to an integer.
            let scaled = b.netlist.rescale(line, by: -form.shift, name: "\(name)_shr")
            let floorType = try roundingType(b.netlist[scaled].interval, scale: b.netlist[scaled].scale, fractionBits: 0,
                                             mode: .trn, op: name)
            var n = b.netlist.quantize(scaled, to: floorType, name: "\(name)_floor")
            n = b.netlist.relu(n, name: "\(name)_low")
            if b.netlist[n].interval.hi > k {
                let over = b.netlist.add(n, b.netlist.constant(k + 1, exactScale: 0, name: "\(name)_k1"), subtract: true, name: "\(name)_over")
                n = b.netlist.select(over, negative: n, otherwise: b.netlist.constant(k, exactScale: 0, name: "\(name)_k"), name: "\(name)_high")
                n = b.netlist.assume(n, Interval(0, k), name: "\(name)_n")
            }
            var level = t.outputStep == 1 ? [Netlist.Term(n)] : b.netlist.constantProductTerms(n, Int128(t.outputStep))
            if t.outputBias != 0 { level.append(Netlist.Term(b.netlist.constant(Int128(t.outputBias), name: "\(name)_bias"))) }
            let levelCode = b.netlist.sum(level, name: "\(name)_level")
            let real = b.netlist.rescale(levelCode, by: -out.fractionBits, name: "\(name)_at")
            outs.append(b.netlist.quantize(real, to: out, name: name))
        }
        return outs
    }
}

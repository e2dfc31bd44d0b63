import FixedPoint
import ModelIR
import NetlistIR

/// A threshold op as logic (``ThresholdOp``): per element, a bank of
/// comparators `d_k = x - t_k` whose signs choose `0` or the output step
/// (`x >= t_k` adds one step), an adder tree over them and the output bias.
/// A threshold at or below the input's lowest code is always reached and
/// one above its highest never: both fold into the bias, with no comparator.
extension OpNetlists {
    static func threshold(_ t: ThresholdOp, _ x: [NodeID], inputType: FixedType, out: FixedType, _ b: inout OpNetlist) -> [NodeID] {
        let scale = -out.fractionBits
        b.notes.append("\(x.count) elements, \(t.thresholds.count) threshold list(s) of \(t.steps): output code = \(t.outputBias) + \(t.outputStep) * (thresholds reached)")
        var outs: [NodeID] = []
        for (i, xi) in x.enumerated() {
            let list = t.list(for: i)
            var bias = Int128(t.outputBias)
            var terms: [Netlist.Term] = []
            let live = list.filter { c in
                if c <= inputType.minRaw { bias += Int128(t.outputStep); return false }
                return c <= inputType.maxRaw
            }
            b.netlist.section("// y[\(i)] = \(t.outputBias) + \(t.outputStep) * #{k : x[\(i)] >= t_k}, t = [\(list.map(String.init).joined(separator: ", "))] (raw codes)")
            let zero = b.netlist.constant(0, exactScale: scale, name: "y\(i)_off")
            let step = b.netlist.constant(Int128(t.outputStep), exactScale: scale, name: "y\(i)_step")
            for (k, c) in live.enumerated() {
                let threshold = b.netlist.constant(Int128(c), scale: -inputType.fractionBits, name: "y\(i)_t\(k)")
                let d = b.netlist.add(xi, threshold, subtract: true, name: "y\(i)_d\(k)")
                terms.append(Netlist.Term(b.netlist.select(d, negative: zero, otherwise: step, name: "y\(i)_s\(k)")))
            }
            if bias != 0 || terms.isEmpty { terms.append(Netlist.Term(b.netlist.constant(bias, scale: scale, name: "y\(i)_bias"))) }
            let sum = b.netlist.sum(terms, name: "y\(i)_sum")
            outs.append(b.netlist.quantize(sum, to: out, name: "y\(i)"))
        }
        return outs
    }
}

import Foundation
import ModelIR

/// Resources estimated from the lowered IR alone, for when yosys is not
/// installed: constant multiplications as shift-and-add in canonical signed
/// digits (CSD), one LUT and 1/8 CARRY8 per adder bit, ROMs in 64-bit LUTs,
/// variable products on DSPs, pipeline registers from the emitter's stages
/// when known (else from the adder-tree depth). When the report has the
/// Verilog design, a dense op's adders are the netlist's own (the count and
/// widths after subexpression sharing) instead. A first-order figure,
/// typically within a factor of two of synthesis; the report labels it.
public enum AnalyticResourceEstimate {
    /// Nonzero digits of `v` in canonical signed-digit form (the adders a
    /// constant multiplication needs, plus one).
    public static func csdDigits(_ v: Int64) -> Int {
        var x = Int128(v).magnitude
        var digits = 0
        while x != 0 {
            if x & 1 == 1 {
                digits += 1
                // A run of ones ...0111 becomes +1000 - 0001: one digit for the run's end.
                if x & 2 == 2 { x += 1 } else { x -= 1 }
            }
            x >>= 1
        }
        return digits
    }

    /// Adders in series that fit one clock period (as the Verilog emitter
    /// assumes: about 1 ns of overhead and 1.25 ns per carry-chain adder),
    /// clamped to 1 ... 65536 as the emitter's is, so that no clock traps.
    public static func addersPerStage(clockNs: Double) -> Int {
        let adders = ((clockNs - 1.0) / 1.25).rounded(.down)
        guard adders >= 1 else { return 1 } // also NaN
        return adders < 65536 ? Int(adders) : 65536
    }

    public static func estimate(_ model: LoweredModel, clockNs: Double, stages: [StageInfo] = [],
                                delayRegisterBits: Int? = nil, part: FPGAPart?) -> ResourceReport {
        let perStage = addersPerStage(clockNs: clockNs)
        let stageByOp = Dictionary(stages.map { ($0.op, $0) }, uniquingKeysWith: { a, _ in a })
        var modules: [ModuleResources] = []
        var fromNetlist = false
        for op in model.ops {
            var c = logic(op, model)
            if op.kind.denseForm != nil, let s = stageByOp[op.name], let bits = s.adderBits {
                // The emitted adders themselves (shared subexpressions included).
                c = denseFromNetlist(adders: s.adders, adderBits: bits, output: model[op.output])
                fromNetlist = true
            }
            if let s = stageByOp[op.name] {
                c.ff = s.registerBits
            } else {
                c.ff = registers(op, model, addersPerStage: perStage)
            }
            modules.append(ModuleResources(module: stageByOp[op.name]?.module ?? op.name, op: op.name, counts: c))
        }
        let source = fromNetlist ? "the emitted Verilog netlist and the lowered IR" : "the lowered IR"
        var notes = ["analytic estimate from \(source), not synthesized (yosys not installed, not run, or failed)"]
        if let bits = delayRegisterBits, bits > 0 {
            modules.append(ModuleResources(module: "top (delay lines)", op: nil, counts: ResourceCounts(ff: bits)))
        }
        notes.append(stages.isEmpty ? "registers estimated from adder-tree depth at \(perStage) adders per stage"
                                    : "registers taken from the Verilog emitter's pipeline schedule")
        if fromNetlist { notes.append("dense adders counted in the emitted Verilog netlist (after subexpression sharing)") }
        let total = modules.reduce(ResourceCounts()) { $0 + $1.counts }
        return ResourceReport(method: "analytic estimate", isEstimate: true, total: total, modules: modules,
                              part: part, notes: notes)
    }

    /// A dense op from its emitted netlist: one LUT per adder bit, one CARRY8
    /// per started 8 bits of each adder (about `bits / 8 + adders / 2`), and
    /// one LUT per output bit for rounding, activation and overflow.
    static func denseFromNetlist(adders: Int, adderBits: Int, output: TensorInfo) -> ResourceCounts {
        ResourceCounts(lut: adderBits + output.size * output.type.width, carry: (adderBits + 4 * adders) / 8)
    }

    /// A variable-by-variable product: one DSP when an operand is wider than
    /// 10 bits, else LUTs (about one per partial-product bit pair).
    static func product(_ a: Int, _ b: Int) -> ResourceCounts {
        max(a, b) > 10 ? ResourceCounts(dsp: 1) : ResourceCounts(lut: (a * b + 1) / 2, carry: (a + b + 7) / 8)
    }

    static func adders(_ n: Int, width: Int) -> ResourceCounts {
        ResourceCounts(lut: n * width, carry: n * ((width + 7) / 8))
    }

    static func rom(words: Int, width: Int) -> ResourceCounts {
        ResourceCounts(lut: ((words + 63) / 64) * width)
    }

    /// Partial products of each row of a dense op (CSD digits of every
    /// weight, plus the bias).
    static func partials(_ d: DenseOp) -> [Int] {
        d.rows.indices.map { j in d.rows[j].reduce(0) { $0 + csdDigits($1.weight) } + (d.bias[j] != 0 ? 1 : 0) }
    }

    static func logic(_ op: LoweredOp, _ m: LoweredModel) -> ResourceCounts {
        let out = m[op.output]
        let xin = m[op.inputs[0]]
        switch op.kind {
        case .dense, .scale:
            let d = op.kind.denseForm!
            // A constant multiplication with k CSD digits is k - 1 adders of
            // about the product's width; summing a row's n nonzero products
            // and the bias takes n - 1 (+1) adders of the accumulator's width.
            let productWidth = min(d.weightType.width + xin.type.width, d.accumulatorType.width)
            var multiply = 0, tree = 0
            for (j, row) in d.rows.enumerated() {
                multiply += row.reduce(0) { $0 + max(csdDigits($1.weight) - 1, 0) }
                tree += max(row.count - 1, 0) + (d.bias[j] != 0 && !row.isEmpty ? 1 : 0)
            }
            // Output rounding, activation and overflow handling: about one LUT per output bit.
            return adders(multiply, width: productWidth) + adders(tree, width: d.accumulatorType.width)
                + ResourceCounts(lut: out.size * out.type.width)
        case .activation:
            return ResourceCounts(lut: out.size * out.type.width)
        case .table(let t):
            return ResourceCounts(lut: out.size * rom(words: t.values.count, width: out.type.width).lut)
        case .softmax(let s):
            let n = xin.size
            var c = adders(2 * (n - 1), width: xin.type.width)          // max tree compare-selects
            c = c + adders(n, width: xin.type.width)                    // differences to the max
            c = c + ResourceCounts(lut: n * rom(words: s.expValues.count, width: s.expType.width).lut)
            c = c + adders(n - 1, width: s.sumType.width)
            c = c + rom(words: s.inverseValues.count, width: s.inverseType.width)
            for _ in 0..<n { c = c + product(s.expType.width, s.inverseType.width) }
            return c
        case .add, .subtract:
            return adders(out.size, width: out.type.width)
        case .multiply:
            let a = m[op.inputs[0]].type.width, b = m[op.inputs[1]].type.width
            return (0..<out.size).reduce(ResourceCounts()) { acc, _ in acc + product(a, b) }
        case .sum:
            return adders(max(xin.size - 1, 0), width: out.type.width + Int(ceil(log2(Double(max(xin.size, 2))))))
        case .quantize:
            return ResourceCounts(lut: out.size * out.type.width / 2)
        case .concatenate:
            return ResourceCounts()
        }
    }

    /// Pipeline registers without a schedule: a dense row's adder tree has
    /// ceil(log2 P) levels; after every `addersPerStage` levels the surviving
    /// partial sums are registered; the output is registered once.
    static func registers(_ op: LoweredOp, _ m: LoweredModel, addersPerStage: Int) -> Int {
        let out = m[op.output]
        let outputBits = out.size * out.type.width
        guard let d = op.kind.denseForm else {
            if case .concatenate = op.kind { return 0 }
            return outputBits
        }
        var bits = 0
        for p in partials(d) where p > 1 {
            let levels = Int(ceil(log2(Double(p))))
            var level = addersPerStage
            while level < levels {
                bits += Int(ceil(Double(p) / Double(1 << level))) * d.accumulatorType.width
                level += addersPerStage
            }
        }
        return bits + outputBits
    }
}

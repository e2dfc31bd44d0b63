import FixedPoint
import ModelIR
import NetlistIR

/// How a threshold op counts the thresholds its input reaches (the CLI's
/// `--threshold-form`): a comparator bank, a multiply-add-shift where one
/// is proven equal, or whichever of the two costs less.
public enum ThresholdForm: String, Sendable, CaseIterable {
    case bank, affine, auto
}

/// Chooses, per threshold op, between the comparator bank and the
/// multiply-add-shift form (``ThresholdAffineProof``), by the netlist cost
/// of each (``NetlistCost``, priced by ``logicBits(_:)``). The two compute
/// the same codes on every input, so the choice changes only the hardware:
/// the reference, the HLS C++ and the Verilog all follow it.
public enum ThresholdFormChoice {
    /// What was decided for one op, for the compile log.
    public struct Decision: Sendable, Equatable {
        public var op: String
        /// The affine forms taken, or nil (the bank).
        public var affine: [AffineCount]?
        /// Logic bits of each form's netlist (nil: not built).
        public var bankBits: Int?
        public var affineBits: Int?
        /// Why, in a few words.
        public var reason: String

        public var line: String {
            let costs = [bankBits.map { "bank \($0)" }, affineBits.map { "multiply-add-shift \($0)" }].compactMap { $0 }
            return "threshold form: '\(op)' \(affine == nil ? "comparator bank" : "multiply-add-shift") (\(reason)"
                + (costs.isEmpty ? "" : "; logic bits: " + costs.joined(separator: ", ")) + ")"
        }
    }

    /// `model` with each threshold op in the form `form` asks for, and the decisions.
    public static func apply(_ form: ThresholdForm, to model: LoweredModel,
                             maxShift: Int = ThresholdAffineProof.defaultMaxShift) throws(NetlistLoweringError) -> (model: LoweredModel, decisions: [Decision]) {
        var result = model
        var decisions: [Decision] = []
        for (i, op) in model.ops.enumerated() {
            guard case .threshold(var t) = op.kind else { continue }
            t.affine = nil
            var decision = Decision(op: op.name, affine: nil, reason: "asked for")
            if form != .bank {
                let input = model[op.inputs[0]].type
                let forms = t.thresholds.map { ThresholdAffineProof.search(list: $0, lo: input.minRaw, hi: input.maxRaw, maxShift: maxShift) }
                if let missing = forms.firstIndex(where: { $0 == nil }) {
                    decision.reason = "list \(missing) has no multiply-add-shift form with a shift up to \(maxShift)"
                } else {
                    let affine = forms.map { $0! }
                    if form == .affine {
                        decision.affine = affine
                    } else {
                        var bankOp = op, affineOp = op
                        bankOp.kind = .threshold(t)
                        var a = t
                        a.affine = affine
                        affineOp.kind = .threshold(a)
                        let bank = logicBits(NetlistCost(try OpNetlists.build(bankOp, in: model).netlist))
                        let mas = logicBits(NetlistCost(try OpNetlists.build(affineOp, in: model).netlist))
                        decision.bankBits = bank
                        decision.affineBits = mas
                        decision.affine = mas < bank ? affine : nil
                        decision.reason = mas < bank ? "cheaper" : "the bank costs no more"
                    }
                }
            }
            t.affine = decision.affine
            result.ops[i].kind = .threshold(t)
            decisions.append(decision)
        }
        return (result, decisions)
    }

    /// The logic a netlist needs, in bits of adders, muxes, comparators,
    /// rounding and saturation: the price the choice compares (registers
    /// come later, from the pipeline, and follow the logic's depth).
    public static func logicBits(_ c: NetlistCost) -> Int {
        c.adderBits + c.muxBits + 2 * c.maximumBits + c.roundingBits + c.saturatedBits + c.overflowTestBits + c.productBits
    }
}

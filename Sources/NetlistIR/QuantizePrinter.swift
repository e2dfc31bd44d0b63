import FixedPoint

/// The helper wires a quantize node may declare: `<node>__<suffix>`.
public enum QuantizeHelperWires {
    public static let suffixes = ["fl", "up", "rnd", "over", "under", "wrap", "ext", "sm"]
}

/// The logic of one quantize node, as Verilog wires: drop the extra
/// fraction bits and add the rounding increment (``QuantizePlan``), then
/// replace values outside the type's range as its overflow mode says. The
/// helper wires are named `<node>__fl`, `__up`, `__rnd`, `__over`, `__under`,
/// `__wrap` (a double underscore no other node name has).
struct QuantizePrinter {
    typealias Wire = VerilogExpressions.Wire
    typealias E = VerilogExpressions

    let name: String
    /// The node's own width (derived from its interval).
    let width: Int
    let source: Wire
    let sourceInterval: Interval
    let sourceScale: Int
    let type: FixedType

    /// The rounded value: a wire standing for `wire << shift`, with the
    /// wire's own interval.
    struct Rounded {
        var wire: Wire
        var shift: Int
        var interval: Interval
        /// The value before the rounding increment (AP_WRAP_SM reads a bit of it).
        var floor: Wire
    }

    func lines() -> [String] {
        var out: [String] = []
        func declare(_ suffix: String, _ w: Int, _ expr: String) -> String {
            out.append("wire [\(w - 1):0] \(name)__\(suffix) = \(expr);")
            return "\(name)__\(suffix)"
        }
        let plan = QuantizePlan(source: sourceInterval, scale: sourceScale, type: type)
        let r = round(plan, declare)
        let W = type.width
        let minR = Int128(type.minRaw), maxR = Int128(type.maxRaw)
        if !plan.overflowChecked {
            out.append("wire [\(width - 1):0] \(name) = \(E.aligned(r.wire, width: width, shift: r.shift));")
            return out
        }
        let full = E.aligned(r.wire, width: W, shift: r.shift)
        if type.overflow == .wrap && type.saturationBits == 0 {
            out.append("wire [\(W - 1):0] \(name) = \(full);")
            return out
        }
        let symmetric = type.overflow == .satSym && type.isSigned
        // Comparisons are made on the wire against the bounds divided by 2^shift.
        let overK = Interval.floorShift(maxR, r.shift)
        let underK = symmetric ? Interval.floorShift(minR, r.shift) : Interval.ceilShift(minR, r.shift) - 1
        var overName: String?, underName: String?
        if plan.canOverflow {
            overName = declare("over", 1, overK < r.interval.lo ? "1'b1" : E.compare(r.wire, ">", overK))
        }
        if plan.canUnderflow {
            underName = declare("under", 1, underK >= r.interval.hi ? "1'b1" : E.compare(r.wire, "<=", underK))
        }
        let flags = [overName, underName].compactMap { $0 }
        let anyOverflow = flags.count == 1 ? flags[0] : "(\(flags[0]) | \(flags[1]))"
        let low = declare("wrap", W, full)
        let lowWire = Wire(name: low, width: W, signed: type.isSigned)
        let sign = r.wire.signed && r.interval.lo < 0 ? E.signBit(r.wire) : "1'b0"

        let expr: String
        switch (type.overflow, type.isSigned) {
        case (.wrap, _):
            let N = type.saturationBits
            var pattern: [String] = []
            if type.isSigned {
                pattern.append(sign)
                if N > 1 { pattern.append("{\(N - 1){~\(sign)}}") }
            } else {
                pattern.append("{\(N){1'b1}}")
            }
            if W - N - 1 >= 0 { pattern.append(E.bits(lowWire, W - N - 1, 0)) }
            expr = "\(anyOverflow) ? \(E.concatenation(pattern)) : \(low)"
        case (.satZero, _):
            expr = "\(anyOverflow) ? \(W)'d0 : \(low)"
        case (.wrapSM, true):
            let N = type.saturationBits
            if N == 0 {
                // On overflow, when bit W of the source (read before the
                // rounding increment, as the ap_fixed headers do) differs
                // from bit W-1 of the result, the bits are inverted.
                let ext = declare("ext", W + 1, E.aligned(r.floor, width: W + 1, shift: r.floor.name == r.wire.name ? r.shift : 0))
                let extWire = Wire(name: ext, width: W + 1, signed: true)
                expr = "(\(anyOverflow) & (\(E.bits(extWire, W, W)) != \(E.bits(lowWire, W - 1, W - 1)))) ? ~\(low) : \(low)"
            } else {
                let invert = N == 1 ? "(\(sign) != \(E.bits(lowWire, W - 1, W - 1)))" : "(\(E.bits(lowWire, W - N, W - N)) == \(sign))"
                let flipped = declare("sm", W, "\(invert) ? ~\(low) : \(low)")
                var pattern: [String] = [sign]
                if N > 1 { pattern.append("{\(N - 1){~\(sign)}}") }
                if W - N - 1 >= 0 { pattern.append(W - N - 1 == 0 ? "\(flipped)[0]" : "\(flipped)[\(W - N - 1):0]") }
                expr = "\(anyOverflow) ? \(E.concatenation(pattern)) : \(low)"
            }
        default:
            // AP_SAT, AP_SAT_SYM, and AP_WRAP_SM on unsigned types: clamp. The
            // headers build the symmetric minimum as 100...0 | 1, which for
            // W = 1 is the single bit 1: the ordinary minimum.
            var e = low
            if let u = underName { e = "\(u) ? \(E.literal(symmetric && W > 1 ? minR + 1 : minR, width: W)) : \(e)" }
            if let o = overName { e = "\(o) ? \(E.literal(maxR, width: W)) : \(e)" }
            expr = e
        }
        out.append("wire [\(W - 1):0] \(name) = \(expr);")
        return out
    }

    /// Drops `plan.dropped` bits of the source and adds the rounding increment.
    func round(_ plan: QuantizePlan, _ declare: (String, Int, String) -> String) -> Rounded {
        let d = plan.dropped
        if d <= 0 { return Rounded(wire: source, shift: -d, interval: sourceInterval, floor: source) }
        let w = source.width
        let qlo = Interval.floorShift(sourceInterval.lo, d), qhi = Interval.floorShift(sourceInterval.hi, d)
        let q: Wire
        if d < w {
            q = Wire(name: declare("fl", w - d, E.bits(source, w - 1, d)), width: w - d, signed: source.signed)
        } else if source.signed {
            q = Wire(name: declare("fl", 1, E.signBit(source)), width: 1, signed: true)
        } else {
            q = Wire(name: declare("fl", 1, "1'b0"), width: 1, signed: false)
        }
        guard let condition = plan.roundUp else {
            return Rounded(wire: q, shift: 0, interval: Interval(qlo, qhi), floor: q)
        }
        func bit(_ i: Int) -> String { i < w ? E.bits(source, i, i) : E.signBit(source) }
        func text(_ c: RoundingCondition) -> String {
            switch c {
            case .half: return bit(d - 1)
            case .sticky: return "(|\(E.bits(source, min(d - 2, w - 1), 0)))"
            case .negative: return E.signBit(source)
            case .odd: return d < w ? E.bits(source, d, d) : E.signBit(source)
            case .always: return "1'b1"
            case let .and(a, b): return "(\(text(a)) & \(text(b)))"
            case let .or(a, b): return "(\(text(a)) | \(text(b)))"
            case let .not(a): return "~\(text(a))"
            }
        }
        let up = declare("up", 1, text(condition))
        let interval = plan.rounded
        let rw = Interval.signedWidth(interval.lo, interval.hi)
        let increment = rw == 1 ? up : "{\(rw - 1)'b0, \(up)}"
        let rnd = declare("rnd", rw, "\(E.aligned(q, width: rw)) + \(increment)")
        return Rounded(wire: Wire(name: rnd, width: rw, signed: true), shift: 0, interval: interval, floor: q)
    }
}

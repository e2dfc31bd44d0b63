import FixedPoint

/// Assignment to a fixed-point type as logic: the hardware form of
/// ``FixedType/quantize(_:)-(ExactValue)``, generated from the source's
/// width and binary point and the target type. Quantization (Q) first:
/// drop the extra fraction bits and add a rounding increment decided by the
/// dropped bits; then overflow (O, N): detect values outside the target's
/// range and replace them as the mode says. Bounds known from the source
/// remove checks that can never fire.
extension Netlist {
    /// Rounds `s` (a value with `fraction` fraction bits, in the units of
    /// `s.shift == 0`) to `targetFraction` fraction bits with mode `mode`.
    /// The result is an integer in units of `2^-targetFraction`, exact (no
    /// overflow handling).
    mutating func round(_ s: Signal, fraction: Int, to targetFraction: Int, mode: QuantizationMode, name: String) -> Signal {
        roundKeepingFloor(s, fraction: fraction, to: targetFraction, mode: mode, name: name).value
    }

    /// ``round(_:fraction:to:mode:name:)`` that also returns `floor`, the
    /// value before the rounding increment (AP_WRAP_SM reads a bit of it).
    mutating func roundKeepingFloor(_ s: Signal, fraction: Int, to targetFraction: Int, mode: QuantizationMode,
                                    name: String) -> (floor: Signal, value: Signal) {
        let d = (fraction - s.shift) - targetFraction
        if d <= 0 {
            let r = Signal(node: s.node, width: s.width, signed: s.signed, shift: -d, lo: s.lo, hi: s.hi)
            return (r, r)
        }
        let w = s.width
        let qlo = Bits.floorShift(s.lo, d), qhi = Bits.floorShift(s.hi, d)
        // q = floor(u / 2^d): the wire's high bits, or its sign if all bits are dropped.
        let q: Signal
        if d < w {
            let n = add(name + "_fl", width: w - d, cost: 0, bits(s, w - 1, d))
            q = Signal(node: n, width: w - d, signed: s.signed, lo: qlo, hi: qhi)
        } else if s.signed {
            let n = add(name + "_fl", width: 1, cost: 0, signBit(s))
            q = Signal(node: n, width: 1, signed: true, lo: qlo, hi: qhi)
        } else {
            q = constant(0, name: name + "_fl")
        }
        // The dropped bits: `half` is the first, `sticky` the OR of the rest.
        func bit(_ i: Int) -> Fragments { i < w ? bits(s, i, i) : signBit(s) }
        let half = bit(d - 1)
        let sticky: Fragments? = d >= 2 ? [.text("(|")] + bits(s, min(d - 2, w - 1), 0) + [.text(")")] : nil
        let negative: Fragments? = s.signed && s.lo < 0 ? signBit(s) : nil
        let qOdd: Fragments = d < w ? bits(s, d, d) : signBit(s)
        func or(_ a: Fragments?, _ b: Fragments?) -> Fragments? {
            guard let a else { return b }
            guard let b else { return a }
            return [.text("(")] + a + [.text(" | ")] + b + [.text(")")]
        }
        func and(_ a: Fragments?, _ b: Fragments?) -> Fragments? {
            guard let a, let b else { return nil }
            return [.text("(")] + a + [.text(" & ")] + b + [.text(")")]
        }
        func not(_ a: Fragments?) -> Fragments? {
            guard let a else { return [.text("1'b1")] }
            return [.text("~")] + a
        }
        let up: Fragments?
        switch mode {
        case .trn: up = nil
        case .trnZero: up = and(negative, or(half, sticky))
        case .rnd: up = half
        case .rndZero: up = and(half, or(sticky, negative))
        case .rndInf: up = and(half, or(sticky, not(negative)))
        case .rndMinInf: up = and(half, sticky)
        case .rndConv: up = and(half, or(sticky, qOdd))
        }
        // An unsigned source below 2^(d-1) never rounds up.
        if up == nil || (!s.signed && d - 1 >= w) { return (q, q) }
        let hi = Bits.ceilShift(s.hi, d)
        let rw = Bits.signedWidth(qlo, hi)
        let upNode = add(name + "_up", width: 1, cost: 0, up!)
        let increment: Fragments = rw == 1 ? [.ref(upNode)] : [.text("{\(rw - 1)'b0, "), .ref(upNode), .text("}")]
        let n = add(name + "_rnd", width: rw, cost: CostModel.adder, aligned(q, width: rw) + [.text(" + ")] + increment)
        return (q, Signal(node: n, width: rw, signed: true, lo: qlo, hi: hi))
    }

    /// The raw code of `type` for the integer `r` (in units of the type's LSB):
    /// overflow handling with the type's O mode and N saturation bits.
    /// Returns a wire of exactly `type.width` bits.
    mutating func fit(_ r: Signal, floor: Signal? = nil, to type: FixedType, name: String) -> Signal {
        let W = type.width
        let minR = Int128(type.minRaw), maxR = Int128(type.maxRaw)
        let vlo = r.lo << r.shift, vhi = r.hi << r.shift
        let symmetric = type.overflow == .satSym && type.isSigned
        let canOver = vhi > maxR
        let canUnder = vlo < minR || (symmetric && vlo <= minR)
        let full = (lo: minR, hi: maxR)

        if !canOver && !canUnder {
            return materialize(r, width: W, signed: type.isSigned, name: name, lo: vlo, hi: vhi)
        }
        if type.overflow == .wrap && type.saturationBits == 0 {
            return materialize(r, width: W, signed: type.isSigned, name: name, lo: full.lo, hi: full.hi)
        }
        // Comparisons are made on the wire `u` against bounds divided by 2^shift.
        func compare(_ op: String, _ k: Int128) -> Fragments {
            let lit = Bits.literal(k, width: r.width)
            return r.signed ? [.text("($signed("), .ref(r.node), .text(") \(op) $signed(\(lit)))")]
                            : [.text("("), .ref(r.node), .text(" \(op) \(lit))")]
        }
        // over: value > maxR; under: value < minR (or == minR for AP_SAT_SYM).
        let overK = Bits.floorShift(maxR, r.shift)
        let underK = symmetric ? Bits.floorShift(minR, r.shift) : Bits.ceilShift(minR, r.shift) - 1
        let over: Fragments? = !canOver ? nil : (overK < r.lo ? [.text("1'b1")] : compare(">", overK))
        let under: Fragments? = !canUnder ? nil : (underK >= r.hi ? [.text("1'b1")] : compare("<=", underK))
        var flags: [Fragments] = []
        var overNode: Int?, underNode: Int?
        if let over { overNode = add(name + "_over", width: 1, cost: CostModel.overflow - CostModel.mux, over); flags.append([.ref(overNode!)]) }
        if let under { underNode = add(name + "_under", width: 1, cost: CostModel.overflow - CostModel.mux, under); flags.append([.ref(underNode!)]) }
        let anyOverflow: Fragments = flags.count == 1 ? flags[0] : [.text("(")] + flags[0] + [.text(" | ")] + flags[1] + [.text(")")]
        let low = materialize(r, width: W, signed: type.isSigned, name: name + "_wrap", lo: full.lo, hi: full.hi)
        let lowRef: Fragments = [.ref(low.node)]
        let sign: Fragments = r.signed && r.lo < 0 ? signBit(r) : [.text("1'b0")]

        let expr: Fragments
        switch (type.overflow, type.isSigned) {
        case (.wrap, _):
            let N = type.saturationBits
            var pattern: [Fragments] = []
            if type.isSigned {
                pattern.append(sign)
                if N > 1 { pattern.append([.text("{\(N - 1){~")] + sign + [.text("}}")]) }
            } else {
                pattern.append([.text("{\(N){1'b1}}")])
            }
            if W - N - 1 >= 0 { pattern.append(bits(low, W - N - 1, 0)) }
            expr = anyOverflow + [.text(" ? ")] + concat(pattern) + [.text(" : ")] + lowRef
        case (.satZero, _):
            expr = anyOverflow + [.text(" ? \(W)'d0 : ")] + lowRef
        case (.wrapSM, true):
            let N = type.saturationBits
            if N == 0 {
                // Sign-magnitude wrap: on overflow, when bit W of the source
                // (read before the rounding increment, as the ap_fixed headers
                // do) differs from bit W-1 of the result, the bits are inverted.
                let e = materialize(floor ?? r, width: W + 1, signed: true, name: name + "_ext")
                expr = [.text("(")] + anyOverflow + [.text(" & (")] + bits(e, W, W) + [.text(" != ")] + bits(low, W - 1, W - 1)
                    + [.text(")) ? ~")] + lowRef + [.text(" : ")] + lowRef
                let n = add(name, width: W, cost: CostModel.mux, expr)
                return Signal(node: n, width: W, signed: true, lo: full.lo, hi: full.hi)
            }
            let invert: Fragments = N == 1
                ? [.text("(")] + sign + [.text(" != ")] + bits(low, W - 1, W - 1) + [.text(")")]
                : [.text("(")] + bits(low, W - N, W - N) + [.text(" == ")] + sign + [.text(")")]
            let flipped = add(name + "_sm", width: W, cost: CostModel.mux, invert + [.text(" ? ~")] + lowRef + [.text(" : ")] + lowRef)
            var pattern: [Fragments] = [sign]
            if N > 1 { pattern.append([.text("{\(N - 1){~")] + sign + [.text("}}")]) }
            if W - N - 1 >= 0 { pattern.append([.ref(flipped), .text(W - N - 1 == 0 ? "[0]" : "[\(W - N - 1):0]")]) }
            expr = anyOverflow + [.text(" ? ")] + concat(pattern) + [.text(" : ")] + lowRef
        default:
            // AP_SAT, AP_SAT_SYM, and AP_WRAP_SM on unsigned types: clamp.
            let maxLit = Bits.literal(maxR, width: W)
            // The headers build the symmetric minimum as 100...0 | 1, which for
            // W = 1 is the single bit 1: the ordinary minimum.
            let minLit = Bits.literal(symmetric && W > 1 ? minR + 1 : minR, width: W)
            var e: Fragments = lowRef
            if let u = underNode { e = [.ref(u), .text(" ? \(minLit) : ")] + e }
            if let o = overNode { e = [.ref(o), .text(" ? \(maxLit) : ")] + e }
            expr = e
        }
        let n = add(name, width: W, cost: CostModel.mux, expr)
        return Signal(node: n, width: W, signed: type.isSigned, lo: full.lo, hi: full.hi)
    }

    /// `{a, b, ...}`, or the single part alone.
    func concat(_ parts: [Fragments]) -> Fragments {
        if parts.count == 1 { return parts[0] }
        var out: Fragments = [.text("{")]
        for (i, p) in parts.enumerated() {
            if i > 0 { out.append(.text(", ")) }
            out += p
        }
        return out + [.text("}")]
    }

    /// Assignment of `s` (with `fraction` fraction bits) to `type`: the raw
    /// code, a wire of `type.width` bits.
    mutating func quantize(_ s: Signal, fraction: Int, to type: FixedType, name: String) -> Signal {
        let r = roundKeepingFloor(s, fraction: fraction, to: type.fractionBits, mode: type.quantization, name: name)
        return fit(r.value, floor: r.floor, to: type, name: name)
    }
}

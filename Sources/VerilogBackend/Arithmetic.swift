/// Building blocks that add nodes to a ``Netlist``: sized operand
/// expressions, adders, balanced adder trees, constant multiplication by
/// canonical signed digits, muxes, comparators and variable multipliers.
///
/// Every expression is written at its exact width (operands are extended or
/// cut with explicit concatenations and part-selects), so the Verilog has
/// no implicit width changes for Verilator's WIDTH lint to flag.
extension Netlist {
    typealias Fragments = [Fragment]

    // MARK: Expressions

    /// Bits `hi...lo` of a signal's wire (the whole wire when that is all of it).
    func bits(_ s: Signal, _ hi: Int, _ lo: Int) -> Fragments {
        if lo == 0 && hi == s.width - 1 { return [.ref(s.node)] }
        return [.ref(s.node), .text(hi == lo ? "[\(hi)]" : "[\(hi):\(lo)]")]
    }

    /// The sign bit of a signal (a constant 0 for unsigned wires).
    func signBit(_ s: Signal) -> Fragments {
        s.signed ? bits(s, s.width - 1, s.width - 1) : [.text("1'b0")]
    }

    /// A `width`-bit expression of `s`'s value in units of `2^shift`
    /// (`shift <= s.shift`): the wire, zero bits appended for the shift,
    /// sign- or zero-extended, or cut to its low `width` bits (which is
    /// arithmetic modulo `2^width`).
    func aligned(_ s: Signal, width: Int, shift: Int = 0) -> Fragments {
        let k = s.shift - shift
        precondition(k >= 0, "aligned: cannot shift right")
        let full = s.width + k
        var parts: [Fragments] = []
        if width >= full {
            let ext = width - full
            if ext > 0 {
                if s.signed {
                    parts.append(ext == 1 ? signBit(s) : [.text("{\(ext){")] + signBit(s) + [.text("}}")])
                } else {
                    parts.append([.text("\(ext)'b0")])
                }
            }
            parts.append([.ref(s.node)])
        } else {
            if width <= k { return [.text("\(width)'b0")] }
            parts.append(bits(s, width - k - 1, 0))
        }
        if k > 0 { parts.append([.text("\(k)'b0")]) }
        if parts.count == 1 { return parts[0] }
        var out: Fragments = [.text("{")]
        for (i, p) in parts.enumerated() {
            if i > 0 { out.append(.text(", ")) }
            out += p
        }
        out.append(.text("}"))
        return out
    }

    // MARK: Constants and wires

    /// A constant signal (trailing zero bits folded into its shift).
    mutating func constant(_ v: Int128, name: String) -> Signal {
        if v == 0 {
            let n = addConstant(name, width: 1, pattern: "1'b0")
            return Signal(node: n, width: 1, signed: true, lo: 0, hi: 0)
        }
        let tz = v.trailingZeroBitCount
        let u = v >> tz
        let w = Bits.signedWidth(u, u)
        let n = addConstant(name, width: w, pattern: Bits.literal(u, width: w), comment: "\(v)")
        return Signal(node: n, width: w, signed: true, shift: tz, lo: u, hi: u)
    }

    /// A new wire holding `s` at `width` bits and shift 0 (wiring only).
    mutating func materialize(_ s: Signal, width: Int, signed: Bool, name: String, lo: Int128? = nil, hi: Int128? = nil) -> Signal {
        if s.shift == 0 && s.width == width && s.signed == signed { return s }
        let n = add(name, width: width, cost: 0, aligned(s, width: width))
        let full = signed ? (-(Int128(1) << (width - 1)), (Int128(1) << (width - 1)) - 1) : (Int128(0), (Int128(1) << width) - 1)
        return Signal(node: n, width: width, signed: signed,
                      lo: lo ?? max(s.lo << s.shift, full.0), hi: hi ?? min(s.hi << s.shift, full.1))
    }

    // MARK: Adders

    /// `a + b` or `a - b`, exact, or modulo `2^modulo` (in the units of
    /// shift 0) when `modulo` is given: a wrapping accumulator.
    mutating func add(_ a: Signal, _ b: Signal, subtract: Bool = false, modulo: Int? = nil, name: String) -> Signal {
        let s = min(a.shift, b.shift)
        let (alo, ahi) = (a.lo << (a.shift - s), a.hi << (a.shift - s))
        let (blo, bhi) = (b.lo << (b.shift - s), b.hi << (b.shift - s))
        var lo = subtract ? alo - bhi : alo + blo
        var hi = subtract ? ahi - blo : ahi + bhi
        var w = Bits.signedWidth(lo, hi)
        if let m = modulo {
            let limit = m - s
            if limit <= 0 { return constant(0, name: name + "_zero") }
            if w > limit {
                w = limit
                lo = -(Int128(1) << (w - 1))
                hi = (Int128(1) << (w - 1)) - 1
            }
        }
        let expr = aligned(a, width: w, shift: s) + [.text(subtract ? " - " : " + ")] + aligned(b, width: w, shift: s)
        let n = add(name, width: w, cost: CostModel.adder, expr)
        return Signal(node: n, width: w, signed: true, shift: s, lo: lo, hi: hi)
    }

    /// `-a` (exact, or modulo `2^modulo`).
    mutating func negate(_ a: Signal, modulo: Int? = nil, name: String) -> Signal {
        var lo = -a.hi, hi = -a.lo
        var w = Bits.signedWidth(lo, hi)
        if let m = modulo {
            let limit = m - a.shift
            if limit <= 0 { return constant(0, name: name + "_zero") }
            if w > limit {
                w = limit
                lo = -(Int128(1) << (w - 1))
                hi = (Int128(1) << (w - 1)) - 1
            }
        }
        let expr: Fragments = [.text("\(w)'d0 - ")] + aligned(a, width: w, shift: a.shift)
        let n = add(name, width: w, cost: CostModel.adder, expr)
        return Signal(node: n, width: w, signed: true, shift: a.shift, lo: lo, hi: hi)
    }

    /// A term of a sum: a signal that is added or subtracted.
    struct Term {
        var signal: Signal
        var negative: Bool
    }

    /// The sum of `terms` as a balanced adder tree: the two earliest-ready
    /// terms are added first (ties in the order given), so equal-depth
    /// leaves form a tree of depth ceil(log2 n). Subtracted terms become
    /// subtractions, never separate negations (except at the root when
    /// every term is subtracted).
    mutating func sum(_ terms: [Term], modulo: Int? = nil, name: String) -> Signal {
        guard !terms.isEmpty else { return constant(0, name: name + "_zero") }
        var pending: [(term: Term, depth: Int, order: Int)] = terms.enumerated().map { ($0.element, depth(of: $0.element.signal.node), $0.offset) }
        var order = terms.count
        var index = 0
        func takeEarliest() -> Term {
            var best = 0
            for i in 1..<pending.count {
                let p = pending[i], q = pending[best]
                if p.depth < q.depth || (p.depth == q.depth && p.order < q.order) { best = i }
            }
            return pending.remove(at: best).term
        }
        while pending.count > 1 {
            let a = takeEarliest(), b = takeEarliest()
            let nodeName = "\(name)_s\(index)"
            index += 1
            let combined: Term
            switch (a.negative, b.negative) {
            case (false, false): combined = Term(signal: add(a.signal, b.signal, modulo: modulo, name: nodeName), negative: false)
            case (false, true): combined = Term(signal: add(a.signal, b.signal, subtract: true, modulo: modulo, name: nodeName), negative: false)
            case (true, false): combined = Term(signal: add(b.signal, a.signal, subtract: true, modulo: modulo, name: nodeName), negative: false)
            case (true, true): combined = Term(signal: add(a.signal, b.signal, modulo: modulo, name: nodeName), negative: true)
            }
            pending.append((combined, depth(of: combined.signal.node), order))
            order += 1
        }
        let root = pending[0].term
        if root.negative { return negate(root.signal, modulo: modulo, name: name + "_neg") }
        if let m = modulo, root.signal.width + root.signal.shift > m {
            // A lone term wider than the accumulator: keep its low bits.
            if m - root.signal.shift <= 0 { return constant(0, name: name + "_zero") }
            let w = m - root.signal.shift
            let n = add(name + "_wrap", width: w, cost: 0, aligned(root.signal, width: w, shift: root.signal.shift))
            return Signal(node: n, width: w, signed: true, shift: root.signal.shift,
                          lo: -(Int128(1) << (w - 1)), hi: (Int128(1) << (w - 1)) - 1)
        }
        return root.signal
    }

    /// The terms of `x * c` for a constant `c`: one shifted copy of `x` per
    /// canonical signed digit (wires only; the adds happen in ``sum``).
    func constantProductTerms(_ x: Signal, _ c: Int128) -> [Term] {
        Bits.csd(c).map { Term(signal: x.shifted(by: $0.exponent), negative: $0.negative) }
    }

    /// `x * c` exactly, by shift-and-add.
    mutating func constantProduct(_ x: Signal, _ c: Int128, name: String) -> Signal {
        sum(constantProductTerms(x, c), name: name)
    }

    // MARK: Selection and comparison

    /// `condition ? a : b`, both at shift 0 and the given width.
    mutating func mux(_ condition: Fragments, _ a: Signal, _ b: Signal, width: Int, signed: Bool, name: String) -> Signal {
        let expr: Fragments = condition + [.text(" ? ")] + aligned(a, width: width) + [.text(" : ")] + aligned(b, width: width)
        let n = add(name, width: width, cost: CostModel.mux, expr)
        return Signal(node: n, width: width, signed: signed, lo: min(a.lo << a.shift, b.lo << b.shift), hi: max(a.hi << a.shift, b.hi << b.shift))
    }

    /// `max(x, 0)`.
    mutating func relu(_ x: Signal, name: String) -> Signal {
        if x.lo >= 0 { return x }
        if x.hi <= 0 { return constant(0, name: name + "_zero") }
        let expr: Fragments = signBit(x) + [.text(" ? \(x.width)'d0 : ")] + [.ref(x.node)]
        let n = add(name, width: x.width, cost: CostModel.mux, expr)
        return Signal(node: n, width: x.width, signed: x.signed, shift: x.shift, lo: 0, hi: x.hi)
    }

    /// The larger of two signals with the same shift.
    mutating func maximum(_ a: Signal, _ b: Signal, name: String) -> Signal {
        precondition(a.shift == b.shift)
        let lo = max(a.lo, b.lo), hi = max(a.hi, b.hi)
        let w = Bits.signedWidth(min(a.lo, b.lo), hi)
        let ea = aligned(a, width: w, shift: a.shift), eb = aligned(b, width: w, shift: b.shift)
        let expr: Fragments = [.text("($signed(")] + ea + [.text(") > $signed(")] + eb + [.text(")) ? ")] + ea + [.text(" : ")] + eb
        let n = add(name, width: w, cost: CostModel.compareSelect, expr)
        return Signal(node: n, width: w, signed: true, shift: a.shift, lo: lo, hi: hi)
    }

    /// `a * b` exactly, on a multiplier (variable operands).
    mutating func multiply(_ a: Signal, _ b: Signal, name: String) -> Signal {
        let corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]
        let lo = corners.min()!, hi = corners.max()!
        let shift = a.shift + b.shift
        let expr: Fragments
        let w: Int
        if !a.signed && !b.signed {
            w = a.width + b.width
            expr = [.ref(a.node), .text(" * "), .ref(b.node)]
        } else {
            func operand(_ s: Signal) -> Fragments {
                s.signed ? [.text("$signed("), .ref(s.node), .text(")")] : [.text("$signed({1'b0, "), .ref(s.node), .text("})")]
            }
            w = a.width + b.width + (a.signed ? 0 : 1) + (b.signed ? 0 : 1)
            expr = operand(a) + [.text(" * ")] + operand(b)
        }
        let n = add(name, width: w, cost: CostModel.multiplier, expr)
        return Signal(node: n, width: w, signed: a.signed || b.signed, shift: shift, lo: lo, hi: hi)
    }
}

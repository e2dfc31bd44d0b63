/// Verilog expressions of exact widths for the nodes of a netlist: every
/// operand is extended or cut with explicit concatenations and part-selects,
/// so the text has no implicit width change for Verilator's WIDTH lint.
struct VerilogExpressions {
    /// How a node is read: its name (a wire or register), width and signedness.
    struct Wire {
        var name: String
        var width: Int
        var signed: Bool
    }

    /// Bits `hi...lo` of a wire (the whole wire when that is all of it).
    static func bits(_ w: Wire, _ hi: Int, _ lo: Int) -> String {
        if lo == 0 && hi == w.width - 1 { return w.name }
        return w.name + (hi == lo ? "[\(hi)]" : "[\(hi):\(lo)]")
    }

    /// The sign bit (a constant 0 for an unsigned wire).
    static func signBit(_ w: Wire) -> String { w.signed ? bits(w, w.width - 1, w.width - 1) : "1'b0" }

    /// A `width`-bit expression of the wire's value times `2^shift`:
    /// zero bits appended for the shift, sign- or zero-extended, or cut to
    /// its low bits (arithmetic modulo `2^width`).
    static func aligned(_ w: Wire, width: Int, shift k: Int = 0) -> String {
        precondition(k >= 0, "aligned: cannot shift right")
        let full = w.width + k
        var parts: [String] = []
        if width >= full {
            if width > full { parts.append(padding(w, bits: width - full)) }
            parts.append(w.name)
        } else {
            if width <= k { return "\(width)'b0" }
            parts.append(bits(w, width - k - 1, 0))
        }
        if k > 0 { parts.append("\(k)'b0") }
        return concatenation(parts)
    }

    /// A `width`-bit expression of the wire's value divided by `2^from`
    /// (its bits above `from`, sign- or zero-extended), times `2^shift`.
    static func high(_ w: Wire, from: Int, width: Int, shift k: Int = 0) -> String {
        let kept = w.width - from
        var parts: [String] = []
        if kept <= 0 {
            parts.append(padding(w, bits: width - k))
        } else if kept >= width - k {
            // Cut to its low bits (arithmetic modulo 2^width).
            parts.append(bits(w, from + width - k - 1, from))
        } else {
            parts.append(padding(w, bits: width - k - kept))
            parts.append(bits(w, w.width - 1, from))
        }
        if k > 0 { parts.append("\(k)'b0") }
        return concatenation(parts)
    }

    /// `bits` copies of the wire's sign bit, or zeros for an unsigned wire.
    static func padding(_ w: Wire, bits n: Int) -> String {
        w.signed ? (n == 1 ? signBit(w) : "{\(n){\(signBit(w))}}") : "\(n)'b0"
    }

    /// `{a, b}`, or the single part.
    static func concatenation(_ parts: [String]) -> String {
        parts.count == 1 ? parts[0] : "{" + parts.joined(separator: ", ") + "}"
    }

    /// The `width`-bit two's-complement pattern of `v` as a sized literal.
    static func literal(_ v: Int128, width: Int) -> String {
        let pattern: UInt128 = width >= 128 ? UInt128(truncatingIfNeeded: v)
            : UInt128(truncatingIfNeeded: v) & ((UInt128(1) << width) - 1)
        return "\(width)'h" + String(pattern, radix: 16)
    }

    /// `x` compared with the constant `k` (`op` one of `>`, `<=`).
    static func compare(_ w: Wire, _ op: String, _ k: Int128) -> String {
        let lit = literal(k, width: w.width)
        return w.signed ? "($signed(\(w.name)) \(op) $signed(\(lit)))" : "(\(w.name) \(op) \(lit))"
    }
}

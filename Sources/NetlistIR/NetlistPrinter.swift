import FixedPoint

/// A netlist as text, in a form ``NetlistParser`` reads back to the same
/// netlist: every node with its operation, exact interval, scale and stage.
/// Written beside the Verilog (`rtl/netlist.txt`, one netlist per op module)
/// so that what the printer turned into Verilog can be read node by node,
/// and used by the netlist pass tests, written as small texts in and out.
///
/// ```
/// hepml-netlist 1
/// port x ap_fixed<8,3> 4                     one per input port: name, element type, size
/// table t0 sig 3 "sigmoid of x"              a ROM: name, index bits, comment;
///   words 0 1 3 7 12 ...                     then its words
/// ternary-sums off
/// // x_0 * 3                                 a section comment before the next node
/// %0 x_0 = input 0 0 : -128..127 s-5 @0
/// %1 c = const 3 : 3..3 s0 @0 # 3            `# text`: the node's comment
/// %2 p = add %0<<1 %0<<0 : -384..381 s-5 @0  operands with their left shifts
/// %3 q = sub %2<<0 %1<<5 : ...
/// %4 r = add3 +%0<<0 -%1<<2 +%2<<1 : ...
/// %5 y = quantize %2 ap_fixed<8,3,AP_RND,AP_SAT> : -128..127 s-5 @1
/// %6 y_q1 = reg %5 : -128..127 s-5 @2
/// output ap_fixed<8,3> %6                    the output type (or -) and output nodes
/// ```
/// The other operations: `neg %a`, `wrap %a <bits>`, `relu %a`,
/// `max %a %b`, `select %test %negative %otherwise`, `view %a`,
/// `offset %a <bits>`, `lookup <table index> %i`, `mul %a %b`, `reg %a`.
/// Widths are not written: they follow from the intervals.
public enum NetlistPrinter {
    public static let header = "hepml-netlist 1"

    public static func print(_ n: Netlist) -> String {
        var out = header + "\n"
        for p in n.ports { out += "port \(p.name) \(p.type) \(p.size)\n" }
        for t in n.tables {
            out += "table \(t.name) \(t.indexBits) \(quoted(t.comment))\n"
            out += "  words" + t.values.map { " \($0)" }.joined() + "\n"
        }
        out += "ternary-sums \(n.ternarySums ? "on" : "off")\n"
        for (i, node) in n.nodes.enumerated() {
            for line in n.sections[i] ?? [] { out += "// " + singleLine(line) + "\n" }
            out += line(node, index: i) + "\n"
        }
        for line in n.sections[n.nodes.count] ?? [] { out += "// " + singleLine(line) + "\n" }
        out += "output \(n.outputType.map { "\($0)" } ?? "-")" + n.outputs.map { " \($0)" }.joined() + "\n"
        return out
    }

    /// One node: `%i name = op args : lo..hi s<scale> @<stage> [# comment]`.
    static func line(_ node: Node, index: Int) -> String {
        var s = "%\(index) \(node.name) = \(operation(node.operation)) : \(node.interval.lo)..\(node.interval.hi) s\(node.scale) @\(node.stage)"
        if let c = node.comment { s += " # " + singleLine(c) }
        return s
    }

    static func operation(_ op: Operation) -> String {
        switch op {
        case let .input(port, element): return "input \(port) \(element)"
        case let .constant(c): return "const \(c)"
        case let .add(a, ka, b, kb, subtract): return "\(subtract ? "sub" : "add") \(a)<<\(ka) \(b)<<\(kb)"
        case let .add3(a, b, c): return "add3 " + [a, b, c].map(term).joined(separator: " ")
        case let .negate(a): return "neg \(a)"
        case let .wrap(a, bits): return "wrap \(a) \(bits)"
        case let .quantize(a, type): return "quantize \(a) \(type)"
        case let .relu(a): return "relu \(a)"
        case let .maximum(a, b): return "max \(a) \(b)"
        case let .select(t, n, o): return "select \(t) \(n) \(o)"
        case let .view(a): return "view \(a)"
        case let .offsetBinary(a, bits): return "offset \(a) \(bits)"
        case let .lookup(table, index): return "lookup \(table) \(index)"
        case let .multiply(a, b): return "mul \(a) \(b)"
        case let .register(a): return "reg \(a)"
        }
    }

    static func term(_ t: Netlist.Term) -> String { "\(t.negative ? "-" : "+")\(t.node)<<\(t.shift)" }

    /// Comments are free text on one line: a line end would end the line.
    static func singleLine(_ s: String) -> String {
        String(s.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }

    /// A table comment in double quotes, with `\"` and `\\` escaped.
    static func quoted(_ s: String) -> String {
        "\"" + singleLine(s).replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }
}

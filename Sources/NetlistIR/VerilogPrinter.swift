/// Prints a netlist as the body of a Verilog module: input slices,
/// constants, then stage by stage the wires computed in that stage and the
/// registers that carry values into the next, then the output port. A pure
/// function of the netlist: the same netlist gives the same text.
public enum VerilogPrinter {
    typealias Wire = VerilogExpressions.Wire
    typealias E = VerilogExpressions

    /// The module body; `outputPort` receives output `i` at bits
    /// `[i*W +: W]`, `W` the output type's width. Ternary adds instantiate
    /// `ternaryAdder` (``ternaryInstance(_:_:_:module:)``).
    public static func body(_ n: Netlist, outputPort: String, ternaryAdder: String) -> String {
        var out = ""
        func line(_ s: String) { out += s + "\n" }
        func sections(_ i: Int) { for c in n.sections[i] ?? [] { line("    " + c) } }
        func wire(_ id: NodeID) -> Wire { Wire(name: n[id].name, width: n[id].width, signed: n[id].isSigned) }

        line("    // ---- inputs ----")
        for (i, node) in n.nodes.enumerated() {
            guard case let .input(port, element) = node.operation else { continue }
            sections(i)
            let W = n.ports[port].type.width
            let lo = element * W, hi = lo + W - 1
            line("    wire [\(node.width - 1):0] \(node.name) = \(n.ports[port].name)[\(hi == lo ? "\(lo)" : "\(hi):\(lo)")];")
        }
        let constants = n.nodes.indices.filter { if case .constant = n.nodes[$0].operation { return true } else { return false } }
        if !constants.isEmpty {
            line("")
            line("    // ---- constants ----")
            for i in constants {
                guard case let .constant(v) = n.nodes[i].operation else { continue }
                let node = n.nodes[i]
                line("    wire [\(node.width - 1):0] \(node.name) = \(E.literal(v, width: node.width));" + (node.comment.map { " // \($0)" } ?? ""))
            }
        }
        let lastStage = n.nodes.map(\.stage).max() ?? 0
        for t in 0...lastStage {
            let logic = n.nodes.indices.filter { i in
                switch n.nodes[i].operation {
                case .input, .constant, .register: return false
                default: return n.nodes[i].stage == t
                }
            }
            if !logic.isEmpty || lastStage > 0 {
                line("")
                line("    // ---- stage \(t) ----")
            }
            for i in logic {
                sections(i)
                for l in declaration(NodeID(i), n, wire, ternaryAdder: ternaryAdder) { line("    " + l) }
            }
            let registers = n.nodes.indices.filter { i in
                if case .register = n.nodes[i].operation { return n.nodes[i].stage == t + 1 }
                return false
            }
            guard !registers.isEmpty else { continue }
            line("")
            line("    // stage \(t) -> \(t + 1) pipeline registers")
            for i in registers { line("    reg [\(n.nodes[i].width - 1):0] \(n.nodes[i].name);") }
            line("    always @(posedge clk) begin")
            for i in registers {
                guard case let .register(a) = n.nodes[i].operation else { continue }
                line("        \(n.nodes[i].name) <= \(E.aligned(wire(a), width: n.nodes[i].width));")
            }
            line("    end")
        }
        line("")
        line("    // ---- output: element i at bits [i*W +: W] ----")
        let W = n.outputType?.width ?? 1
        let names = n.outputs.reversed().map { E.aligned(wire($0), width: W) }
        line("    assign \(outputPort) = " + concatenation(names, indent: "        ") + ";")
        return out
    }

    /// The line(s) declaring a combinational node.
    static func declaration(_ id: NodeID, _ n: Netlist, _ wire: (NodeID) -> Wire, ternaryAdder: String) -> [String] {
        let node = n[id]
        let w = node.width
        let comment = node.comment.map { " // \($0)" } ?? ""
        func assign(_ expr: String) -> [String] { ["wire [\(w - 1):0] \(node.name) = \(expr);\(comment)"] }
        switch node.operation {
        case .input, .constant, .register:
            return []
        case let .add(a, ka, b, kb, subtract):
            return sum(node, a, ka, b, kb, subtract: subtract, n, wire)
        case .add3:
            return ternaryInstance(node, n, wire, module: ternaryAdder)
        case let .negate(a):
            // Padded like every adder (see ``sum``).
            return padded(node, width: w, "\(w + 1)'d0 - \(E.aligned(wire(a), width: w + 1, shift: 1))", low: nil)
        case let .wrap(a, _), let .view(a):
            return assign(E.aligned(wire(a), width: w))
        case let .quantize(a, type):
            let x = n[a]
            return QuantizePrinter(name: node.name, width: w, source: wire(a), sourceInterval: x.interval,
                                   sourceScale: x.scale, type: type).lines()
        case let .relu(a):
            return assign("\(E.signBit(wire(a))) ? \(w)'d0 : \(E.aligned(wire(a), width: w))")
        case let .maximum(a, b):
            let ia = n[a].interval, ib = n[b].interval
            let cw = Interval.signedWidth(min(ia.lo, ib.lo), max(ia.hi, ib.hi))
            let ea = E.aligned(wire(a), width: cw), eb = E.aligned(wire(b), width: cw)
            return assign("($signed(\(ea)) > $signed(\(eb))) ? \(E.aligned(wire(a), width: w)) : \(E.aligned(wire(b), width: w))")
        case let .select(test, negative, otherwise):
            return assign("\(E.signBit(wire(test))) ? \(E.aligned(wire(negative), width: w)) : \(E.aligned(wire(otherwise), width: w))")
        case let .offsetBinary(a, bits):
            // The top bit of the bits-wide code inverted (the node is bits wide).
            return assign("\(E.aligned(wire(a), width: bits)) ^ \(E.literal(Int128(1) << (bits - 1), width: bits))")
        case let .lookup(table, index):
            return assign("\(n.tables[table].name)(\(E.aligned(wire(index), width: n.tables[table].indexBits)))")
        case let .multiply(a, b):
            // A signed product of the extended operands: synthesis sees the
            // extension bits as copies of the sign and maps the operands' own
            // widths (an 18x18 product on one DSP48E2, not a 36x36 on five).
            return assign("$signed(\(E.aligned(wire(a), width: w))) * $signed(\(E.aligned(wire(b), width: w)))")
        }
    }

    /// An add node, printed as the one carry-chain adder the netlist and
    /// the delay model describe:
    ///
    ///     wire [13:0] s__lsb = {{2{a[15]}}, a[15:5], 1'b0} + {b, 1'b0};
    ///     wire [17:0] s = {s__lsb[13:1], a[4:0]};
    ///
    /// The low bits that are one operand's own (``Operation/passThroughBits``)
    /// are wired around the adder, so its carry chain is only as long as the
    /// bits it computes. And every adder has a zero bit below both operands,
    /// dropped from its result: no reader sees an adder's whole output
    /// signal. Yosys's `alumacc` (run by every `synth*` script) merges an
    /// addition whose operand is exactly another addition's whole output
    /// (same width, read nowhere else) into one multi-operand `$macc`, which
    /// `maccmap` builds as a carry-save tree of LUT full adders: about twice
    /// the LUTs of the carry chains, and not the circuit the pipeline was cut
    /// for. The constant bit costs no logic after synthesis.
    static func sum(_ node: Node, _ a: NodeID, _ ka: Int, _ b: NodeID, _ kb: Int, subtract: Bool, _ n: Netlist,
                    _ wire: (NodeID) -> Wire) -> [String] {
        let p = node.operation.passThroughBits
        let width = node.width - p
        // Each operand at the adder's scale 2^p with the zero bit appended:
        // the low one's bits above p, the shifted one with p less shift.
        func operand(_ x: NodeID, _ k: Int) -> String {
            k >= p ? E.aligned(wire(x), width: width + 1, shift: k - p + 1) : E.high(wire(x), from: p, width: width + 1, shift: 1)
        }
        return padded(node, width: width, "\(operand(a, ka)) \(subtract ? "-" : "+") \(operand(b, kb))",
                      low: p > 0 ? E.aligned(wire(ka == 0 ? a : b), width: p) : nil)
    }

    /// The two lines of a padded adder: `<node>__lsb`, `width + 1` bits,
    /// computed by `expression` (its operands end in the zero bit), and the
    /// node itself, that sum without its zero bit followed by the `low` bits
    /// wired around the adder.
    static func padded(_ node: Node, width: Int, _ expression: String, low: String?) -> [String] {
        let comment = node.comment.map { " // \($0)" } ?? ""
        let sum = "\(node.name)__\(paddedSumSuffix)"
        let high = "\(sum)[\(width):1]"
        return ["wire [\(width):0] \(sum) = \(expression);\(comment)",
                "wire [\(node.width - 1):0] \(node.name) = \(low.map { "{\(high), \($0)}" } ?? high);"]
    }

    /// A ternary add, an instance of the design's ternary adder module
    /// (`templates/verilog/ternary_adder.v`):
    ///
    ///     wire [12:0] s__sum3;
    ///     adder3 #(.W(13), .NEG_B(0), .NEG_C(1)) s__add3 (.a(...), .b(...), .c(...), .s(s__sum3));
    ///     wire [15:0] s = {s__sum3, a[2:0]};
    ///
    /// Each term enters at the adder's scale, `2^p` for the pass-through bits
    /// `p` wired around it as in ``sum``; the first term is never negative.
    static func ternaryInstance(_ node: Node, _ n: Netlist, _ wire: (NodeID) -> Wire, module: String) -> [String] {
        guard case let .add3(a, b, c) = node.operation else { return [] }
        let p = node.operation.passThroughBits
        let width = node.width - p
        func operand(_ t: Netlist.Term) -> String {
            t.shift >= p ? E.aligned(wire(t.node), width: width, shift: t.shift - p) : E.high(wire(t.node), from: p, width: width, shift: 0)
        }
        let comment = node.comment.map { " // \($0)" } ?? ""
        let sum = "\(node.name)__\(ternarySumSuffix)"
        let low = [a, b, c].first { $0.shift == 0 }.map { E.aligned(wire($0.node), width: p) }
        return ["wire [\(width - 1):0] \(sum);\(comment)",
                "\(module) #(.W(\(width)), .NEG_B(\(b.negative ? 1 : 0)), .NEG_C(\(c.negative ? 1 : 0))) "
                    + "\(node.name)__\(ternaryInstanceSuffix) (.a(\(operand(a))), .b(\(operand(b))), .c(\(operand(c))), .s(\(sum)));",
                "wire [\(node.width - 1):0] \(node.name) = \(p > 0 ? "{\(sum), \(low!)}" : sum);"]
    }

    /// A ternary add's sum wire (`<node>__sum3`) and adder instance (`<node>__add3`).
    public static let ternarySumSuffix = "sum3"
    public static let ternaryInstanceSuffix = "add3"

    /// The helper wire of every adder and negation: `<node>__lsb`.
    public static let paddedSumSuffix = "lsb"

    /// The Verilog functions holding the netlist's tables, one case per word,
    /// each word at the width of the nodes that read it.
    public static func tableFunctions(_ n: Netlist) -> [String] {
        n.tables.map { t in
            let w = t.interval.width
            var s = "// \(t.comment)\n// \(t.values.count) words, range \(t.interval)\n"
            s += "function [\(w - 1):0] \(t.name);\n    input [\(t.indexBits - 1):0] index;\n    begin\n        case (index)\n"
            for (i, v) in t.values.enumerated() {
                s += "            \(t.indexBits)'d\(i): \(t.name) = \(E.literal(Int128(v), width: w));\n"
            }
            s += "        endcase\n    end\nendfunction\n"
            return s
        }
    }

    /// `{a, b, c}` wrapped every eight items, or the single item.
    public static func concatenation(_ items: [String], indent: String) -> String {
        if items.count == 1 { return items[0] }
        var s = "{"
        for (i, item) in items.enumerated() {
            if i > 0 { s += i % 8 == 0 ? ",\n" + indent : ", " }
            s += item
        }
        return s + "}"
    }
}

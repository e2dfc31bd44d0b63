import NetlistIR
/// Module names of a design: the model's name for the top, `<top>_<op>`
/// for each op, changed only when the plain form would not work.
///
/// A module name must not be
/// - a keyword (``VerilogReservedWords``): it would not parse;
/// - the name of a signal, port or function declared inside that module:
///   Verilator's lint reports the signal as hiding the module (VARHIDDEN);
/// - equal to another module's name when case is ignored: each module is a
///   file `<module>.v`, and macOS file systems ignore case.
///
/// The top has one more constraint, from Verilator: its C++ class is
/// `V<top>`, which must not be one of the runtime's classes (`Verilated*`,
/// `Vl<Upper>*`) or macros (`VL_*`). Such names get an `m_` in front.
/// (Comments never begin with a name: Verilator and synthesis tools read
/// comments that begin with `verilator`, `synopsys_`, ... as directives.)
///
/// A taken name gets a suffix: `_top` for the top (`wire` -> `wire_top`),
/// `_op` for an op module (`s_always` -> `s_always_op`), then a number.
enum VerilogNames {
    /// `name` as a Verilog identifier: other characters become `_`, a
    /// leading digit gets `m_` in front.
    static func identifier(_ name: String) -> String {
        var s = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") ? $0 : "_" })
        if s.isEmpty || s.first!.isNumber { s = "m_" + s }
        return s
    }

    /// The top module's name for a model whose top declares `declared`.
    static func top(_ modelName: String, declared: Set<String>) -> String {
        var base = identifier(modelName)
        if constrainedByVerilator(base) { base = "m_" + base }
        return escape(base, suffix: "top") {
            VerilogReservedWords.isReserved($0) || declared.contains($0) || primitives.contains($0.lowercased())
        }
    }

    /// The vendor primitives a design may instantiate (the ternary adder's),
    /// lowercased: no module of ours may take their names.
    static let primitives: Set<String> = ["lut6_2", "carry4", "carry8"]

    /// A module the op modules instantiate, `<top>_<stem>` (the ternary
    /// adder: `<top>_add3`); `taken` as for ``opModule(top:op:declared:taken:)``.
    static func helperModule(top: String, stem: String, taken: inout Set<String>) -> String {
        let name = escape("\(top)_\(stem)", suffix: "module") { VerilogReservedWords.isReserved($0) || taken.contains($0.lowercased()) }
        taken.insert(name.lowercased())
        return name
    }

    /// Whether Verilator's class `V<name>` could be one of its runtime's names.
    static func constrainedByVerilator(_ name: String) -> Bool {
        let chars = Array(name)
        return ("V" + name).hasPrefix("Verilated") || (chars.count >= 2 && chars[0] == "l" && chars[1].isUppercase)
            || name.hasPrefix("L_")
    }

    /// The module of one op. `declared`: the names inside that module;
    /// `taken`: the lowercased names of the design's modules so far (the top
    /// included), updated with the result.
    static func opModule(top: String, op: String, declared: Set<String>, taken: inout Set<String>) -> String {
        let name = escape("\(top)_\(identifier(op))", suffix: "op") {
            VerilogReservedWords.isReserved($0) || declared.contains($0) || taken.contains($0.lowercased())
        }
        taken.insert(name.lowercased())
        return name
    }

    /// The names an op module declares: ports, wires (a quantize node's
    /// helper wires and a padded adder's `<node>__lsb`, a ternary adder's `<node>__sum3`
    /// and instance `<node>__add3` included), pipeline registers, ROM functions
    /// and their input.
    static func declared(in netlist: Netlist) -> Set<String> {
        var names: Set<String> = ["clk", "y", "index"]
        names.formUnion(netlist.ports.map(\.name))
        names.formUnion(netlist.tables.map(\.name))
        for node in netlist.nodes {
            names.insert(node.name)
            switch node.operation {
            case .quantize:
                for helper in QuantizeHelperWires.suffixes { names.insert("\(node.name)__\(helper)") }
            case .add, .negate:
                names.insert("\(node.name)__\(VerilogPrinter.paddedSumSuffix)")
            case .add3:
                names.insert("\(node.name)__\(VerilogPrinter.ternarySumSuffix)")
                names.insert("\(node.name)__\(VerilogPrinter.ternaryInstanceSuffix)")
            default:
                break
            }
        }
        return names
    }

    /// `base` if free, else `base_suffix`, `base_suffix2`, ...
    static func escape(_ base: String, suffix: String, isTaken: (String) -> Bool) -> String {
        guard isTaken(base) else { return base }
        let stem = base.hasSuffix("_") ? base + suffix : "\(base)_\(suffix)"
        var name = stem
        var k = 2
        while isTaken(name) {
            name = "\(stem)\(k)"
            k += 1
        }
        return name
    }
}

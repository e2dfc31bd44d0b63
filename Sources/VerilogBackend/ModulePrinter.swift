/// Prints a scheduled ``Netlist`` as the body of a Verilog module: input
/// slices, constants, then stage by stage the wires of that stage and the
/// registers that carry values into the next.
struct ModulePrinter {
    let netlist: Netlist
    let schedule: Schedule

    func render(outputs: [Int], outputPort: String) -> String {
        let nodes = netlist.nodes
        var out = ""
        func line(_ s: String) { out += s + "\n" }
        func declaration(_ n: Int, _ t: Int) -> String {
            let node = nodes[n]
            var expr = ""
            for f in node.expression {
                switch f {
                case .text(let s): expr += s
                case .ref(let j): expr += schedule.name(of: j, in: t, netlist)
                }
            }
            let comment = node.comment.map { " // \($0)" } ?? ""
            return "    wire [\(node.width - 1):0] \(node.name) = \(expr);\(comment)"
        }
        func sectionComments(_ n: Int) {
            for c in netlist.sectionComments[n] ?? [] { line("    " + c) }
        }

        line("    // ---- inputs ----")
        for (i, node) in nodes.enumerated() where node.kind == .port {
            sectionComments(i)
            line(declaration(i, 0))
        }
        let constants = nodes.indices.filter { nodes[$0].kind == .constant }
        if !constants.isEmpty {
            line("")
            line("    // ---- constants ----")
            for i in constants { line(declaration(i, 0)) }
        }
        let lastStage = max(schedule.latency - 1, 0)
        for t in 0...lastStage {
            let logic = nodes.indices.filter { if case .logic = nodes[$0].kind { return schedule.stage[$0] == t } else { return false } }
            if !logic.isEmpty || schedule.latency > 0 {
                line("")
                line("    // ---- stage \(t) ----")
            }
            for i in logic {
                sectionComments(i)
                line(declaration(i, t))
            }
            // Registers at the end of stage t: every value read in a later stage.
            guard t < schedule.latency else { continue }
            let carried = nodes.indices.filter { schedule.registers[$0] > 0 && schedule.stage[$0] <= t && t - schedule.stage[$0] < schedule.registers[$0] }
            guard !carried.isEmpty else { continue }
            line("")
            line("    // stage \(t) -> \(t + 1) pipeline registers")
            for i in carried {
                line("    reg [\(nodes[i].width - 1):0] \(Schedule.registerName(nodes[i].name, t - schedule.stage[i] + 1));")
            }
            line("    always @(posedge clk) begin")
            for i in carried {
                let k = t - schedule.stage[i] + 1
                line("        \(Schedule.registerName(nodes[i].name, k)) <= \(schedule.name(of: i, in: t, netlist));")
            }
            line("    end")
        }
        line("")
        line("    // ---- output: element i at bits [i*W +: W] ----")
        let names = outputs.reversed().map { schedule.name(of: $0, in: schedule.latency, netlist) }
        line("    assign \(outputPort) = " + Self.concatenation(names, indent: "        ") + ";")
        return out
    }

    /// `{a, b, c}` wrapped every eight items, or the single name.
    static func concatenation(_ items: [String], indent: String) -> String {
        if items.count == 1 { return items[0] }
        var s = "{"
        for (i, item) in items.enumerated() {
            if i > 0 { s += i % 8 == 0 ? ",\n" + indent : ", " }
            s += item
        }
        return s + "}"
    }
}

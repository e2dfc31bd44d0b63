import ModelIR
import NetlistIR
import Templates

/// The top module's text, a pure function of its ``TopSchedule``: splits
/// `in_data` into the model's input tensors, instantiates one module per
/// op, aligns every op's inputs in time with delay lines, concatenates the
/// outputs into `out_data`, and carries `in_valid` through a shift register
/// as long as the datapath.
struct TopPrinter {
    let model: LoweredModel
    let schedule: TopSchedule
    /// Per op (in model order): the input port names of its module.
    let ports: [[String]]
    /// Per op: whether its module takes a `start` (a time-multiplexed op).
    let startPorts: [Bool]
    /// Cycles between accepted events: above 1, `in_ready` refuses an
    /// event offered sooner.
    let initiationInterval: Int
    /// Every name the top module declares (ports, wires, registers,
    /// instances): its own name must differ from all of them.
    let declaredNames: Set<String>
    /// Per tensor: its wire, and its delay-line registers `[k - 1]` (k cycles late).
    private let wires: [String]
    private let delays: [[String]]
    private let instances: [String]

    /// The ports, and the valid pipeline, of every top module.
    static let fixedNames: Set<String> = ["clk", "rst", "in_valid", "in_data", "out_valid", "out_data", "valid_pipe",
                                          "in_ready", "accept", "wait_count"]

    init(model: LoweredModel, schedule: TopSchedule, ports: [[String]], startPorts: [Bool]? = nil, initiationInterval: Int = 1) {
        self.model = model
        self.schedule = schedule
        self.ports = ports
        self.startPorts = startPorts ?? ports.map { _ in false }
        self.initiationInterval = initiationInterval
        // Every tensor's wire first, so that a tensor called `a_d1` keeps
        // `t_a_d1` and the delay line of `a` moves aside.
        var used = Self.fixedNames
        func claim(_ base: String) -> String {
            var name = base
            var k = 2
            while used.contains(name) { name = base.hasSuffix("_") ? "\(base)\(k)" : "\(base)_\(k)"; k += 1 }
            used.insert(name)
            return name
        }
        let wires = model.tensors.map { claim("t_" + VerilogNames.identifier($0.name)) }
        delays = model.tensors.indices.map { i in
            schedule.delayDepths[i] == 0 ? [] : (1...schedule.delayDepths[i]).map { claim("\(wires[i])_d\($0)") }
        }
        self.wires = wires
        instances = model.ops.map { claim("u_" + VerilogNames.identifier($0.name)) }
        declaredNames = used
    }

    /// The module body; `modules[i]` is the module of op `i`.
    func body(modules: [String]) -> String {
        let latency = schedule.latency
        func bits(_ id: TensorID) -> Int { model[id].size * model[id].type.width }
        func view(_ id: TensorID, at cycle: Int) -> String {
            let r = schedule.ready[id.index] ?? 0
            return cycle == r ? wires[id.index] : delays[id.index][cycle - r - 1]
        }

        var out = ""
        func line(_ s: String = "") { out += s + "\n" }
        line("    // ---- model inputs ----")
        var offset = 0
        for id in model.inputs {
            let w = bits(id)
            line("    wire [\(w - 1):0] \(wires[id.index]) = in_data[\(offset + w - 1):\(offset)]; // \(model[id].size) x \(model[id].type)")
            offset += w
        }
        line()
        var valid = "in_valid"
        if initiationInterval > 1 {
            let ii = initiationInterval
            let bits = Int.bitWidth - (ii - 1).leadingZeroBitCount
            valid = "accept"
            line("    // ---- acceptance: an event every \(ii) cycles (II=\(ii)); in_valid while in_ready is low is refused ----")
            line("    reg [\(bits - 1):0] wait_count; // cycles until the next event may enter")
            line("    assign in_ready = wait_count == \(bits)'d0;")
            line("    wire accept = in_valid & in_ready;")
            line("    always @(posedge clk) begin")
            line("        if (rst) wait_count <= \(bits)'d0;")
            line("        else if (accept) wait_count <= \(bits)'d\(ii - 1);")
            line("        else if (!in_ready) wait_count <= wait_count - \(bits)'d1;")
            line("    end")
            line()
        }
        line("    // ---- valid: travels beside the data, \(latency) cycle(s) ----")
        if latency == 0 {
            line("    assign out_valid = \(valid);")
        } else {
            line("    reg [\(latency - 1):0] valid_pipe;")
            line("    always @(posedge clk) begin")
            line("        if (rst) valid_pipe <= \(latency)'d0;")
            line("        else valid_pipe <= " + (latency == 1 ? "\(valid);" : "{valid_pipe[\(latency - 2):0], \(valid)};"))
            line("    end")
            line("    assign out_valid = valid_pipe[\(latency - 1)];")
        }
        for (i, op) in model.ops.enumerated() {
            let start = schedule.startCycles[i], opLatency = schedule.opLatencies[i]
            let o = op.output
            line()
            line("    // op '\(op.name)' (\(op.kind.kindName); layers \(op.sourceLayers.joined(separator: ", "))): cycle \(start) -> \(start + opLatency)")
            line("    wire [\(bits(o) - 1):0] \(wires[o.index]); // \(model[o].size) x \(model[o].type)")
            var connections: [String] = []
            if opLatency > 0 { connections.append(".clk(clk)") }
            if startPorts[i] { connections.append(".start(\(start == 0 ? valid : "valid_pipe[\(start - 1)]"))") }
            for (port, id) in zip(ports[i], op.inputs) { connections.append(".\(port)(\(view(id, at: start)))") }
            connections.append(".y(\(wires[o.index]))")
            line("    \(modules[i]) \(instances[i]) (")
            line(connections.map { "        " + $0 }.joined(separator: ",\n"))
            line("    );")
        }
        let delayed = model.tensors.indices.filter { !delays[$0].isEmpty }
        if !delayed.isEmpty {
            line()
            line("    // ---- delay lines: values read after the cycle they are ready ----")
            for i in delayed {
                for name in delays[i] { line("    reg [\(bits(TensorID(i)) - 1):0] \(name);") }
            }
            line("    always @(posedge clk) begin")
            for i in delayed {
                for (k, name) in delays[i].enumerated() {
                    line("        \(name) <= \(k == 0 ? wires[i] : delays[i][k - 1]);")
                }
            }
            line("    end")
        }
        line()
        line("    // ---- model outputs, aligned to cycle \(latency) ----")
        let names = model.outputs.reversed().map { view($0, at: latency) }
        line("    assign out_data = " + VerilogPrinter.concatenation(names, indent: "        ") + ";")
        return out
    }

    /// The whole file: `templates/verilog/top.v` around ``body(modules:)``.
    func render(_ templates: TemplateLibrary, top: String, modules: [String], options: VerilogOptions,
                inputLayout: [VerilogPortField], outputLayout: [VerilogPortField]) throws(VerilogError) -> String {
        var layout: [String] = []
        for (label, ids) in [("in_data", model.inputs), ("out_data", model.outputs)] {
            var offset = 0
            for id in ids {
                let t = model[id]
                let w = t.size * t.type.width
                layout.append("\(label)[\(offset + w - 1):\(offset)]: '\(t.name)', \(t.size) x \(t.type), element i at \(offset) + i*\(t.type.width)")
                offset += w
            }
        }
        let context: [String: Any] = [
            "module": top, "model": model.name, "opCount": "\(model.ops.count)", "latency": "\(schedule.latency)",
            "stageBudget": DelayModel.nanoseconds(options.effectiveStageBudget), "family": options.family.rawValue,
            "clockNs": "\(options.impliedClockNs)",
            "acceptance": initiationInterval == 1 ? "a new event accepted every cycle (II=1)"
                : "a new event accepted every \(initiationInterval) cycles (II=\(initiationInterval); in_ready low refuses one)",
            "handshake": initiationInterval > 1,
            "layout": layout.map { ["line": $0] },
            "inputMsb": "\(inputLayout.reduce(0) { $0 + $1.width } - 1)",
            "outputMsb": "\(outputLayout.reduce(0) { $0 + $1.width } - 1)",
            "body": body(modules: modules),
        ]
        do { return try templates.render("verilog/top.v", context) } catch { throw .template(error) }
    }
}

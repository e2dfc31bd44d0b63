import ModelIR
import NetlistIR
import Templates

/// The top module: splits `in_data` into the model's input tensors,
/// instantiates one module per op, aligns every op's inputs in time with
/// delay lines, concatenates the outputs into `out_data`, and carries
/// `in_valid` through a shift register as long as the datapath.
///
/// Timing: a model input is ready at cycle 0; an op starts when its last
/// input is ready and its output is ready `latency(op)` cycles later; inputs
/// that are ready earlier are delayed to the op's start. The design's latency
/// is the latest output's ready cycle; earlier outputs are delayed to it.
struct TopModule {
    let model: LoweredModel
    let latency: Int
    /// Per op (in model order): the cycle its inputs are read.
    let startCycles: [Int]
    let delayRegisterBits: Int
    let family: DelayModel.Family
    let stageBudget: Int
    let clockNs: Double
    /// Every name the top module declares (ports, wires, registers,
    /// instances): its own name must differ from all of them.
    let declaredNames: Set<String>
    private let ops: [(op: LoweredOp, latency: Int, ports: [String])]
    private let ready: [Int?]
    /// Per tensor: its wire, and its delay-line registers `[k - 1]` (k cycles late).
    private let wires: [String]
    private let delays: [[String]]
    private let instances: [String]

    /// The ports, and the valid pipeline, of every top module.
    static let fixedNames: Set<String> = ["clk", "rst", "in_valid", "in_data", "out_valid", "out_data", "valid_pipe"]

    init(model: LoweredModel, ops: [(op: LoweredOp, latency: Int, ports: [String])],
         options: VerilogOptions) throws(VerilogError) {
        self.model = model
        self.ops = ops
        self.family = options.family
        self.stageBudget = options.effectiveStageBudget
        self.clockNs = options.impliedClockNs
        var ready: [Int?] = Array(repeating: nil, count: model.tensors.count)
        for id in model.inputs { ready[id.index] = 0 }
        var starts: [Int] = []
        for entry in ops {
            var start = 0
            for id in entry.op.inputs {
                guard let r = ready[id.index] else {
                    throw VerilogError.unsupported(op: entry.op.name, "reads tensor '\(model[id].name)' before it is written")
                }
                start = max(start, r)
            }
            starts.append(start)
            ready[entry.op.output.index] = start + entry.latency
        }
        var latency = 0
        for id in model.outputs { latency = max(latency, ready[id.index] ?? 0) }
        self.latency = latency
        self.startCycles = starts
        self.ready = ready
        // The last cycle each tensor is read in.
        var lastRead = ready.map { $0 ?? 0 }
        for (entry, start) in zip(ops, starts) {
            for id in entry.op.inputs { lastRead[id.index] = max(lastRead[id.index], start) }
        }
        for id in model.outputs { lastRead[id.index] = max(lastRead[id.index], latency) }

        // Names: every tensor's wire first, so that a tensor called `a_d1`
        // keeps `t_a_d1` and the delay line of `a` moves aside.
        var used = Self.fixedNames
        func claim(_ base: String) -> String {
            var name = base
            var k = 2
            while used.contains(name) { name = base.hasSuffix("_") ? "\(base)\(k)" : "\(base)_\(k)"; k += 1 }
            used.insert(name)
            return name
        }
        let wires = model.tensors.map { claim("t_" + VerilogNames.identifier($0.name)) }
        var delays: [[String]] = Array(repeating: [], count: model.tensors.count)
        var delayBits = 0
        for i in model.tensors.indices {
            guard let r = ready[i], lastRead[i] > r else { continue }
            delays[i] = (1...(lastRead[i] - r)).map { claim("\(wires[i])_d\($0)") }
            delayBits += delays[i].count * model.tensors[i].size * model.tensors[i].type.width
        }
        self.wires = wires
        self.delays = delays
        self.instances = ops.map { claim("u_" + VerilogNames.identifier($0.op.name)) }
        self.delayRegisterBits = delayBits
        self.declaredNames = used
    }

    /// The module body; `modules[i]` is the module of op `i`.
    func body(modules: [String]) -> String {
        func bits(_ id: TensorID) -> Int { model[id].size * model[id].type.width }
        func view(_ id: TensorID, at cycle: Int) -> String {
            let r = ready[id.index] ?? 0
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
        line("    // ---- valid: travels beside the data, \(latency) cycle(s) ----")
        if latency == 0 {
            line("    assign out_valid = in_valid;")
        } else {
            line("    reg [\(latency - 1):0] valid_pipe;")
            line("    always @(posedge clk) begin")
            line("        if (rst) valid_pipe <= \(latency)'d0;")
            line("        else valid_pipe <= " + (latency == 1 ? "in_valid;" : "{valid_pipe[\(latency - 2):0], in_valid};"))
            line("    end")
            line("    assign out_valid = valid_pipe[\(latency - 1)];")
        }
        for (i, (entry, start)) in zip(ops, startCycles).enumerated() {
            let op = entry.op
            let o = op.output
            line()
            line("    // op '\(op.name)' (\(op.kind.kindName); layers \(op.sourceLayers.joined(separator: ", "))): cycle \(start) -> \(start + entry.latency)")
            line("    wire [\(bits(o) - 1):0] \(wires[o.index]); // \(model[o].size) x \(model[o].type)")
            var connections: [String] = []
            if entry.latency > 0 { connections.append(".clk(clk)") }
            for (port, id) in zip(entry.ports, op.inputs) { connections.append(".\(port)(\(view(id, at: start)))") }
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

    func render(_ templates: TemplateLibrary, top: String, modules: [String],
                inputLayout: [VerilogPortField], outputLayout: [VerilogPortField]) throws(VerilogError) -> String {
        var layout: [String] = []
        var offset = 0
        for (label, ids) in [("in_data", model.inputs), ("out_data", model.outputs)] {
            offset = 0
            for id in ids {
                let t = model[id]
                let w = t.size * t.type.width
                layout.append("\(label)[\(offset + w - 1):\(offset)]: '\(t.name)', \(t.size) x \(t.type), element i at \(offset) + i*\(t.type.width)")
                offset += w
            }
        }
        let context: [String: Any] = [
            "module": top, "model": model.name, "opCount": "\(model.ops.count)", "latency": "\(latency)",
            "stageBudget": DelayModel.nanoseconds(stageBudget), "family": family.rawValue, "clockNs": "\(clockNs)",
            "layout": layout.map { ["line": $0] },
            "inputMsb": "\(inputLayout.reduce(0) { $0 + $1.width } - 1)",
            "outputMsb": "\(outputLayout.reduce(0) { $0 + $1.width } - 1)",
            "body": body(modules: modules),
        ]
        do { return try templates.render("verilog/top.v", context) } catch { throw .template(error) }
    }
}

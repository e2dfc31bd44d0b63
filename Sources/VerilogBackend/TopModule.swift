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
    let top: String
    let model: LoweredModel
    let latency: Int
    /// Per op (in model order): the cycle its inputs are read.
    let startCycles: [Int]
    let delayRegisterBits: Int
    let body: String
    let addersPerStage: Int
    let clockNs: Double

    init(model: LoweredModel, top: String, ops: [(op: LoweredOp, module: String, latency: Int, ports: [String])],
         options: VerilogOptions) throws(VerilogError) {
        self.top = top
        self.model = model
        self.addersPerStage = options.effectiveAddersPerStage
        self.clockNs = options.clockNs
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
        // The last cycle each tensor is read in.
        var lastRead = ready.map { $0 ?? 0 }
        for (entry, start) in zip(ops, starts) {
            for id in entry.op.inputs { lastRead[id.index] = max(lastRead[id.index], start) }
        }
        for id in model.outputs { lastRead[id.index] = max(lastRead[id.index], latency) }

        func bits(_ id: TensorID) -> Int { model[id].size * model[id].type.width }
        func wire(_ id: TensorID) -> String { "t_\(model[id].name)" }
        func view(_ id: TensorID, at cycle: Int) -> String {
            let r = ready[id.index] ?? 0
            return cycle == r ? wire(id) : "\(wire(id))_d\(cycle - r)"
        }

        var out = ""
        func line(_ s: String = "") { out += s + "\n" }
        line("    // ---- model inputs ----")
        var offset = 0
        for id in model.inputs {
            let w = bits(id)
            line("    wire [\(w - 1):0] \(wire(id)) = in_data[\(offset + w - 1):\(offset)]; // \(model[id].size) x \(model[id].type)")
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
        var delayBits = 0
        for (entry, start) in zip(ops, starts) {
            let op = entry.op
            let o = op.output
            line()
            line("    // op '\(op.name)' (\(op.kind.kindName); layers \(op.sourceLayers.joined(separator: ", "))): cycle \(start) -> \(start + entry.latency)")
            line("    wire [\(bits(o) - 1):0] \(wire(o)); // \(model[o].size) x \(model[o].type)")
            var connections: [String] = []
            if entry.latency > 0 { connections.append(".clk(clk)") }
            for (port, id) in zip(entry.ports, op.inputs) { connections.append(".\(port)(\(view(id, at: start)))") }
            connections.append(".y(\(wire(o)))")
            line("    \(entry.module) u_\(op.name) (")
            line(connections.map { "        " + $0 }.joined(separator: ",\n"))
            line("    );")
        }
        let delayed = model.tensors.indices.filter { ready[$0] != nil && lastRead[$0] > ready[$0]! }
        if !delayed.isEmpty {
            line()
            line("    // ---- delay lines: values read after the cycle they are ready ----")
            for i in delayed {
                let id = TensorID(i)
                for k in 1...(lastRead[i] - ready[i]!) {
                    line("    reg [\(bits(id) - 1):0] \(wire(id))_d\(k);")
                    delayBits += bits(id)
                }
            }
            line("    always @(posedge clk) begin")
            for i in delayed {
                let id = TensorID(i)
                for k in 1...(lastRead[i] - ready[i]!) {
                    line("        \(wire(id))_d\(k) <= \(k == 1 ? wire(id) : "\(wire(id))_d\(k - 1)");")
                }
            }
            line("    end")
        }
        line()
        line("    // ---- model outputs, aligned to cycle \(latency) ----")
        let names = model.outputs.reversed().map { view($0, at: latency) }
        line("    assign out_data = " + VerilogPrinter.concatenation(names, indent: "        ") + ";")
        self.body = out
        self.delayRegisterBits = delayBits
    }

    func render(_ templates: TemplateLibrary, inputLayout: [VerilogPortField], outputLayout: [VerilogPortField]) throws(VerilogError) -> String {
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
            "addersPerStage": "\(addersPerStage)", "clockNs": "\(clockNs)",
            "layout": layout.map { ["line": $0] },
            "inputMsb": "\(inputLayout.reduce(0) { $0 + $1.width } - 1)",
            "outputMsb": "\(outputLayout.reduce(0) { $0 + $1.width } - 1)",
            "body": body,
        ]
        do { return try templates.render("verilog/top.v", context) } catch { throw .template(error) }
    }
}

import ModelIR
import NetlistIR
import NetlistLowering

/// The sequential shell of a time-multiplexed convolution's module, around
/// its kernels' pipelined netlist (``NetlistLowering/OpNetlists``, built
/// with a `phase` port and its data port renamed `held`):
///
/// - `start` (the event's valid, tapped from the top's valid pipeline)
///   loads the input into `held` and restarts the `phase` counter;
/// - in the `R` cycles after it, `phase` counts `0 ..< R` (then stays at
///   `R - 1`) and the kernels compute phase by phase from `held`;
/// - `phase` travels beside the kernels' pipeline, and each phase's kernel
///   outputs are caught in its collection register `collect_k`;
/// - the output (every position) is whole `R + 1 + L` cycles after
///   `start`, `L` the kernels' latency, for one cycle when events come every
///   `R` cycles: later ops are pipelines that read it in that cycle.
///
/// A new `start` less than `R` cycles after the previous one would overwrite
/// `held` mid-way: the top refuses such an event (`in_ready` low).
enum MultiplexModule {
    /// Cycles from `start` to the collected output: one to hold the input,
    /// `R` phases, the kernels' `L`, one to collect.
    static func latency(kernel: Int, layout: MultiplexLayout) -> Int {
        layout.reuse + 1 + kernel
    }

    /// The registers the shell adds beside the netlist's: held input,
    /// phase counter and its delay line, collection registers.
    static func registerBits(layout: MultiplexLayout, inputBits: Int, outputWidth: Int, kernelLatency: Int) -> Int {
        inputBits + layout.phaseBits * (1 + kernelLatency) + layout.reuse * layout.instances * layout.filters * outputWidth
    }

    /// The module body: the shell's registers, the netlist, the output.
    static func body(_ netlist: Netlist, layout m: MultiplexLayout, opLatency: Int, input: TensorInfo,
                     output: TensorInfo, ternaryAdder: String) -> String {
        let kernelLatency = opLatency - m.reuse - 1
        let P = m.phaseBits, W = output.type.width
        let kernelBits = m.instances * m.filters * W
        var out = ""
        func line(_ s: String = "") { out += s + "\n" }
        line("    // ---- time multiplexing: \(m.positions) positions, \(m.instances) kernel instance(s), \(m.reuse) phases ----")
        line("    // instance i computes output position i*\(m.reuse) + phase; kernel output i*\(m.filters) + f is its filter f")
        line("    reg [\(input.size * input.type.width - 1):0] held;")
        line("    reg [\(P - 1):0] phase;")
        line("    always @(posedge clk) begin")
        line("        if (start) begin")
        line("            held <= x;")
        line("            phase <= \(P)'d0;")
        line("        end else if (phase != \(P)'d\(m.reuse - 1)) begin")
        line("            phase <= phase + \(P)'d1;")
        line("        end")
        line("    end")
        line("    wire [\(kernelBits - 1):0] kernel_y;")
        line()
        out += VerilogPrinter.body(netlist, outputPort: "kernel_y", ternaryAdder: ternaryAdder)
        line()
        line("    // ---- the phase of kernel_y: phase, \(kernelLatency) cycle(s) later ----")
        var phaseOut = "phase"
        if kernelLatency > 0 {
            for k in 1...kernelLatency { line("    reg [\(P - 1):0] phase_d\(k);") }
            line("    always @(posedge clk) begin")
            for k in 1...kernelLatency { line("        phase_d\(k) <= \(k == 1 ? "phase" : "phase_d\(k - 1)");") }
            line("    end")
            phaseOut = "phase_d\(kernelLatency)"
        }
        line()
        line("    // ---- collection: phase k's kernel outputs ----")
        for k in 0..<m.reuse { line("    reg [\(kernelBits - 1):0] collect_\(k);") }
        line("    always @(posedge clk) begin")
        for k in 0..<m.reuse { line("        if (\(phaseOut) == \(P)'d\(k)) collect_\(k) <= kernel_y;") }
        line("    end")
        line()
        line("    // ---- output: position p, filter f from collect_(p % \(m.reuse)), kernel output (p / \(m.reuse))*\(m.filters) + f ----")
        let names = (0..<(m.positions * m.filters)).reversed().map { e -> String in
            let s = m.source(ofOutput: e)
            let lo = s.kernelOutput * W
            return W == 1 ? "collect_\(s.phase)[\(lo)]" : "collect_\(s.phase)[\(lo + W - 1):\(lo)]"
        }
        line("    assign y = " + VerilogPrinter.concatenation(names, indent: "        ") + ";")
        return out
    }

    /// Names the shell declares, beside the netlist's.
    static func declaredNames(layout m: MultiplexLayout, opLatency: Int) -> Set<String> {
        let kernelLatency = opLatency - m.reuse - 1
        var names: Set<String> = ["start", "held", "phase", "kernel_y"]
        if kernelLatency > 0 { for k in 1...kernelLatency { names.insert("phase_d\(k)") } }
        for k in 0..<m.reuse { names.insert("collect_\(k)") }
        return names
    }
}

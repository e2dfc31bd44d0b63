import FixedPoint
import ModelIR

extension ModelZoo {
    /// A model whose tensors carry the given names: `names[0]` and
    /// `names[1]` are its inputs (2 elements each), every further name is a
    /// layer. The layers form short chains of ten that start from the first
    /// input and cycle through every kind of op the backends emit (dense,
    /// dense with a fused LeakyReLU or ReLU, add, subtract, multiply,
    /// concatenate, sigmoid and tanh tables), each binary op reading the
    /// chain and the second input; every 16th layer is a softmax or a sum
    /// off its chain. Each chain's end and each such layer is an output.
    /// Chains stay short and tables small (16 entries) so that thousands of
    /// layers give a shallow, cheap design.
    ///
    /// For tests of names: every name appears as a tensor, and each
    /// backend's derived names (configs, weight arrays, modules) are built
    /// from them. The names must be distinct identifiers.
    public static func namedLayers(_ names: [String], modelName: String = "named_layers", seed: UInt64 = 7) -> Graph {
        precondition(names.count >= 3 && Set(names).count == names.count, "at least three distinct names")
        var rng = Random(seed: seed)
        let table = TableSettings(size: 16, range: 4)
        let other = names[1]
        var nodes: [Node] = []
        var outputs: [String] = []
        var chain = names[0]
        var width = 2
        for (k, name) in names.dropFirst(2).enumerated() {
            if k % 16 == 15 {
                let op: Op = k % 32 == 15 ? .activation(.softmax(SoftmaxTableSettings(expSize: 16, expRange: 8, inverseSize: 16))) : .sum
                nodes.append(Node(name: name, op: op, inputs: [chain]))
                outputs.append(name)
                continue
            }
            let node: Node
            switch k % 10 {
            case 0, 5: node = dense(name, input: chain, inputs: width, units: 2, rng: &rng)
            case 1: node = Node(name: name, op: .activation(.leakyReLU(alpha: 0.25)), inputs: [chain])
            case 2: node = Node(name: name, op: .add, inputs: [chain, other])
            case 3: node = Node(name: name, op: .activation(.sigmoid(table)), inputs: [chain])
            case 4: node = Node(name: name, op: .multiply, inputs: [chain, other])
            case 6: node = Node(name: name, op: .activation(.relu), inputs: [chain])
            case 7: node = Node(name: name, op: .subtract, inputs: [chain, other])
            case 8: node = Node(name: name, op: .activation(.tanh(table)), inputs: [chain])
            default: node = Node(name: name, op: .concatenate(axis: -1), inputs: [chain, other])
            }
            nodes.append(node)
            width = k % 10 == 9 ? 4 : 2
            chain = name
            // A chain ends after its concatenate; the next starts afresh.
            if k % 10 == 9 {
                outputs.append(chain)
                chain = names[0]
                width = 2
            }
        }
        if chain != names[0] { outputs.append(chain) }
        let type = FixedType.fixed(12, 4, .rnd, .sat)
        return Graph(name: modelName,
                     inputs: [GraphInput(name: names[0], shape: [2], type: type), GraphInput(name: other, shape: [2], type: type)],
                     nodes: nodes, outputs: outputs, defaults: PrecisionDefaults(result: type))
    }
}

extension ModelZoo {
    /// Identifiers that code generators tend to trip on, beyond keyword
    /// lists: the stems of generated files (`parameters`, `nnet_utils`, ...,
    /// also in other case), the guard of a library header, the testbench's
    /// `tb_` prefix, names with leading, trailing or doubled underscores,
    /// names a tool reads specially (`verilator...`, Verilator's runtime
    /// classes `Verilated*`/`Vl*` once prefixed with `V`), and names in the
    /// spaces the C standard, POSIX and the ap_types headers reserve.
    public static let trickyNames: [String] = [
        "parameters", "Parameters", "PARAMETERS", "defines", "myproject", "myproject_test", "nnet_utils",
        "nnet_common", "NNET_COMMON", "nnet_dense", "weights", "firmware", "tb_data", "tb_input", "csim_harness",
        "build_prj", "README", "project", "solution1", "csim", "x_test", "y_prj",
        "_", "_x", "_X", "__x", "x__y", "x_", "x__", "_1", "A_H", "A_H_", "A_PARAMETERS_H_",
        "verilator", "Verilator", "VERILATOR_x", "verilator_lint_off", "synopsys", "synopsys_x", "synthesis",
        "synthesis_translate_off", "pragma",
        "erilated", "erilatedContext", "lWide", "lUnpacked", "L_ASSERT", "top", "clk", "rst", "in_valid",
        "in_data", "out_valid", "out_data", "valid_pipe", "t_x", "u_x", "y", "x0", "y0_sum", "index", "exp_rom",
        "INTENSITY_MAX", "UINT7_C", "INT_WIDTH", "ap_thing", "AP_THING", "pthread_thing", "PTHREAD_THING",
    ]
}

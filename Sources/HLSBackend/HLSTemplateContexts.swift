import ModelIR
import Templates

/// The holes of each template in `templates/hls/`, one struct per template:
/// a property per hole, so that an emitter that forgets one does not compile
/// (``Templates/TemplateContext``). Built from an ``HLSProject`` alone.
enum HLSContexts {
    /// One parameter of the top function: `type name[SIZE]`, and whether it is the last.
    struct PortDeclaration: Sendable {
        var declaration: String
        var last: Bool
    }

    /// `firmware/top.h`.
    struct TopHeader: TemplateContext {
        var function: String
        var source: String
        var `guard`: String
        var ports: [PortDeclaration]
    }

    /// `firmware/top.cpp`.
    struct Top: TemplateContext {
        /// A commented block of statements in the top function.
        struct Block: Sendable {
            var summary: String
            var locals: [Local]
            var calls: [String]
        }

        /// A local array: `type name[size];`.
        struct Local: Sendable {
            var type: String
            var name: String
            var size: Int
        }

        var function: String
        var source: String
        var strategy: String
        var reuseFactor: Int
        var ports: [PortDeclaration]
        /// `<layer>.h` for each layer with constants.
        var weightHeaders: [String]
        var inputPorts: [String]
        var outputPorts: [String]
        /// Every port, comma-separated (the interface pragma).
        var allPorts: String
        var layers: [Block]
        /// At most one block: the copies into output ports.
        var outputCopies: [Block]
    }

    /// `firmware/parameters.h`.
    struct Parameters: TemplateContext {
        struct Size: Sendable {
            var name: String
            var value: Int
        }

        /// A layer's typedefs, extra definitions and configuration struct.
        struct Layer: Sendable {
            var summary: String
            var typedefs: [HLSTypedef]
            var definitions: [String]
            var config: HLSConfig?
        }

        var function: String
        var source: String
        var `guard`: String
        var sizes: [Size]
        /// One typedef per tensor of the lowered IR.
        var tensorTypes: [HLSTypedef]
        var layers: [Layer]
    }

    /// `firmware/weights.h`: one layer's constant arrays.
    struct Weights: TemplateContext {
        var summary: String
        var layer: String
        var `guard`: String
        var arrays: [HLSArray]
    }

    /// `build_prj.tcl`.
    struct BuildScript: TemplateContext {
        var function: String
        var part: String
        var clockNs: String
    }

    /// `README.md` of the project.
    struct Readme: TemplateContext {
        var function: String
        var model: String
        var strategy: String
        var reuseFactor: Int
        var part: String
        var clockNs: String
    }

    /// `testbench.cpp` and `csim_harness.cpp`, which share their holes.
    struct Harness: TemplateContext {
        /// A port as the harness declares and fills it.
        struct Port: Sendable {
            var type: String
            var name: String
            /// The size macro.
            var size: String
            /// The port's first column in the event's values.
            var offset: Int
        }

        var function: String
        var inputWidth: Int
        var outputWidth: Int
        var inputs: [Port]
        var outputs: [Port]
        /// The top function's arguments, in call order.
        var arguments: String
    }

    static func topHeader(_ p: HLSProject) -> TopHeader {
        TopHeader(function: p.function, source: "model \(p.model.name)", guard: p.headerGuard, ports: portList(p))
    }

    static func portList(_ p: HLSProject) -> [PortDeclaration] {
        let declarations = p.portDeclarations
        return declarations.enumerated().map { PortDeclaration(declaration: $1, last: $0 == declarations.count - 1) }
    }

    static func top(_ p: HLSProject) -> Top {
        let layers = p.layers.map { placed in
            Top.Block(summary: placed.layer.summary, locals: placed.locals.map { Top.Local(type: $0.type, name: $0.name, size: $0.size) },
                      calls: placed.layer.calls)
        }
        let copies = p.outputCopies.isEmpty ? []
            : [Top.Block(summary: "outputs that later layers also read, or that repeat a tensor", locals: [], calls: p.outputCopies)]
        return Top(function: p.function, source: "model \(p.model.name)", strategy: p.options.strategy,
                   reuseFactor: p.model.ops.compactMap(HLSLayerPlanner.layerReuse).reduce(p.options.reuseFactor, max), ports: portList(p),
                   weightHeaders: p.layers.compactMap { $0.layer.header.map { $0 + ".h" } },
                   inputPorts: p.inputs.map(\.name), outputPorts: p.outputs.map(\.name),
                   allPorts: p.ports.map(\.name).joined(separator: ","), layers: layers, outputCopies: copies)
    }

    static func parameters(_ p: HLSProject) -> Parameters {
        let tensorTypes = p.model.tensors.indices.map { i in
            HLSTypedef(name: p.tensorTypes[i], type: p.model.tensors[i].type, comment: "\(p.model.tensors[i].name)[\(p.model.tensors[i].size)]")
        }
        let layers = p.layers.map { placed in
            Parameters.Layer(summary: placed.layer.summary, typedefs: placed.layer.typedefs,
                             definitions: placed.layer.definitions, config: placed.layer.config)
        }
        return Parameters(function: p.function, source: "model \(p.model.name)", guard: p.parametersGuard,
                          sizes: p.ports.map { Parameters.Size(name: $0.sizeMacro, value: $0.size) },
                          tensorTypes: tensorTypes, layers: layers)
    }

    static func weights(_ l: HLSLayer, guard: String) -> Weights {
        Weights(summary: l.summary, layer: l.op.name, guard: `guard`, arrays: l.arrays)
    }

    static func buildScript(_ p: HLSProject) -> BuildScript {
        BuildScript(function: p.function, part: p.options.part, clockNs: HLSTestVectors.number(p.options.clockNs))
    }

    static func readme(_ p: HLSProject) -> Readme {
        Readme(function: p.function, model: p.model.name, strategy: p.options.strategy, reuseFactor: p.options.reuseFactor,
               part: p.options.part, clockNs: HLSTestVectors.number(p.options.clockNs))
    }

    static func harness(_ p: HLSProject) -> Harness {
        func port(_ q: HLSProject.Port) -> Harness.Port {
            Harness.Port(type: q.typeName, name: q.name, size: q.sizeMacro, offset: q.offset)
        }
        return Harness(function: p.function, inputWidth: p.model.inputWidth, outputWidth: p.model.outputWidth,
                       inputs: p.inputs.map(port), outputs: p.outputs.map(port), arguments: p.callArguments)
    }
}

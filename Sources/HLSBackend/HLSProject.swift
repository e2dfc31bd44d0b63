import FixedPoint
import ModelIR

/// The HLS view of one lowered model: names, ports, local arrays and the
/// layers in order. Built once and read by every file the emitter writes.
struct HLSProject {
    /// One array port of the top function.
    struct Port {
        var name: String
        var tensor: TensorID
        var typeName: String
        var sizeMacro: String
        var size: Int
        var type: FixedType
        /// Offset of the port's first element in the concatenated inputs or outputs.
        var offset: Int
    }

    /// A layer with the arrays it declares in the top function.
    struct PlacedLayer {
        var layer: HLSLayer
        /// Local arrays: (type name, variable, size).
        var locals: [(type: String, name: String, size: Int)]
        /// The include guard of the layer's weights header, if it has one.
        var headerGuard = ""
    }

    let model: LoweredModel
    let options: HLSOptions
    let function: String
    let headerGuard: String
    let parametersGuard: String
    let inputs: [Port]
    let outputs: [Port]
    let tensorTypes: [String]
    let tensorVariables: [String]
    let layers: [PlacedLayer]
    /// Copies from a tensor's local array to an output port, for outputs that
    /// are also read by later layers, are model inputs, or appear twice.
    let outputCopies: [String]

    init(_ model: LoweredModel, options: HLSOptions) throws(HLSError) {
        guard options.reuseFactor >= 1 else { throw .option("the reuse factor must be at least 1, not \(options.reuseFactor)") }
        guard options.clockNs > 0, options.clockNs.isFinite else { throw .option("the clock period must be a positive number of ns") }
        guard !model.inputs.isEmpty, !model.outputs.isEmpty else {
            throw .unsupported(layer: model.name, "a model needs at least one input and one output")
        }
        self.model = model
        self.options = options
        let names = HLSNames(model)
        function = names.function
        headerGuard = names.headerGuard
        parametersGuard = names.parametersGuard
        var planner = HLSLayerPlanner(model: model, options: options, names: names)
        tensorTypes = planner.tensorTypes
        let variables = planner.names.tensorVariables
        tensorVariables = variables

        // Ports. An output port takes the tensor's own name when the layer
        // producing it can write straight into the port.
        let consumed = Set(model.ops.flatMap(\.inputs))
        let modelInputs = Set(model.inputs)
        var inputPorts: [Port] = []
        var offset = 0
        for id in model.inputs {
            let t = model[id]
            inputPorts.append(Port(name: variables[id.index], tensor: id, typeName: tensorTypes[id.index],
                                   sizeMacro: planner.names.make("N_IN_" + variables[id.index]), size: t.size, type: t.type, offset: offset))
            offset += t.size
        }
        var outputPorts: [Port] = []
        var direct = Set<TensorID>()
        var copies: [String] = []
        offset = 0
        for id in model.outputs {
            let t = model[id]
            let isDirect = !consumed.contains(id) && !modelInputs.contains(id) && !direct.contains(id)
            let name = isDirect ? variables[id.index] : planner.names.make(variables[id.index] + "_out")
            if isDirect { direct.insert(id) } else {
                copies.append("nnet::copy_into<\(tensorTypes[id.index]), \(tensorTypes[id.index]), \(t.size), 0>(\(variables[id.index]), \(name));")
            }
            outputPorts.append(Port(name: name, tensor: id, typeName: tensorTypes[id.index],
                                    sizeMacro: planner.names.make("N_OUT_" + name), size: t.size, type: t.type, offset: offset))
            offset += t.size
        }
        inputs = inputPorts
        outputs = outputPorts
        outputCopies = copies

        var placed: [PlacedLayer] = []
        var declared = modelInputs.union(direct)
        // Header stems are compared without case: `weights/FC.h` and
        // `weights/fc.h` are one file on a case-insensitive file system.
        var headers = Set<String>()
        for op in model.ops {
            var layer = try planner.plan(op)
            var weightsGuard = ""
            if let stem = layer.header {
                var unique = stem
                var k = 2
                while headers.contains(unique.lowercased()) { unique = "\(stem)_\(k)"; k += 1 }
                headers.insert(unique.lowercased())
                layer.header = unique
                weightsGuard = planner.names.makeGuard("WEIGHTS_" + unique + "_H")
            }
            var locals: [(String, String, Int)] = []
            if !declared.contains(op.output) {
                locals.append((tensorTypes[op.output.index], variables[op.output.index], model[op.output].size))
                declared.insert(op.output)
            }
            placed.append(PlacedLayer(layer: layer, locals: locals, headerGuard: weightsGuard))
        }
        layers = placed
    }

    /// Ports in call order: inputs, then outputs.
    var ports: [Port] { inputs + outputs }

    /// `type name[SIZE]` for each port.
    var portDeclarations: [String] { ports.map { "\($0.typeName) \($0.name)[\($0.sizeMacro)]" } }

    /// Arguments of a call of the top function with arrays named like the ports.
    var callArguments: String { ports.map(\.name).joined(separator: ", ") }
}

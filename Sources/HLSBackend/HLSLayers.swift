import FixedPoint
import ModelIR

/// A `typedef` in parameters.h.
struct HLSTypedef {
    var name: String
    /// The Vitis spelling, e.g. `ap_fixed<16,6,AP_RND,AP_SAT>`.
    var type: String
    var comment: String

    init(name: String, type: FixedType, comment: String) {
        self.init(name: name, spelled: type.description, comment: comment)
    }

    init(name: String, spelled: String, comment: String) {
        self.name = name
        self.type = spelled
        self.comment = comment
    }
}

/// A configuration struct in parameters.h: `struct name : nnet::base { members };`.
struct HLSConfig {
    var name: String
    var base: String
    var members: [String]
}

/// A constant array in a layer's weights header.
struct HLSArray {
    var comment: String
    var typeName: String
    var name: String
    var size: Int
    /// The initializer, line by line (values end with a comma).
    var lines: [String]
}

/// Everything one lowered op contributes to the project.
struct HLSLayer {
    var op: LoweredOp
    /// One line for comments: what the layer computes and where it came from.
    var summary: String
    var typedefs: [HLSTypedef] = []
    /// Extra definitions placed after the typedefs (e.g. a LeakyReLU slope).
    var definitions: [String] = []
    var config: HLSConfig?
    /// Constants for `firmware/weights/<header>.h`; none for layers without any.
    var arrays: [HLSArray] = []
    var header: String?
    /// Statements in the top function.
    var calls: [String] = []
}

/// What every layer's plan reads about its op: names and sizes, the C++
/// variables and types of its inputs and output (inputs first).
struct HLSOpSite {
    let op: LoweredOp
    /// The identifier stem of the layer's names (`fc1` -> `fc1_weight_t`).
    let base: String
    /// ` (from a + b)` when the op stands for other layers, else empty.
    let from: String
    let output: TensorInfo
    let inputs: [TensorInfo]
    /// The top function's arrays: the inputs, then the output.
    let variables: [String]
    /// Their typedef names, in the same order.
    let dataTypes: [String]
    let reuseFactor: Int

    init(op: LoweredOp, model: LoweredModel, variables: [String], dataTypes: [String], reuseFactor: Int) {
        self.op = op
        base = HLSNames.identifier(op.name)
        from = op.sourceLayers == [op.name] || op.sourceLayers.isEmpty ? "" : " (from " + op.sourceLayers.joined(separator: " + ") + ")"
        output = model[op.output]
        inputs = op.inputs.map { model[$0] }
        self.variables = variables
        self.dataTypes = dataTypes
        self.reuseFactor = reuseFactor
    }

    /// `nnet::<function><types..., config>(arrays..., extra...);`
    func call(_ function: String, config: String, extra: [String] = []) -> String {
        "nnet::\(function)<\((dataTypes + [config]).joined(separator: ", "))>(\((variables + extra).joined(separator: ", ")));"
    }
}

/// Turns lowered ops into layer-library calls, configurations and constants.
/// Every number that decides the arithmetic (types, shifts, table contents)
/// is computed here from the lowered IR.
struct HLSLayerPlanner {
    let model: LoweredModel
    let options: HLSOptions
    var names: HLSNames
    /// Per tensor: its type's typedef name.
    let tensorTypes: [String]

    init(model: LoweredModel, options: HLSOptions, names: HLSNames) {
        self.model = model
        self.options = options
        var n = names
        tensorTypes = names.tensorVariables.map { n.make($0 + "_t") }
        self.names = n
    }

    func variable(_ t: TensorID) -> String { names.tensorVariables[t.index] }
    func typeName(_ t: TensorID) -> String { tensorTypes[t.index] }

    /// The layer of `op`: one planning function per op kind (HLSDenseLayers,
    /// HLSTableLayers, HLSElementwiseLayers).
    mutating func plan(_ op: LoweredOp) throws(HLSError) -> HLSLayer {
        let site = HLSOpSite(op: op, model: model, variables: op.inputs.map(variable) + [variable(op.output)],
                             dataTypes: op.inputs.map(typeName) + [typeName(op.output)],
                             reuseFactor: Self.layerReuse(op) ?? options.reuseFactor)
        switch op.kind {
        case .dense(let d): return try planDense(d, site)
        case .scale(let s): return planScale(s, site)
        case .activation(let a): return planActivation(a, site)
        case .table(let t): return planTable(t, site)
        case .softmax(let s): return planSoftmax(s, site)
        case .add, .subtract, .multiply: return planBinary(site)
        case .quantize: return planQuantize(site)
        case .sum: return planSum(site)
        case .concatenate: return planConcatenate(site)
        case .forest(let f): return try planForest(f, site)
        case .maximum(let m): return planMaximum(m, site)
        case .gather(let g): return planGather(g, site)
        case .threshold(let t):
            if let forms = t.affine { return planAffineThreshold(t, forms, site) }
            return try planThreshold(t, site)
        }
    }

    /// The policy type applying a pointwise activation; adds a LeakyReLU
    /// slope's typedef and constant to `layer`.
    mutating func activationPolicy(_ a: PointwiseActivation, base: String, into layer: inout HLSLayer) -> String {
        switch a {
        case .linear: return "nnet::linear"
        case .relu: return "nnet::relu"
        case .leakyReLU(let alpha, let alphaType):
            let alphaT = names.make(base + "_alpha_t")
            let alphaStruct = names.make(base + "_alpha")
            layer.typedefs.append(HLSTypedef(name: alphaT, type: alphaType, comment: "LeakyReLU slope of \(layer.op.name)"))
            layer.definitions += [
                "struct \(alphaStruct) {",
                "    typedef \(alphaT) type;",
                "    static type value() { return type(\(HLSLiterals.literal(alpha, of: alphaType, typeName: alphaT))); }",
                "};",
            ]
            return "nnet::leaky_relu<\(alphaStruct)>"
        }
    }

    static func ceilLog2(_ n: Int) -> Int {
        var g = 0
        while (1 << g) < n { g += 1 }
        return g
    }

    /// Values eight to a line, each followed by a comma.
    static func chunks(_ values: [String], per: Int = 8) -> [String] {
        stride(from: 0, to: values.count, by: per).map { start in
            values[start..<min(start + per, values.count)].map { $0 + "," }.joined(separator: " ")
        }
    }
}

import ModelIR

/// Checks a graph's structure before lowering: the decoder guarantees this for
/// model.json, but graphs are also built in code (training, tests).
/// Postcondition of success: every precondition ``Lower`` relies on holds.
public enum ValidateGraph {
    public static func run(_ g: Graph) throws(LoweringError) {
        var sizes: [String: Int] = [:]
        for input in g.inputs {
            guard sizes[input.name] == nil else { throw LoweringError(layer: input.name, field: "name", message: "duplicate name") }
            guard input.size >= 1 else { throw LoweringError(layer: input.name, field: "shape", message: "an input needs at least one element") }
            sizes[input.name] = input.size
        }
        guard !g.nodes.isEmpty else { throw LoweringError(field: "layers", message: "a model needs at least one layer") }
        for node in g.nodes {
            func fail(_ field: String, _ message: String) -> LoweringError { LoweringError(layer: node.name, field: field, message: message) }
            guard sizes[node.name] == nil else { throw fail("name", "duplicate name") }
            guard !node.inputs.isEmpty else { throw fail("input", "a layer needs an input") }
            var inputSizes: [Int] = []
            for name in node.inputs {
                guard let s = sizes[name] else { throw fail("input", "'\(name)' is not defined before this layer") }
                inputSizes.append(s)
            }
            let n = inputSizes[0]
            switch node.op {
            case .dense(let d):
                guard node.inputs.count == 1 else { throw fail("input", "dense takes one input") }
                guard d.units >= 1, d.weights.allSatisfy({ $0.count == n }) else {
                    throw fail("weights", "expected \(d.units) rows of \(n) weights (the input '\(node.inputs[0])' has \(n) elements)")
                }
                guard d.bias.count == d.units else { throw fail("bias", "expected \(d.units) values, got \(d.bias.count)") }
                guard d.weights.allSatisfy({ $0.allSatisfy(\.isFinite) }), d.bias.allSatisfy(\.isFinite) else {
                    throw fail("weights", "weights and biases must be finite")
                }
            case .batchNorm(let bn):
                for (field, v) in [("gamma", bn.gamma), ("beta", bn.beta), ("mean", bn.mean), ("variance", bn.variance)] {
                    guard v.count == n else { throw fail(field, "expected \(n) values, got \(v.count)") }
                    guard v.allSatisfy(\.isFinite) else { throw fail(field, "values must be finite") }
                }
                guard bn.variance.allSatisfy({ $0 + bn.epsilon > 0 }) else { throw fail("variance", "variance + epsilon must be positive") }
            case .add, .subtract, .multiply:
                guard inputSizes.count == 2, inputSizes[0] == inputSizes[1] else {
                    throw fail("inputs", "\(node.op.kindName) takes two inputs of equal size")
                }
            case .concatenate:
                guard inputSizes.count >= 2 else { throw fail("inputs", "concatenate takes at least two inputs") }
            case .activation(.softmax):
                guard n >= 2 else { throw fail("input", "softmax needs at least 2 elements") }
            case .activation, .sum:
                guard node.inputs.count == 1 else { throw fail("input", "\(node.op.kindName) takes one input") }
            case .forest(let f):
                guard node.inputs.count == 1 else { throw fail("input", "a forest takes one input") }
                guard f.featureCount <= n else {
                    throw fail("features", "the forest reads \(f.featureCount) features but '\(node.inputs[0])' has \(n) elements")
                }
                if let problem = f.problem() { throw fail(problem.path, problem.message) }
            }
            sizes[node.name] = node.outputSize(inputSizes: inputSizes)
        }
        for (i, o) in g.outputs.enumerated() where sizes[o] == nil {
            throw LoweringError(field: "outputs[\(i)]", message: "'\(o)' is not a tensor of the model")
        }
        guard !g.outputs.isEmpty else { throw LoweringError(field: "outputs", message: "a model needs an output") }
    }
}

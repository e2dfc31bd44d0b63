import ModelIR

/// Checks a graph's structure before lowering: the decoder guarantees this for
/// model.json, but graphs are also built in code (training, tests).
/// Postcondition of success: every precondition ``Lower`` relies on holds.
public enum ValidateGraph {
    public static func run(_ g: Graph) throws(LoweringError) {
        var sizes: [String: Int] = [:]
        var shapes: [String: [Int]] = [:]
        for input in g.inputs {
            guard sizes[input.name] == nil else { throw LoweringError(layer: input.name, field: "name", message: "duplicate name") }
            guard !input.shape.isEmpty, input.shape.allSatisfy({ $0 >= 1 }), let n = Shapes.count(input.shape), n <= 100_000_000 else {
                throw LoweringError(layer: input.name, field: "shape", message: "an input needs at least one element and positive dimensions")
            }
            sizes[input.name] = n
            shapes[input.name] = input.shape
        }
        guard !g.nodes.isEmpty else { throw LoweringError(field: "layers", message: "a model needs at least one layer") }
        for node in g.nodes {
            func fail(_ field: String, _ message: String) -> LoweringError { LoweringError(layer: node.name, field: field, message: message) }
            guard sizes[node.name] == nil else { throw fail("name", "duplicate name") }
            guard !node.inputs.isEmpty else { throw fail("input", "a layer needs an input") }
            var inputSizes: [Int] = []
            var inputShapes: [[Int]] = []
            for name in node.inputs {
                guard let s = sizes[name] else { throw fail("input", "'\(name)' is not defined before this layer") }
                inputSizes.append(s)
                inputShapes.append(shapes[name]!)
            }
            let n = inputSizes[0]
            let outputShape: [Int]
            do { outputShape = try node.outputShape(inputShapes: inputShapes) } catch { throw fail(error.field, error.message) }
            switch node.op {
            case .dense(let d):
                guard node.inputs.count == 1 else { throw fail("input", "dense takes one input") }
                guard d.units >= 1, d.inputCount >= 1, d.weights.allSatisfy({ $0.count == d.inputCount }) else {
                    throw fail("weights", "expected \(d.units) rows of \(d.inputCount) weights")
                }
                guard d.bias.count == d.units else { throw fail("bias", "expected \(d.units) values, got \(d.bias.count)") }
                guard d.weights.allSatisfy({ $0.allSatisfy(\.isFinite) }), d.bias.allSatisfy(\.isFinite) else {
                    throw fail("weights", "weights and biases must be finite")
                }
            case .batchNorm(let bn):
                for (field, v) in [("gamma", bn.gamma), ("beta", bn.beta), ("mean", bn.mean), ("variance", bn.variance)] {
                    guard v.count == bn.gamma.count else { throw fail(field, "expected \(bn.gamma.count) values (as gamma), got \(v.count)") }
                    guard v.allSatisfy(\.isFinite) else { throw fail(field, "values must be finite") }
                }
                guard bn.variance.allSatisfy({ $0 + bn.epsilon > 0 }) else { throw fail("variance", "variance + epsilon must be positive") }
            case .add, .subtract, .multiply:
                guard inputSizes.count == 2 else { throw fail("inputs", "\(node.op.kindName) takes two inputs") }
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
            case .conv(let c):
                guard node.inputs.count == 1 else { throw fail("input", "a convolution takes one input") }
                guard c.weights.allSatisfy(\.isFinite), c.bias.allSatisfy(\.isFinite) else { throw fail("weights", "weights and biases must be finite") }
            case .pool, .reduce, .reshape, .transpose:
                guard node.inputs.count == 1 else { throw fail("input", "\(node.op.kindName) takes one input") }
            case .linear(let l):
                guard node.inputs.count == 1 else { throw fail("input", "linear takes one input") }
                guard l.units >= 1, l.biasIndex.count == l.units, l.biasIndex.allSatisfy({ $0 >= 0 && $0 < l.bias.count }),
                      l.rows.allSatisfy({ $0.allSatisfy { $0.input >= 0 && $0.input < n && $0.parameter >= 0 && $0.parameter < l.weights.count } })
                else { throw fail("rows", "a term or bias index is out of range") }
                guard l.weights.allSatisfy(\.isFinite), l.bias.allSatisfy(\.isFinite) else { throw fail("weights", "weights and biases must be finite") }
            case .maximum(let groups):
                guard node.inputs.count == 1, !groups.isEmpty,
                      groups.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 >= 0 && $0 < n } }) else {
                    throw fail("groups", "every group needs at least one input index in range")
                }
            case .gather(let indices):
                guard node.inputs.count == 1, !indices.isEmpty, indices.allSatisfy({ $0 >= 0 && $0 < n }) else {
                    throw fail("indices", "every index must be an element of the input")
                }
            case .threshold:
                // The parameters are checked with the shape (TensorShapes).
                guard node.inputs.count == 1 else { throw fail("input", "threshold takes one input") }
            }
            guard let outputSize = Shapes.count(outputShape), outputSize >= 1, outputSize <= 100_000_000 else {
                throw fail("shape", "the output shape \(Shapes.text(outputShape)) is empty or too large")
            }
            sizes[node.name] = outputSize
            shapes[node.name] = outputShape
        }
        for (i, o) in g.outputs.enumerated() where sizes[o] == nil {
            throw LoweringError(field: "outputs[\(i)]", message: "'\(o)' is not a tensor of the model")
        }
        guard !g.outputs.isEmpty else { throw LoweringError(field: "outputs", message: "a model needs an output") }
    }
}

import ModelIR

extension TrainedModel {
    /// The model.json nodes of a tensor layer reading tensor `input`, with
    /// the plan's types; nil when `layer` is not a tensor layer. A
    /// concatenation becomes its branches (each reading `input`) and the
    /// `concatenate` node reading them.
    func tensorNodes(_ layer: any TrainableLayer, input: String) -> [Node]? {
        let types = plan?.layers[layer.name] ?? LayerTypes()
        if let conv = layer as? ConvolutionLayer {
            let qw = writesQuantizedWeights ? conv.weightQuantizer : nil
            let qb = writesQuantizedWeights ? conv.biasQuantizer : nil
            let w = qw.map { q in conv.weights.map { q.apply(Double($0)) } } ?? conv.weights.map(Double.init)
            let b = qb.map { q in conv.bias.map { q.apply(Double($0)) } } ?? conv.bias.map(Double.init)
            return [Node(name: conv.name, op: conv.op(weights: w, bias: b), inputs: [input],
                         precision: LayerPrecision(weight: types.weight, bias: types.bias, result: types.result))]
        } else if let pool = layer as? PoolingLayer {
            return [Node(name: pool.name, op: pool.op, inputs: [input],
                         precision: LayerPrecision(weight: types.weight, result: types.result))]
        } else if let reshape = layer as? ReshapeLayer {
            return [Node(name: reshape.name, op: .reshape(reshape.outputShape), inputs: [input])]
        } else if let transpose = layer as? TransposeLayer {
            return [Node(name: transpose.name, op: .transpose(transpose.perm), inputs: [input])]
        } else if let cat = layer as? ConcatenateLayer {
            var nodes: [Node] = []
            for branch in cat.branches { nodes += tensorNodes(branch, input: input) ?? [] }
            nodes.append(Node(name: cat.name, op: .concatenate(axis: -1), inputs: cat.branches.map(\.name),
                              precision: LayerPrecision(result: types.result)))
            return nodes
        }
        return nil
    }
}

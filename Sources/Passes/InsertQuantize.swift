import ModelIR

/// Makes every type change that is not part of an op's own arithmetic an
/// explicit `quantize` op: today, the inputs of a concatenation whose type
/// differs from the concatenation's, so that concatenation is pure wiring.
public enum InsertQuantize {
    public static func run(_ model: LoweredModel) -> (LoweredModel, [String]) {
        var m = model
        var log: [String] = []
        var i = 0
        while i < m.ops.count {
            let op = m.ops[i]
            guard case .concatenate = op.kind else { i += 1; continue }
            let target = m[op.output].type
            var inputs = op.inputs
            for (k, input) in op.inputs.enumerated() where m[input].type != target {
                let id = TensorID(m.tensors.count)
                let name = "\(op.name)_in\(k)"
                m.tensors.append(TensorInfo(name: name, size: m[input].size, type: target))
                m.ops.insert(LoweredOp(name: name, sourceLayers: op.sourceLayers, kind: .quantize,
                                       inputs: [input], output: id), at: i)
                i += 1
                inputs[k] = id
                log.append("InsertQuantize: '\(m[input].name)' \(m[input].type) -> \(target) before '\(op.name)'")
            }
            m.ops[i].inputs = inputs
            i += 1
        }
        return (m, log)
    }
}

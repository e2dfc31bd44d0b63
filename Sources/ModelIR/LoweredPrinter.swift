/// A human-readable listing of a lowered model: every tensor with its type,
/// every op with its inputs, types and size. Written to hls-out as
/// `lowered.txt` so that a user can see what was compiled.
public enum LoweredPrinter {
    public static func print(_ m: LoweredModel) -> String {
        var out = "model \(m.name)\n"
        for id in m.inputs { out += "  input  \(m[id].name)[\(m[id].size)] : \(m[id].type)\n" }
        for op in m.ops {
            let ins = op.inputs.map { m[$0].name }.joined(separator: ", ")
            let o = m[op.output]
            out += "  \(o.name)[\(o.size)] : \(o.type) = \(op.kind.kindName)(\(ins))"
            if op.sourceLayers != [op.name] { out += "   // from " + op.sourceLayers.joined(separator: " + ") }
            out += "\n"
            switch op.kind {
            case .dense(let d):
                out += "      weight \(d.weightType), bias \(d.biasType), accumulator \(d.accumulatorType)"
                if let pre = d.preActivationType { out += ", pre-activation \(pre)" }
                out += ", activation \(d.activation.kindName), \(d.termCount) nonzero weights\n"
            case .activation(.leakyReLU(let alpha, let type)):
                out += "      alpha \(type.value(ofRaw: alpha)) : \(type)\n"
            case .table(let t):
                out += "      \(1 << t.indexBits) entries over [-\(1 << max(t.rangeLog2, 0)), \(1 << max(t.rangeLog2, 0)))\n"
            case .softmax(let s):
                out += "      exp \(s.expType) x\(1 << s.expIndexBits), sum \(s.sumType), inverse \(s.inverseType) x\(1 << s.inverseIndexBits)\n"
            default: break
            }
        }
        out += "  outputs " + m.outputs.map { m[$0].name }.joined(separator: ", ") + "\n"
        return out
    }
}

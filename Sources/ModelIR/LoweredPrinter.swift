import FixedPoint

/// The whole lowered model as text, weights and tables included, in a form
/// ``LoweredParser`` reads back to an identical ``LoweredModel``. Written to
/// hls-out as `lowered.txt`, so that a user sees exactly what was compiled,
/// and used by the pass tests, which are written as small IR texts.
///
/// ```
/// hepml-lowered 1
/// model tagger
/// tensor %0 x 16 ap_fixed<16,6,AP_RND,AP_SAT>      one per tensor, in order
/// input %0
/// op fc1 dense %0 -> %1 from fc1,relu1
///   types weight ap_fixed<8,1> bias ap_fixed<8,3> acc ap_fixed<24,10> pre - act relu
///   bias 3 -5 0 ...                                  raw codes, one per output
///   row 0:12 3:-7 ...                               input:weight, one line per output
/// op bn scale %2 -> %3                               a per-element scale: the same types and bias lines,
///   types weight ... bias ... acc ... pre - act linear
///   bias 1 -2 ...
///   weights 5 0 -3 ...                               then one raw weight per element
/// op act relu %1 -> %2                               an activation op
/// op t table %2 -> %3   with  table sigmoid <indexBits> <rangeLog2> / values ...
/// op s softmax %3 -> %4 with  softmax exp <type> <bits> <range> sum <type> inverse <type> <bits> <range>
///                             / exp_values ... / inverse_values ...
/// op a add %1,%2 -> %5                               add subtract multiply concatenate sum quantize
/// output %4
/// ```
/// A leaky ReLU is `act leaky_relu:<raw alpha>:<alpha type>`. A forest is
/// `forest leaf <type> acc <type> classes <n>`, `base <raw codes>`, then one
/// line per tree, `tree <class> <node> ...`, each node a split
/// `<feature>:<threshold code>:<left>:<right>` or a leaf `=<raw code>`.
/// A maximum lists one `group <input> ...` line per output; a gather one
/// `indices <input> ...` line. A threshold has `output <bias> <step>` then
/// one `thresholds <raw code> ...` line per list, and, when it counts by
/// multiply-add-shift, one `affine <multiplier> <offset> <shift>` line per
/// list (``AffineCount``). A dense op that a
/// convolution with a reuse factor became also has its kernel layout after
/// its rows: `reuse <R>`, one `window <input or -> ...` line per output
/// position (`-` for a tap in the padding) and one `kernel <slot>:<weight> ...`
/// line per filter (``TimeMultiplex``).
public enum LoweredPrinter {
    public static let header = "hepml-lowered 1"

    public static func print(_ m: LoweredModel) -> String {
        var out = "\(header)\nmodel \(m.name)\n"
        for (i, t) in m.tensors.enumerated() { out += "tensor %\(i) \(t.name) \(t.size) \(t.type)\n" }
        for id in m.inputs { out += "input \(id)\n" }
        for op in m.ops {
            out += "op \(op.name) \(kindToken(op.kind)) \(op.inputs.map(\.description).joined(separator: ",")) -> \(op.output)"
            if op.sourceLayers != [op.name] { out += " from " + op.sourceLayers.joined(separator: ",") }
            out += "\n"
            switch op.kind {
            case .dense(let d):
                out += accumulation(d)
                for row in d.rows { out += "  row" + row.map { " \($0.input):\($0.weight)" }.joined() + "\n" }
                if let m = d.multiplex {
                    out += "  reuse \(m.reuse)\n"
                    for w in m.windows { out += "  window" + w.map { " " + ($0.map(String.init) ?? "-") }.joined() + "\n" }
                    for k in m.kernel { out += "  kernel" + k.map { " \($0.input):\($0.weight)" }.joined() + "\n" }
                }
            case .scale(let s):
                out += accumulation(s)
                out += "  weights" + s.weights.map { " \($0)" }.joined() + "\n"
            case .activation(let a):
                out += "  act \(activation(a))\n"
            case .table(let t):
                out += "  table \(t.function.rawValue) \(t.indexBits) \(t.rangeLog2)\n"
                out += "  values" + t.values.map { " \($0)" }.joined() + "\n"
            case .softmax(let s):
                out += "  softmax exp \(s.expType) \(s.expIndexBits) \(s.expRangeLog2) sum \(s.sumType) inverse \(s.inverseType) \(s.inverseIndexBits) \(s.inverseRangeLog2)\n"
                out += "  exp_values" + s.expValues.map { " \($0)" }.joined() + "\n"
                out += "  inverse_values" + s.inverseValues.map { " \($0)" }.joined() + "\n"
            case .forest(let f):
                out += "  forest leaf \(f.leafType) acc \(f.accumulatorType) classes \(f.classCount)\n"
                out += "  base" + f.base.map { " \($0)" }.joined() + "\n"
                for tree in f.trees {
                    out += "  tree \(tree.classIndex)" + tree.nodes.map { node -> String in
                        switch node {
                        case .leaf(let v): return " =\(v)"
                        case let .split(feature, c, l, r): return " \(feature):\(c):\(l):\(r)"
                        }
                    }.joined() + "\n"
                }
            case .maximum(let m):
                for g in m.groups { out += "  group" + g.map { " \($0)" }.joined() + "\n" }
            case .gather(let g):
                out += "  indices" + g.indices.map { " \($0)" }.joined() + "\n"
            case .threshold(let t):
                out += "  output \(t.outputBias) \(t.outputStep)\n"
                for list in t.thresholds { out += "  thresholds" + list.map { " \($0)" }.joined() + "\n" }
                for form in t.affine ?? [] { out += "  affine \(form.multiplier) \(form.offset) \(form.shift)\n" }
            case .add, .subtract, .multiply, .concatenate, .sum, .quantize:
                break
            }
        }
        for id in m.outputs { out += "output \(id)\n" }
        return out
    }

    /// The `types` and `bias` lines of a dense or scale op.
    static func accumulation(_ a: some AccumulatingOp) -> String {
        "  types weight \(a.weightType) bias \(a.biasType) acc \(a.accumulatorType) pre \(a.preActivationType.map { "\($0)" } ?? "-") act \(activation(a.activation))\n"
            + "  bias" + a.bias.map { " \($0)" }.joined() + "\n"
    }

    static func kindToken(_ k: LoweredKind) -> String {
        switch k {
        case .dense: return "dense"
        case .scale: return "scale"
        case .activation: return "activation"
        case .table: return "table"
        case .softmax: return "softmax"
        default: return k.kindName
        }
    }

    static func activation(_ a: PointwiseActivation) -> String {
        switch a {
        case .linear: return "linear"
        case .relu: return "relu"
        case let .leakyReLU(alpha, type): return "leaky_relu:\(alpha):\(type)"
        }
    }
}

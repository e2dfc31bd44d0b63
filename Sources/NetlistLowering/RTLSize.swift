import NetlistIR
import ModelIR

/// How large the Verilog of one op will be, counted before any of it is
/// built, so that a caller can refuse a model whose RTL would take minutes
/// and gigabytes to emit (a 2000 x 2000 dense layer: 6 minutes, 9 GB).
///
/// The unit is a *term*: one signed digit of a constant weight (one
/// shift-and-add), one adder, one ROM word, one bit of a variable
/// multiplier. The emitter's time and memory grow with it: in a debug
/// build a 400 x 400 dense layer (600 000 terms) takes about 75 s and
/// 600 MB, a 2000 x 2000 one (15 million) 6 minutes and 9 GB.
public struct RTLSize: Sendable, Equatable {
    /// The op (named after its layer) and the layers it came from.
    public var op: String
    public var sourceLayers: [String]
    public var terms: Int

    /// The default per-op limit of the CLI (`--max-rtl-size`): about 100
    /// times the largest layer of the shipped models (4 815 terms), and
    /// under a minute and 600 MB to emit.
    public static let defaultLimit = 500_000

    /// Per op of `model`, in op order.
    public static func estimate(_ model: LoweredModel) -> [RTLSize] {
        model.ops.map { RTLSize(op: $0.name, sourceLayers: $0.sourceLayers, terms: terms(of: $0, in: model)) }
    }

    /// The ops whose estimate is above `limit`, largest first.
    public static func exceeding(_ limit: Int, in model: LoweredModel) -> [RTLSize] {
        estimate(model).filter { $0.terms > limit }.sorted { $0.terms > $1.terms }
    }

    static func terms(of op: LoweredOp, in model: LoweredModel) -> Int {
        let n = model[op.output].size
        switch op.kind {
        case .dense, .scale:
            let d = op.kind.denseForm!
            var total = 0
            for (row, bias) in zip(d.rows, d.bias) {
                for term in row { total += SignedDigits.csd(Int128(term.weight)).count }
                total += bias == 0 ? 1 : 2 // the bias adder, and the output's rounding
            }
            return total
        case .table(let t):
            return t.values.count + n
        case .softmax(let s):
            // Tables, then per output a subtract, a lookup and a product (up to the narrower factor's width in partial products).
            return s.expValues.count + s.inverseValues.count + n * (2 + min(s.inverseType.width, s.expType.width))
        case .multiply:
            let narrower = op.inputs.map { model[$0].type.width }.min() ?? 1
            return n * narrower
        case .sum:
            return model[op.inputs[0]].size
        case .activation, .add, .subtract, .concatenate, .quantize:
            return n
        case .maximum(let m):
            return m.groups.reduce(0) { $0 + $1.count }
        case .gather:
            return 0
        case .threshold(let t):
            // A comparator per threshold and an adder per output.
            return n * (t.steps + 1)
        case .forest(let f):
            // A comparator per distinct split, a leaf mux per tree node, an adder per tree.
            return f.comparisons.count + f.trees.reduce(0) { $0 + $1.nodes.count + 1 } + n
        }
    }
}

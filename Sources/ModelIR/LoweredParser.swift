import FixedPoint

/// Why a lowered-IR text could not be read: the line (1-based) and what was wrong.
public struct LoweredParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "lowered IR line \(line): \(message)" }
}

/// Reads the text ``LoweredPrinter`` writes back into a ``LoweredModel``.
public enum LoweredParser {
    public static func parse(_ text: String) throws(LoweredParseError) -> LoweredModel {
        var reader = Reader(lines: text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        return try reader.model()
    }

    struct Reader {
        let lines: [String]
        var index = 0

        mutating func next() -> (number: Int, words: [Substring])? {
            while index < lines.count {
                let line = lines[index]
                index += 1
                let words = line.split(separator: " ")
                if !words.isEmpty { return (index, words) }
            }
            return nil
        }

        func peekIsDetail() -> Bool {
            var i = index
            while i < lines.count {
                if lines[i].split(separator: " ").isEmpty { i += 1; continue }
                return lines[i].hasPrefix("  ")
            }
            return false
        }

        func fail(_ line: Int, _ message: String) -> LoweredParseError { LoweredParseError(line: line, message: message) }

        mutating func model() throws(LoweredParseError) -> LoweredModel {
            guard let h = next(), h.words.joined(separator: " ") == LoweredPrinter.header else {
                throw fail(1, "expected '\(LoweredPrinter.header)'")
            }
            guard let m = next(), m.words.count == 2, m.words[0] == "model" else { throw fail(2, "expected 'model <name>'") }
            var model = LoweredModel(name: String(m.words[1]), tensors: [], inputs: [], outputs: [], ops: [])
            while let (n, w) = next() {
                switch w[0] {
                case "tensor":
                    guard w.count == 5, w[1] == "%\(model.tensors.count)", let size = Int(w[3]), size >= 0 else {
                        throw fail(n, "expected 'tensor %\(model.tensors.count) <name> <size> <type>'")
                    }
                    model.tensors.append(TensorInfo(name: String(w[2]), size: size, type: try type(w[4], n)))
                case "input":
                    guard w.count == 2 else { throw fail(n, "expected 'input %<tensor>'") }
                    model.inputs.append(try tensor(w[1], model, n))
                case "output":
                    guard w.count == 2 else { throw fail(n, "expected 'output %<tensor>'") }
                    model.outputs.append(try tensor(w[1], model, n))
                case "op":
                    model.ops.append(try op(w, n, model))
                default:
                    throw fail(n, "unknown line '\(w[0])'")
                }
            }
            return model
        }

        mutating func op(_ w: [Substring], _ n: Int, _ model: LoweredModel) throws(LoweredParseError) -> LoweredOp {
            guard w.count == 6 || (w.count == 8 && w[6] == "from"), w[4] == "->" else {
                throw fail(n, "expected 'op <name> <kind> <inputs> -> <output> [from <layers>]'")
            }
            var inputs: [TensorID] = []
            for t in w[3].split(separator: ",") { inputs.append(try tensor(t, model, n)) }
            let output = try tensor(w[5], model, n)
            let name = String(w[1])
            let layers = w.count == 8 ? w[7].split(separator: ",").map(String.init) : [name]
            let kind: LoweredKind
            switch w[2] {
            case "dense": kind = .dense(try dense(n))
            case "scale":
                let a = try accumulation(n)
                kind = .scale(ScaleOp(weightType: a.weight, biasType: a.bias, accumulatorType: a.accumulator,
                                      weights: try integers("weights", n), bias: a.values,
                                      preActivationType: a.pre, activation: a.activation))
            case "activation":
                let d = try detail("act", n)
                guard d.words.count == 2 else { throw fail(d.number, "expected 'act <activation>'") }
                kind = .activation(try activation(d.words[1], d.number))
            case "table":
                let d = try detail("table", n)
                guard d.words.count == 4, let f = TableFunction(rawValue: String(d.words[1])),
                      let bits = Int(d.words[2]), let range = Int(d.words[3]) else {
                    throw fail(d.number, "expected 'table sigmoid|tanh <indexBits> <rangeLog2>'")
                }
                kind = .table(TableOp(function: f, indexBits: bits, rangeLog2: range, values: try integers("values", n)))
            case "softmax":
                let d = try detail("softmax", n)
                let x = d.words
                guard x.count == 11, x[1] == "exp", x[5] == "sum", x[7] == "inverse",
                      let eb = Int(x[3]), let er = Int(x[4]), let ib = Int(x[9]), let ir = Int(x[10]) else {
                    throw fail(d.number, "expected 'softmax exp <type> <bits> <range> sum <type> inverse <type> <bits> <range>'")
                }
                let expType = try type(x[2], d.number), sumType = try type(x[6], d.number), invType = try type(x[8], d.number)
                kind = .softmax(SoftmaxOp(expType: expType, expIndexBits: eb, expRangeLog2: er, expValues: try integers("exp_values", n),
                                          sumType: sumType, inverseType: invType, inverseIndexBits: ib, inverseRangeLog2: ir,
                                          inverseValues: try integers("inverse_values", n)))
            case "add": kind = .add
            case "subtract": kind = .subtract
            case "multiply": kind = .multiply
            case "concatenate": kind = .concatenate
            case "sum": kind = .sum
            case "quantize": kind = .quantize
            case "forest": kind = .forest(try forest(n))
            case "maximum":
                var groups: [[Int]] = []
                while peekIsDetail(), lines[index].hasPrefix("  group") { groups.append(try indices("group", n)) }
                kind = .maximum(MaximumOp(groups: groups))
            case "gather": kind = .gather(GatherOp(indices: try indices("indices", n)))
            case "threshold":
                let d = try detail("output", n)
                guard d.words.count == 3, let bias = Int64(d.words[1]), let step = Int64(d.words[2]) else {
                    throw fail(d.number, "expected 'output <bias code> <step code>'")
                }
                var lists: [[Int64]] = []
                while peekIsDetail(), lines[index].hasPrefix("  thresholds") { lists.append(try integers("thresholds", n)) }
                guard let k = lists.first?.count, k >= 1, lists.allSatisfy({ $0.count == k }) else {
                    throw fail(n, "expected 'thresholds' lines of one length (at least 1) after the op")
                }
                var forms: [AffineCount] = []
                while peekIsDetail(), lines[index].hasPrefix("  affine") {
                    let d = try detail("affine", n)
                    guard d.words.count == 4, let m = Int64(d.words[1]), let a = Int64(d.words[2]), let s = Int(d.words[3]), (0...62).contains(s) else {
                        throw fail(d.number, "expected 'affine <multiplier> <offset> <shift 0...62>'")
                    }
                    forms.append(AffineCount(multiplier: m, offset: a, shift: s))
                }
                guard forms.isEmpty || forms.count == lists.count else {
                    throw fail(n, "expected one 'affine' line per 'thresholds' line (\(lists.count)), found \(forms.count)")
                }
                kind = .threshold(ThresholdOp(thresholds: lists, outputBias: bias, outputStep: step, affine: forms.isEmpty ? nil : forms))
            default: throw fail(n, "unknown op kind '\(w[2])'")
            }
            return LoweredOp(name: name, sourceLayers: layers, kind: kind, inputs: inputs, output: output)
        }

        mutating func dense(_ n: Int) throws(LoweredParseError) -> DenseOp {
            let a = try accumulation(n)
            var d = DenseOp(weightType: a.weight, biasType: a.bias, accumulatorType: a.accumulator, rows: [], bias: a.values,
                            preActivationType: a.pre, activation: a.activation)
            while peekIsDetail(), lines[index].hasPrefix("  row") {
                let r = try detail("row", n)
                var row: [WeightTerm] = []
                for term in r.words.dropFirst() {
                    let parts = term.split(separator: ":")
                    guard parts.count == 2, let i = Int(parts[0]), let v = Int64(parts[1]) else {
                        throw fail(r.number, "expected '<input>:<weight>', found '\(term)'")
                    }
                    row.append(WeightTerm(input: i, weight: v))
                }
                d.rows.append(row)
            }
            if peekIsDetail(), lines[index].hasPrefix("  reuse") {
                let r = try detail("reuse", n)
                guard r.words.count == 2, let reuse = Int(r.words[1]) else { throw fail(r.number, "expected 'reuse <R>'") }
                var m = TimeMultiplex(reuse: reuse, windows: [], kernel: [])
                while peekIsDetail(), lines[index].hasPrefix("  window") {
                    let w = try detail("window", n)
                    var slots: [Int?] = []
                    for v in w.words.dropFirst() {
                        if v == "-" { slots.append(nil); continue }
                        guard let x = Int(v), x >= 0 else { throw fail(w.number, "'\(v)' is not an element index or '-'") }
                        slots.append(x)
                    }
                    m.windows.append(slots)
                }
                while peekIsDetail(), lines[index].hasPrefix("  kernel") {
                    let k = try detail("kernel", n)
                    var terms: [WeightTerm] = []
                    for term in k.words.dropFirst() {
                        let parts = term.split(separator: ":")
                        guard parts.count == 2, let s = Int(parts[0]), s >= 0, let v = Int64(parts[1]) else {
                            throw fail(k.number, "expected '<slot>:<weight>', found '\(term)'")
                        }
                        terms.append(WeightTerm(input: s, weight: v))
                    }
                    m.kernel.append(terms)
                }
                d.multiplex = m
            }
            return d
        }

        mutating func forest(_ n: Int) throws(LoweredParseError) -> ForestOp {
            let d = try detail("forest", n)
            let x = d.words
            guard x.count == 7, x[1] == "leaf", x[3] == "acc", x[5] == "classes", let classes = Int(x[6]) else {
                throw fail(d.number, "expected 'forest leaf <type> acc <type> classes <n>'")
            }
            var f = ForestOp(leafType: try type(x[2], d.number), accumulatorType: try type(x[4], d.number),
                             classCount: classes, base: try integers("base", n), trees: [])
            while peekIsDetail(), lines[index].hasPrefix("  tree") {
                let t = try detail("tree", n)
                guard t.words.count >= 3, let classIndex = Int(t.words[1]) else {
                    throw fail(t.number, "expected 'tree <class> <node> ...'")
                }
                var nodes: [LoweredTreeNode] = []
                for word in t.words.dropFirst(2) {
                    if word.hasPrefix("="), let v = Int64(word.dropFirst()) {
                        nodes.append(.leaf(v))
                        continue
                    }
                    let p = word.split(separator: ":")
                    guard p.count == 4, let feature = Int(p[0]), let c = Int64(p[1]), let l = Int(p[2]), let r = Int(p[3]) else {
                        throw fail(t.number, "expected '<feature>:<threshold>:<left>:<right>' or '=<leaf>', found '\(word)'")
                    }
                    nodes.append(.split(feature: feature, threshold: c, left: l, right: r))
                }
                f.trees.append(LoweredTree(classIndex: classIndex, nodes: nodes))
            }
            return f
        }

        /// The `types` and `bias` lines of a dense or scale op.
        mutating func accumulation(_ n: Int) throws(LoweredParseError)
            -> (weight: FixedType, bias: FixedType, accumulator: FixedType, pre: FixedType?, activation: PointwiseActivation, values: [Int64]) {
            let t = try detail("types", n)
            let x = t.words
            guard x.count == 11, x[1] == "weight", x[3] == "bias", x[5] == "acc", x[7] == "pre", x[9] == "act" else {
                throw fail(t.number, "expected 'types weight <t> bias <t> acc <t> pre <t>|- act <activation>'")
            }
            let pre: FixedType? = x[8] == "-" ? nil : try type(x[8], t.number)
            return (try type(x[2], t.number), try type(x[4], t.number), try type(x[6], t.number), pre,
                    try activation(x[10], t.number), try integers("bias", n))
        }

        mutating func detail(_ keyword: String, _ opLine: Int) throws(LoweredParseError) -> (number: Int, words: [Substring]) {
            guard peekIsDetail(), let d = next(), d.words[0] == keyword else {
                throw fail(opLine, "expected a '\(keyword)' line after the op")
            }
            return d
        }

        mutating func integers(_ keyword: String, _ opLine: Int) throws(LoweredParseError) -> [Int64] {
            let d = try detail(keyword, opLine)
            var values: [Int64] = []
            values.reserveCapacity(d.words.count - 1)
            for v in d.words.dropFirst() {
                guard let x = Int64(v) else { throw fail(d.number, "'\(v)' is not an integer") }
                values.append(x)
            }
            return values
        }

        /// A detail line of non-negative element indices.
        mutating func indices(_ keyword: String, _ opLine: Int) throws(LoweredParseError) -> [Int] {
            let d = try detail(keyword, opLine)
            var values: [Int] = []
            for v in d.words.dropFirst() {
                guard let x = Int(v), x >= 0 else { throw fail(d.number, "'\(v)' is not an element index") }
                values.append(x)
            }
            return values
        }

        func type(_ s: Substring, _ n: Int) throws(LoweredParseError) -> FixedType {
            do { return try FixedType(parsing: String(s)) } catch { throw fail(n, "type '\(s)': \(error)") }
        }

        func tensor(_ s: Substring, _ model: LoweredModel, _ n: Int) throws(LoweredParseError) -> TensorID {
            guard s.hasPrefix("%"), let i = Int(s.dropFirst()), i >= 0, i < model.tensors.count else {
                throw fail(n, "'\(s)' is not a declared tensor")
            }
            return TensorID(i)
        }

        func activation(_ s: Substring, _ n: Int) throws(LoweredParseError) -> PointwiseActivation {
            switch s {
            case "linear": return .linear
            case "relu": return .relu
            default:
                let parts = s.split(separator: ":", maxSplits: 2)
                guard parts.count == 3, parts[0] == "leaky_relu", let alpha = Int64(parts[1]) else {
                    throw fail(n, "unknown activation '\(s)'")
                }
                return .leakyReLU(alpha: alpha, alphaType: try type(parts[2], n))
            }
        }
    }
}

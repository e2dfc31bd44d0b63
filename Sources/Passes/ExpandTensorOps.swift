import FixedPoint
import ModelIR

/// Rewrites every op that needs shapes into flat ops on C-order vectors, so
/// that lowering, the evaluators and every backend see flat tensors only:
///
/// - a dense layer over the last axis of a tensor with more than one leading
///   position, a convolution, an average pool and a sum or mean reduction
///   become a ``SparseLinear`` (`linear`): each output position its own row,
///   the parameters kept once;
/// - a max pool and a max reduction become `maximum` (groups of input indices);
/// - reshape, transpose, a concatenation on an inner axis and the numpy
///   broadcast of a binary op's input become `gather` (data movement only);
/// - a per-channel batchnorm is repeated per element.
///
/// Precondition: a graph that ``ValidateGraph`` accepts. Postcondition: every
/// node is flat (dense, batchnorm per element, activation, equal-size binary
/// ops, vector concatenation, sum, forest, linear, maximum, gather) on
/// vectors (the inputs' shapes become their element counts); each
/// rewritten node keeps its name (so readers and outputs are unchanged);
/// nodes the rewrite adds are named after it (`<layer>_broadcast0`, `<layer>_joined`).
public enum ExpandTensorOps {
    public static func run(_ graph: Graph) throws(LoweringError) -> Graph {
        let shapes: [String: [Int]]
        do { shapes = try graph.tensorShapes() } catch {
            throw LoweringError(layer: error.layer, field: error.field, message: error.message)
        }
        var names = Set(graph.inputs.map(\.name) + graph.nodes.map(\.name))
        func fresh(_ base: String) -> String {
            var name = base, i = 1
            while names.contains(name) { name = "\(base)_\(i)"; i += 1 }
            names.insert(name)
            return name
        }
        for node in graph.nodes {
            let terms = expandedTerms(node, inputs: node.inputs.map { shapes[$0]! }, output: shapes[node.name]!)
            guard terms <= maxTerms else {
                throw LoweringError(layer: node.name, field: nil,
                                    message: "\(node.op.kindName) expands to \(terms) terms (one per weight use at every output position); at most \(maxTerms) are supported")
            }
        }
        var out = graph
        out.nodes = []
        // Inputs become vectors of their elements in C order, so that every
        // tensor of the result is a vector.
        out.inputs = graph.inputs.map { GraphInput(name: $0.name, shape: [$0.size], type: $0.type) }
        for node in graph.nodes {
            let ins = node.inputs.map { shapes[$0]! }
            let x = ins[0]
            let outShape = shapes[node.name]!
            func replaced(_ op: Op, inputs: [String]? = nil, precision: LayerPrecision? = nil) -> Node {
                Node(name: node.name, op: op, inputs: inputs ?? node.inputs, precision: precision ?? node.precision,
                     sourceLayers: node.sourceLayers)
            }
            switch node.op {
            case .dense(let d) where x.count > 1 && x.last == d.inputCount && d.inputCount != Shapes.count(x):
                out.nodes.append(replaced(.linear(perPosition(d, positions: Shapes.count(x)! / d.inputCount))))
            case .batchNorm(let bn) where bn.gamma.count != Shapes.count(x):
                let n = Shapes.count(x)!, c = bn.gamma.count
                func repeated(_ v: [Double]) -> [Double] { (0..<n).map { v[$0 % c] } }
                out.nodes.append(replaced(.batchNorm(BatchNorm(gamma: repeated(bn.gamma), beta: repeated(bn.beta),
                                                               mean: repeated(bn.mean), variance: repeated(bn.variance),
                                                               epsilon: bn.epsilon))))
            case .add where ins[0] != ins[1], .subtract where ins[0] != ins[1], .multiply where ins[0] != ins[1]:
                var inputs: [String] = []
                for (i, shape) in ins.enumerated() {
                    // Shapes that differ only by leading 1s hold the same elements in the same order.
                    if Array(shape.drop(while: { $0 == 1 })) == Array(outShape.drop(while: { $0 == 1 })) {
                        inputs.append(node.inputs[i])
                        continue
                    }
                    let name = fresh("\(node.name)_broadcast\(i)")
                    out.nodes.append(Node(name: name, op: .gather(Shapes.broadcastIndices(from: shape, to: outShape)),
                                          inputs: [node.inputs[i]], sourceLayers: node.sourceLayers))
                    inputs.append(name)
                }
                out.nodes.append(replaced(node.op, inputs: inputs))
            case .concatenate(let axis) where !Shapes.isFlatConcatenation(ins):
                let a = axis < 0 ? axis + x.count : axis
                if x[..<a].allSatisfy({ $0 == 1 }) {
                    out.nodes.append(replaced(.concatenate(axis: 0)))
                } else {
                    let joined = fresh("\(node.name)_joined")
                    out.nodes.append(Node(name: joined, op: .concatenate(axis: 0), inputs: node.inputs,
                                          precision: node.precision, sourceLayers: node.sourceLayers))
                    out.nodes.append(replaced(.gather(concatenationOrder(ins, axis: a, output: outShape)),
                                              inputs: [joined], precision: LayerPrecision()))
                }
            case .conv(let c):
                var linear = convolution(c, input: x)
                if c.reuse != 1 {
                    linear.multiplex = try multiplex(c, input: x, layer: node.name, positions: linear.rows.count / max(c.filters, 1))
                }
                out.nodes.append(replaced(.linear(linear)))
            case .pool(let p):
                let (groups, counts) = poolWindows(p, input: x)
                if p.kind == .max {
                    out.nodes.append(replaced(.maximum(groups)))
                } else {
                    out.nodes.append(replaced(.linear(averages(groups, counts: counts)),
                                              precision: withMeanWeightType(node.precision, counts: counts)))
                }
            case .reduce(let r):
                let groups = reductionGroups(r, input: x)
                switch r.kind {
                case .max: out.nodes.append(replaced(.maximum(groups)))
                case .sum:
                    out.nodes.append(replaced(.linear(averages(groups, counts: groups.map { _ in 1 })),
                                              precision: withMeanWeightType(node.precision, counts: [1])))
                case .mean:
                    let counts = groups.map(\.count)
                    out.nodes.append(replaced(.linear(averages(groups, counts: counts)),
                                              precision: withMeanWeightType(node.precision, counts: counts)))
                }
            case .reshape:
                out.nodes.append(replaced(.gather(Array(0..<Shapes.count(x)!))))
            case .transpose(let perm):
                out.nodes.append(replaced(.gather(transposeOrder(x, perm: perm))))
            default:
                out.nodes.append(node)
            }
        }
        return out
    }

    /// The most terms (weight uses, group members, gathered elements) one
    /// layer may expand to: bounds the memory of the flat form
    /// (docs/hardening.md, Limits).
    public static let maxTerms = 20_000_000

    /// How many terms `node` expands to, computed without building them (saturating).
    public static func expandedTerms(_ node: Node, inputs: [[Int]], output: [Int]) -> Int {
        let x = inputs.first ?? []
        let outputs = Shapes.count(output) ?? Int.max
        func product(_ values: [Int]) -> Int {
            values.reduce(1) { a, b in let (p, o) = a.multipliedReportingOverflow(by: b); return o ? Int.max : p }
        }
        switch node.op {
        case .dense(let d): return product([outputs, d.inputCount])
        case .conv(let c): return product([outputs, c.taps, c.depthwise ? 1 : c.inputChannels])
        case .pool(let p): return product([outputs] + p.size)
        case .reduce, .reshape, .transpose: return Shapes.count(x) ?? Int.max
        case .add, .subtract, .multiply, .concatenate: return outputs
        default: return 0
        }
    }

    /// The same weights at every leading position: output `p*units + j` reads
    /// inputs `p*n ..< (p+1)*n`.
    static func perPosition(_ d: Dense, positions: Int) -> SparseLinear {
        let n = d.inputCount
        var rows: [[SparseLinear.Term]] = []
        var biasIndex: [Int] = []
        for p in 0..<positions {
            for j in 0..<d.units {
                rows.append((0..<n).map { SparseLinear.Term(input: p * n + $0, parameter: j * n + $0) })
                biasIndex.append(j)
            }
        }
        return SparseLinear(weights: d.weights.flatMap { $0 }, bias: d.bias, rows: rows, biasIndex: biasIndex)
    }

    /// Every output position (C order over the output's spatial axes).
    public static func positions(_ axes: [WindowAxis]) -> [[Int]] {
        var all: [[Int]] = [[]]
        for axis in axes { all = all.flatMap { prefix in (0..<axis.output).map { prefix + [$0] } } }
        return all
    }

    /// The input spatial indices (flat) a window reads, for each tap inside
    /// the input, with the tap's flat index.
    public static func window(_ o: [Int], axes: [WindowAxis], inputSpatial: [Int]) -> [(input: Int, tap: Int)] {
        var taps: [(input: Int, tap: Int)] = [(0, 0)]
        for (i, axis) in axes.enumerated() {
            var next: [(input: Int, tap: Int)] = []
            for (partial, tap) in taps {
                for k in 0..<axis.kernel {
                    let position = axis.position(output: o[i], tap: k)
                    guard position >= 0, position < inputSpatial[i] else { continue }
                    next.append((partial * inputSpatial[i] + position, tap * axis.kernel + k))
                }
            }
            taps = next
        }
        return taps
    }

    static func convolution(_ c: Convolution, input x: [Int]) -> SparseLinear {
        let spatial = Array(x.dropLast())
        // The shape rules have accepted this geometry.
        let axes = (try? Shapes.windows(input: spatial, kernel: c.kernel, strides: c.strides, dilations: c.dilations,
                                        padding: c.padding)) ?? []
        let cin = c.inputChannels, f = c.filters
        var rows: [[SparseLinear.Term]] = []
        var biasIndex: [Int] = []
        for o in positions(axes) {
            let taps = window(o, axes: axes, inputSpatial: spatial)
            for filter in 0..<f {
                var row: [SparseLinear.Term] = []
                for (position, tap) in taps {
                    if c.depthwise {
                        row.append(SparseLinear.Term(input: position * cin + filter, parameter: tap * cin + filter))
                    } else {
                        for channel in 0..<cin {
                            row.append(SparseLinear.Term(input: position * cin + channel, parameter: (tap * cin + channel) * f + filter))
                        }
                    }
                }
                rows.append(row)
                biasIndex.append(filter)
            }
        }
        return SparseLinear(weights: c.weights, bias: c.bias, rows: rows, biasIndex: biasIndex)
    }

    /// The convolution as one kernel over per-position windows (slot
    /// `tap * channels + channel`), for a reuse factor above 1; a reuse
    /// factor below 1 or above the output positions is an error naming the
    /// layer and `reuse`.
    static func multiplex(_ c: Convolution, input x: [Int], layer: String,
                          positions count: Int) throws(LoweringError) -> SparseLinear.Multiplex {
        guard c.reuse >= 1, c.reuse <= count else {
            throw LoweringError(layer: layer, field: "reuse",
                                message: "reuse \(c.reuse) must be between 1 and the layer's \(count) output positions")
        }
        let spatial = Array(x.dropLast())
        let axes = (try? Shapes.windows(input: spatial, kernel: c.kernel, strides: c.strides, dilations: c.dilations,
                                        padding: c.padding)) ?? []
        let cin = c.inputChannels, f = c.filters
        let windows: [[Int?]] = positions(axes).map { o in
            var slots: [Int?] = Array(repeating: nil, count: c.taps * cin)
            for (position, tap) in window(o, axes: axes, inputSpatial: spatial) {
                for channel in 0..<cin { slots[tap * cin + channel] = position * cin + channel }
            }
            return slots
        }
        let kernel: [[SparseLinear.Term]] = (0..<f).map { filter in
            (0..<c.taps).flatMap { tap -> [SparseLinear.Term] in
                c.depthwise ? [SparseLinear.Term(input: tap * cin + filter, parameter: tap * cin + filter)]
                    : (0..<cin).map { SparseLinear.Term(input: tap * cin + $0, parameter: (tap * cin + $0) * f + filter) }
            }
        }
        return SparseLinear.Multiplex(reuse: c.reuse, windows: windows, kernel: kernel)
    }

    /// Each output's input indices (one group per output position and
    /// channel) and how many there are.
    public static func poolWindows(_ p: Pooling, input x: [Int]) -> (groups: [[Int]], counts: [Int]) {
        let spatial = Array(x.dropLast()), channels = x.last!
        let axes = (try? Shapes.windows(input: spatial, kernel: p.size, strides: p.strides,
                                        dilations: p.size.map { _ in 1 }, padding: p.padding)) ?? []
        var groups: [[Int]] = []
        for o in positions(axes) {
            let taps = window(o, axes: axes, inputSpatial: spatial)
            for channel in 0..<channels { groups.append(taps.map { $0.input * channels + channel }) }
        }
        return (groups, groups.map(\.count))
    }

    /// A linear map averaging each group: one parameter `1/count` per distinct count, no bias.
    static func averages(_ groups: [[Int]], counts: [Int]) -> SparseLinear {
        let distinct = Array(Set(counts)).sorted()
        let parameter = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($0.element, $0.offset) })
        let rows = zip(groups, counts).map { group, count in group.map { SparseLinear.Term(input: $0, parameter: parameter[count]!) } }
        return SparseLinear(weights: distinct.map { 1 / Double($0) }, bias: [0], rows: rows,
                            biasIndex: groups.map { _ in 0 })
    }

    /// The weight type of an average or sum unless the layer declares one:
    /// exact for power-of-two counts (`ap_fixed<k+2,2>` holds `2^-k`),
    /// else `ap_fixed<18,2,AP_RND>` (16 fractional bits, rounded to nearest).
    /// The bias (zero) takes `ap_fixed<2,2>`.
    public static func withMeanWeightType(_ precision: LayerPrecision, counts: [Int]) -> LayerPrecision {
        var p = precision
        if p.weight == nil {
            if counts.allSatisfy({ $0 > 0 && $0 & ($0 - 1) == 0 }) {
                let k = counts.map { $0.trailingZeroBitCount }.max() ?? 0
                p.weight = .fixed(k + 2, 2)
            } else {
                p.weight = .fixed(18, 2, .rnd)
            }
        }
        if p.bias == nil { p.bias = .fixed(2, 2) }
        return p
    }

    /// For each output of a reduction (C order over the kept axes), the flat
    /// input indices it reads.
    public static func reductionGroups(_ r: Reduction, input x: [Int]) -> [[Int]] {
        let strides = Shapes.strides(x)
        let kept = x.indices.filter { !r.axes.contains($0) }
        var groups: [[Int]] = [[0]]
        for axis in kept { groups = groups.flatMap { g in (0..<x[axis]).map { i in g.map { $0 + i * strides[axis] } } } }
        for axis in r.axes {
            groups = groups.map { g in g.flatMap { base in (0..<x[axis]).map { base + $0 * strides[axis] } } }
        }
        return groups
    }

    /// Output element `i` of a transpose reads this input element.
    public static func transposeOrder(_ x: [Int], perm: [Int]) -> [Int] {
        let inStrides = Shapes.strides(x)
        let outShape = perm.map { x[$0] }
        let outStrides = Shapes.strides(outShape)
        return (0..<(Shapes.count(x) ?? 0)).map { flat in
            var index = 0
            for axis in outShape.indices { index += (flat / outStrides[axis]) % outShape[axis] * inStrides[perm[axis]] }
            return index
        }
    }

    /// Output element `i` of a concatenation on `axis` reads this element of
    /// the inputs laid end to end.
    static func concatenationOrder(_ shapes: [[Int]], axis: Int, output: [Int]) -> [Int] {
        var offsets: [Int] = [], base = 0
        for s in shapes { offsets.append(base); base += Shapes.count(s)! }
        let outStrides = Shapes.strides(output)
        return (0..<(Shapes.count(output) ?? 0)).map { flat in
            var coordinates = output.indices.map { (flat / outStrides[$0]) % output[$0] }
            var input = 0
            while coordinates[axis] >= shapes[input][axis] { coordinates[axis] -= shapes[input][axis]; input += 1 }
            let strides = Shapes.strides(shapes[input])
            return offsets[input] + zip(coordinates, strides).reduce(0) { $0 + $1.0 * $1.1 }
        }
    }
}

import Datasets
import ModelIR
import Passes

/// Max or average pooling over windows, and the global reductions (sum,
/// mean, max over axes), channels last. Each output reads a group of input
/// cells taken from the compiler's own expansion (`ExpandTensorOps.poolWindows`,
/// `reductionGroups`), so borders, `same` padding and the cells an average
/// counts are those of the compiled design.
///
/// An average and a mean multiply the group's sum by `1/n`; in QAT that
/// factor is fake-quantized to the layer's weight type, as the compiler
/// quantizes it (docs/numerics.md, "Tensors"), and the result to the result type.
public struct PoolingLayer: TrainableLayer {
    public enum Kind: Sendable, Equatable { case max, average, sum }

    public var name: String
    public let kind: Kind
    /// The compiler op this layer is (`pool` or `reduce`).
    public let op: Op
    public let inputShape: [Int]
    public let outputShape: [Int]
    /// Type of `1/n` for averages and means (QAT).
    public var weightQuantizer: FakeQuantizer?
    public var resultQuantizer: FakeQuantizer?
    /// Output `j` reads input cells `members[start[j]..<start[j+1]]`.
    let members: [Int]
    let start: [Int]

    var inputColumns = 0
    var argmax: [Int] = []
    var resultMask: [Float]?
    var usedFactors: [Float] = []

    /// A pooling layer (`.pool`) or reduction (`.reduce`) over `inputShape`;
    /// throws the compiler's ``ModelIR/ShapeError`` when the op does not fit.
    public init(name: String, op: Op, inputShape: [Int]) throws(ShapeError) {
        self.name = name
        self.op = op
        self.inputShape = inputShape
        outputShape = try Node(name: name, op: op, inputs: ["x"]).outputShape(inputShapes: [inputShape])
        let groups: [[Int]]
        switch op {
        case .pool(let p):
            kind = p.kind == .max ? .max : .average
            groups = ExpandTensorOps.poolWindows(p, input: inputShape).groups
        case .reduce(let r):
            kind = r.kind == .max ? .max : (r.kind == .mean ? .average : .sum)
            groups = ExpandTensorOps.reductionGroups(r, input: inputShape)
        default:
            throw ShapeError(layer: name, field: "type", message: "a pooling layer is a pool or a reduction")
        }
        members = groups.flatMap { $0 }
        var start = [0]
        for g in groups { start.append(start.last! + g.count) }
        self.start = start
    }

    /// The distinct group sizes (the `n` of each `1/n`).
    public var counts: [Int] { (0..<(start.count - 1)).map { start[$0 + 1] - start[$0] } }

    public func outputSize(inputSize: Int) -> Int { start.count - 1 }

    /// The factor output `j` multiplies its sum by, as the design uses it.
    func factor(_ n: Int) -> Double {
        switch kind {
        case .max: return 1
        case .sum: return weightQuantizer.map { $0.apply(1.0) } ?? 1
        case .average: return weightQuantizer.map { $0.apply(1 / Double(n)) } ?? 1 / Double(n)
        }
    }

    public mutating func forward(_ x: Matrix, training: Bool, rng: inout SeededRandom) -> Matrix {
        let outputs = start.count - 1
        var y = Matrix(rows: x.rows, columns: outputs)
        if kind == .max { argmax = [Int](repeating: 0, count: x.rows * outputs) }
        let factors = (0..<outputs).map { Float(factor(start[$0 + 1] - start[$0])) }
        for e in 0..<x.rows {
            let base = e * x.columns
            for j in 0..<outputs {
                if kind == .max {
                    var best = members[start[j]]
                    for m in members[start[j]..<start[j + 1]] where x.data[base + m] > x.data[base + best] { best = m }
                    argmax[e * outputs + j] = best
                    y.data[e * outputs + j] = x.data[base + best]
                } else {
                    var s: Float = 0
                    for m in members[start[j]..<start[j + 1]] { s += x.data[base + m] }
                    y.data[e * outputs + j] = s * factors[j]
                }
            }
        }
        if let q = resultQuantizer { resultMask = q.applyInPlace(&y.data, mask: training) } else { resultMask = nil }
        if training { inputColumns = x.columns; usedFactors = factors }
        return y
    }

    public mutating func backward(_ dy: Matrix) -> Matrix {
        let outputs = start.count - 1
        var g = dy
        if let mask = resultMask { for i in g.data.indices { g.data[i] *= mask[i] } }
        var dx = Matrix(rows: dy.rows, columns: inputColumns)
        for e in 0..<dy.rows {
            let base = e * inputColumns
            for j in 0..<outputs {
                let v = g.data[e * outputs + j]
                if kind == .max {
                    dx.data[base + argmax[e * outputs + j]] += v
                } else {
                    let d = v * usedFactors[j]
                    for m in members[start[j]..<start[j + 1]] { dx.data[base + m] += d }
                }
            }
        }
        return dx
    }

    public func inferDouble(_ x: [Double]) -> [Double] {
        var y = (0..<(start.count - 1)).map { j -> Double in
            let group = members[start[j]..<start[j + 1]]
            if kind == .max { return group.map { x[$0] }.max()! }
            // Exact: the products of codes and the factor have few bits, and so do their sums.
            return group.reduce(0.0) { $0 + x[$1] } * factor(group.count)
        }
        if let q = resultQuantizer { y = y.map { q.apply($0) } }
        return y
    }
}

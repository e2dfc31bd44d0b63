import Datasets
import ModelIR

/// Parallel branches over the same input, their outputs concatenated, as a
/// deep-sets model pools its particles by sum and by max side by side. The
/// network stays a sequence: each branch is one parameter-free layer (a
/// pooling or reduction, or a reshape); a branch with weights would need a
/// graph, which training does not build.
///
/// The concatenation follows the compiler's rules (`Node.outputShape`): along
/// the last axis when the branches' outputs have the same rank above 1, else
/// end to end. In QAT its result is fake-quantized to its result type.
public struct ConcatenateLayer: TrainableLayer {
    public var name: String
    public var branches: [any TrainableLayer]
    public let outputShape: [Int]
    public var resultQuantizer: FakeQuantizer?
    /// The branches' output shapes.
    let shapes: [[Int]]
    /// Rows of the interleaving: positions before the joined axis (1 when end to end).
    let leading: Int
    var resultMask: [Float]?

    /// Throws the compiler's ``ModelIR/ShapeError`` when the shapes do not join.
    public init(name: String, branches: [any TrainableLayer], branchShapes: [[Int]]) throws(ShapeError) {
        self.name = name
        self.branches = branches
        shapes = branchShapes
        outputShape = try Node(name: name, op: .concatenate(axis: -1), inputs: branches.map(\.name))
            .outputShape(inputShapes: branchShapes)
        leading = Shapes.isFlatConcatenation(branchShapes) ? 1 : branchShapes[0].dropLast().reduce(1, *)
    }

    public func outputSize(inputSize: Int) -> Int { outputShape.reduce(1, *) }

    /// Widths of each branch's block at one leading position.
    var blocks: [Int] { shapes.map { $0.reduce(1, *) / leading } }

    func join(_ parts: [[Float]], events: Int) -> Matrix {
        let widths = blocks, total = widths.reduce(0, +)
        var y = Matrix(rows: events, columns: total * leading)
        for e in 0..<events {
            for p in 0..<leading {
                var offset = (e * leading + p) * total
                for (b, w) in widths.enumerated() {
                    let from = (e * leading + p) * w
                    y.data.replaceSubrange(offset..<(offset + w), with: parts[b][from..<(from + w)])
                    offset += w
                }
            }
        }
        return y
    }

    public mutating func forward(_ x: Matrix, training: Bool, rng: inout SeededRandom) -> Matrix {
        let parts = branches.indices.map { branches[$0].forward(x, training: training, rng: &rng).data }
        var y = join(parts, events: x.rows)
        if let q = resultQuantizer { resultMask = q.applyInPlace(&y.data, mask: training) } else { resultMask = nil }
        return y
    }

    public mutating func backward(_ dy: Matrix) -> Matrix {
        var g = dy
        if let mask = resultMask { for i in g.data.indices { g.data[i] *= mask[i] } }
        let widths = blocks, total = widths.reduce(0, +)
        var dx: Matrix? = nil
        var offset = 0
        for (b, w) in widths.enumerated() {
            var part = Matrix(rows: dy.rows, columns: w * leading)
            for r in 0..<(dy.rows * leading) {
                part.data.replaceSubrange((r * w)..<((r + 1) * w), with: g.data[(r * total + offset)..<(r * total + offset + w)])
            }
            let d = branches[b].backward(part)
            if dx == nil { dx = d } else { for i in d.data.indices { dx!.data[i] += d.data[i] } }
            offset += w
        }
        return dx!
    }

    public func inferDouble(_ x: [Double]) -> [Double] {
        let parts = branches.map { $0.inferDouble(x) }
        let widths = blocks
        var y: [Double] = []
        for p in 0..<leading {
            for (b, w) in widths.enumerated() { y += parts[b][(p * w)..<((p + 1) * w)] }
        }
        if let q = resultQuantizer { y = y.map { q.apply($0) } }
        return y
    }
}

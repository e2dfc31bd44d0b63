import Datasets
import ModelIR
import Passes

/// Flatten or reshape: the same values in the same (C) order under a new
/// shape, so forward and backward pass the batch through unchanged. It
/// exists for the shapes of the layers after it and for the exported model.
public struct ReshapeLayer: TrainableLayer {
    public var name: String
    public let inputShape: [Int]
    public let outputShape: [Int]

    /// Throws the compiler's ``ModelIR/ShapeError`` when `shape` does not
    /// hold the input's elements.
    public init(name: String, inputShape: [Int], shape: [Int]) throws(ShapeError) {
        self.name = name
        self.inputShape = inputShape
        outputShape = try Node(name: name, op: .reshape(shape), inputs: ["x"]).outputShape(inputShapes: [inputShape])
    }

    /// A flatten: the input as a vector.
    public init(name: String, flattening inputShape: [Int]) {
        self.name = name
        self.inputShape = inputShape
        outputShape = [inputShape.reduce(1, *)]
    }

    public func outputSize(inputSize: Int) -> Int { inputSize }
    public mutating func forward(_ x: Matrix, training: Bool, rng: inout SeededRandom) -> Matrix { x }
    public mutating func backward(_ dy: Matrix) -> Matrix { dy }
    public func inferDouble(_ x: [Double]) -> [Double] { x }
}

/// A transpose (`perm` as numpy's): output element `i` is input element
/// `order[i]` (the compiler's own ``ExpandTensorOps/transposeOrder(_:perm:)``);
/// backward scatters the gradient back.
public struct TransposeLayer: TrainableLayer {
    public var name: String
    public let inputShape: [Int]
    public let perm: [Int]
    public let outputShape: [Int]
    let order: [Int]

    /// Throws the compiler's ``ModelIR/ShapeError`` when `perm` is not a permutation of the axes.
    public init(name: String, inputShape: [Int], perm: [Int]) throws(ShapeError) {
        self.name = name
        self.inputShape = inputShape
        self.perm = perm
        outputShape = try Node(name: name, op: .transpose(perm), inputs: ["x"]).outputShape(inputShapes: [inputShape])
        order = ExpandTensorOps.transposeOrder(inputShape, perm: perm)
    }

    public func outputSize(inputSize: Int) -> Int { inputSize }

    public mutating func forward(_ x: Matrix, training: Bool, rng: inout SeededRandom) -> Matrix {
        var y = x
        for e in 0..<x.rows {
            let base = e * x.columns
            for (i, source) in order.enumerated() { y.data[base + i] = x.data[base + source] }
        }
        return y
    }

    public mutating func backward(_ dy: Matrix) -> Matrix {
        var dx = dy
        for e in 0..<dy.rows {
            let base = e * dy.columns
            for (i, source) in order.enumerated() { dx.data[base + source] = dy.data[base + i] }
        }
        return dx
    }

    public func inferDouble(_ x: [Double]) -> [Double] { order.map { x[$0] } }
}

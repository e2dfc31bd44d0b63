import Datasets
import ModelIR

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

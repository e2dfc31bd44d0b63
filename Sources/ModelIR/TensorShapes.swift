/// Shape rules of every graph op: `Node.outputShape(inputShapes:)` gives a
/// node's output shape or a ``ShapeError`` naming the field at fault. The
/// model decoder, ``Graph/tensorShapes()`` and the passes all use these rules.

/// A shape that does not fit an op: the field of the layer and why.
public struct ShapeError: Error, Sendable, Equatable {
    /// The layer, when the error comes from a whole graph.
    public var layer: String?
    public var field: String
    public var message: String
    public init(layer: String? = nil, field: String, message: String) {
        self.layer = layer
        self.field = field
        self.message = message
    }
}

/// Shape arithmetic on `[Int]` (C order, no batch axis).
public enum Shapes {
    /// Element count, nil on overflow.
    public static func count(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            let (p, o) = n.multipliedReportingOverflow(by: d)
            if o { return nil }
            n = p
        }
        return n
    }

    /// C-order strides of `shape`.
    public static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var n = 1
        for i in shape.indices.reversed() {
            s[i] = n
            n *= shape[i]
        }
        return s
    }

    /// A concatenation that lays its inputs end to end (format v1): some
    /// input is a vector, or the ranks differ.
    public static func isFlatConcatenation(_ shapes: [[Int]]) -> Bool {
        shapes.contains { $0.count <= 1 } || Set(shapes.map(\.count)).count > 1
    }

    public static func text(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

    /// numpy broadcasting of two shapes, nil when they do not broadcast.
    public static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a
        let pb = [Int](repeating: 1, count: rank - b.count) + b
        var out: [Int] = []
        for (x, y) in zip(pa, pb) {
            if x == y || y == 1 { out.append(x) } else if x == 1 { out.append(y) } else { return nil }
        }
        return out
    }

    /// For each element of `target` (C order), the flat index of the element
    /// of `source` that numpy broadcasting reads.
    public static func broadcastIndices(from source: [Int], to target: [Int]) -> [Int] {
        let padded = [Int](repeating: 1, count: target.count - source.count) + source
        let sourceStrides = strides(padded)
        let targetStrides = strides(target)
        let n = count(target) ?? 0
        return (0..<n).map { flat in
            var index = 0
            for axis in target.indices {
                let coordinate = (flat / targetStrides[axis]) % target[axis]
                if padded[axis] != 1 { index += coordinate * sourceStrides[axis] }
            }
            return index
        }
    }

    /// Resolves a window op's geometry on each spatial axis.
    public static func windows(input: [Int], kernel: [Int], strides: [Int], dilations: [Int],
                               padding: Padding) throws(ShapeError) -> [WindowAxis] {
        guard strides.count == kernel.count else { throw ShapeError(field: "strides", message: "expected \(kernel.count) values, got \(strides.count)") }
        guard dilations.count == kernel.count else { throw ShapeError(field: "dilation", message: "expected \(kernel.count) values, got \(dilations.count)") }
        var axes: [WindowAxis] = []
        for i in kernel.indices {
            guard kernel[i] >= 1 else { throw ShapeError(field: "kernel", message: "sizes must be at least 1, got \(kernel[i])") }
            guard strides[i] >= 1 else { throw ShapeError(field: "strides", message: "a stride must be at least 1, got \(strides[i])") }
            guard dilations[i] >= 1 else { throw ShapeError(field: "dilation", message: "a dilation must be at least 1, got \(dilations[i])") }
            guard kernel[i] <= 4096, strides[i] <= 4096, dilations[i] <= 4096 else {
                throw ShapeError(field: "kernel", message: "kernel, stride and dilation are limited to 4096")
            }
            let span = (kernel[i] - 1) * dilations[i] + 1
            let n = input[i]
            var before = 0, after = 0
            switch padding {
            case .valid: break
            case .same:
                let out = (n + strides[i] - 1) / strides[i]
                let total = max((out - 1) * strides[i] + span - n, 0)
                before = total / 2
                after = total - before
            case .explicit(let b, let a):
                guard b.count == kernel.count, a.count == kernel.count else {
                    throw ShapeError(field: "padding", message: "expected \(kernel.count) values before and after, got \(b.count) and \(a.count)")
                }
                guard b[i] >= 0, a[i] >= 0, b[i] < span, a[i] < span else {
                    throw ShapeError(field: "padding", message: "padding on axis \(i) must be from 0 to the kernel's span - 1 (\(span - 1)), got \(b[i]) and \(a[i])")
                }
                before = b[i]
                after = a[i]
            }
            let padded = n + before + after
            guard span <= padded else {
                throw ShapeError(field: "kernel", message: "the kernel spans \(span) on spatial axis \(i), larger than its padded input (\(padded))")
            }
            axes.append(WindowAxis(input: n, kernel: kernel[i], stride: strides[i], dilation: dilations[i],
                                   padBefore: before, output: (padded - span) / strides[i] + 1))
        }
        return axes
    }
}

extension Node {
    /// This node's output shape for its input shapes.
    public func outputShape(inputShapes s: [[Int]]) throws(ShapeError) -> [Int] {
        let x = s.first ?? []
        let n = Shapes.count(x) ?? 0
        switch op {
        case .dense(let d):
            if let last = x.last, last == d.inputCount { return x.dropLast() + [d.units] }
            guard n == d.inputCount else {
                throw ShapeError(field: "weights", message: "dense reads the last axis of its input \(Shapes.text(x)), but its weights have \(d.inputCount) inputs")
            }
            return [d.units]
        case .batchNorm(let bn):
            guard bn.gamma.count == n || bn.gamma.count == x.last else {
                throw ShapeError(field: "gamma", message: "expected one value per channel (\(x.last ?? 0)) or per element (\(n)), got \(bn.gamma.count)")
            }
            return x
        case .activation(.softmax):
            guard n == x.last ?? n else {
                throw ShapeError(field: "input", message: "softmax is over a vector; its input has shape \(Shapes.text(x)) (flatten it first)")
            }
            return x
        case .activation:
            return x
        case .add, .subtract, .multiply:
            guard s.count == 2, let out = Shapes.broadcast(s[0], s[1]) else {
                throw ShapeError(field: "inputs", message: "shapes \(s.map(Shapes.text).joined(separator: " and ")) do not broadcast (numpy rules)")
            }
            return out
        case .concatenate(let axis):
            if Shapes.isFlatConcatenation(s) { return [s.reduce(0) { $0 + (Shapes.count($1) ?? 0) }] }
            let rank = x.count
            let a = axis < 0 ? axis + rank : axis
            guard a >= 0, a < rank else { throw ShapeError(field: "axis", message: "axis \(axis) is out of range for rank \(rank)") }
            var total = 0
            for (i, shape) in s.enumerated() {
                guard shape.count == rank,
                      shape.indices.allSatisfy({ $0 == a || shape[$0] == x[$0] }) else {
                    throw ShapeError(field: "inputs", message: "input \(i) has shape \(Shapes.text(shape)); all but axis \(a) must equal \(Shapes.text(x))")
                }
                total += shape[a]
            }
            var out = x
            out[a] = total
            return out
        case .sum:
            return [1]
        case .forest(let f):
            return [f.classCount]
        case .conv(let c):
            guard x.count == c.kernel.count + 1 else {
                throw ShapeError(field: "kernel", message: "a \(c.kernel.count)D convolution reads [spatial..., channels] (rank \(c.kernel.count + 1)); the input has shape \(Shapes.text(x))")
            }
            guard x.last == c.inputChannels else {
                throw ShapeError(field: "weights", message: "the kernel reads \(c.inputChannels) channels, the input has \(x.last ?? 0)")
            }
            guard c.weights.count == c.weightCount else { throw ShapeError(field: "weights", message: "expected \(c.weightCount) values, got \(c.weights.count)") }
            guard c.bias.count == c.filters else { throw ShapeError(field: "bias", message: "expected \(c.filters) values, got \(c.bias.count)") }
            guard !c.depthwise || c.filters == c.inputChannels else {
                throw ShapeError(field: "filters", message: "a depthwise convolution has one filter per channel (\(c.inputChannels))")
            }
            let axes = try Shapes.windows(input: Array(x.dropLast()), kernel: c.kernel, strides: c.strides,
                                          dilations: c.dilations, padding: c.padding)
            return axes.map(\.output) + [c.filters]
        case .pool(let p):
            guard x.count == p.size.count + 1 else {
                throw ShapeError(field: "pool_size", message: "a \(p.size.count)D pooling reads [spatial..., channels]; the input has shape \(Shapes.text(x))")
            }
            let axes = try Shapes.windows(input: Array(x.dropLast()), kernel: p.size, strides: p.strides,
                                          dilations: p.size.map { _ in 1 }, padding: p.padding)
            return axes.map(\.output) + [x.last!]
        case .reduce(let r):
            guard !r.axes.isEmpty, r.axes.allSatisfy({ $0 >= 0 && $0 < x.count }), r.axes == Array(Set(r.axes)).sorted() else {
                throw ShapeError(field: "axes", message: "axes \(r.axes) must be distinct axes of the input shape \(Shapes.text(x))")
            }
            let kept = x.indices.filter { !r.axes.contains($0) }.map { x[$0] }
            return kept.isEmpty ? [1] : kept
        case .reshape(let target):
            guard target.allSatisfy({ $0 >= 1 }), Shapes.count(target) == n else {
                throw ShapeError(field: "shape", message: "\(Shapes.text(target)) does not hold the \(n) elements of \(Shapes.text(x))")
            }
            return target
        case .transpose(let perm):
            guard perm.sorted() == Array(0..<x.count) else {
                throw ShapeError(field: "perm", message: "\(perm) is not a permutation of the \(x.count) axes of \(Shapes.text(x))")
            }
            return perm.map { x[$0] }
        case .linear(let l):
            return [l.units]
        case .maximum(let groups):
            return [groups.count]
        case .gather(let indices):
            return [indices.count]
        case .threshold(let t):
            if let p = t.problem(shape: x) { throw ShapeError(field: p.field, message: p.message) }
            return x
        }
    }
}

extension Graph {
    /// The shape of every tensor, by name; a ``ShapeError`` names the layer
    /// where the rules fail.
    public func tensorShapes() throws(ShapeError) -> [String: [Int]] {
        var shapes: [String: [Int]] = [:]
        for input in inputs { shapes[input.name] = input.shape }
        for node in nodes {
            var ins: [[Int]] = []
            for name in node.inputs {
                guard let s = shapes[name] else { throw ShapeError(layer: node.name, field: "input", message: "'\(name)' is not defined before this layer") }
                ins.append(s)
            }
            do { shapes[node.name] = try node.outputShape(inputShapes: ins) } catch {
                throw ShapeError(layer: node.name, field: error.field, message: error.message)
            }
        }
        return shapes
    }
}

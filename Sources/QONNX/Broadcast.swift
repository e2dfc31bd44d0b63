/// Element counts of ONNX shapes, in checked arithmetic: a hostile file can
/// declare dimensions whose product overflows `Int`.
enum Shape {
    /// The number of elements of a tensor of shape `dims`, or nil when a
    /// dimension is negative or the product overflows.
    static func elements(_ dims: [Int]) -> Int? {
        var n = 1
        for d in dims {
            guard d >= 0 else { return nil }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            n = p
        }
        return n
    }
}

/// Numpy broadcasting of shapes (ONNX's multidirectional broadcasting).
enum Broadcast {
    static func shape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        let pa = Array(repeating: 1, count: rank - a.count) + a
        let pb = Array(repeating: 1, count: rank - b.count) + b
        var out: [Int] = []
        for (x, y) in zip(pa, pb) {
            if x == y || y == 1 { out.append(x) } else if x == 1 { out.append(y) } else { return nil }
        }
        return out
    }

    /// `values` (of shape `dims`) repeated to the row-major layout of `target`,
    /// which `dims` must broadcast to. Only for tensors the caller has
    /// bounded (a parameter broadcast to a computed tensor's shape).
    static func expand(_ values: [Double], dims: [Int], to target: [Int]) -> [Double] {
        let view = BroadcastView(values, dims: dims, to: target)
        if view.isIdentity { return values }
        return [Double](unsafeUninitializedCapacity: view.count) { out, initialized in
            for i in 0..<view.count { out[i] = view[i] }
            initialized = view.count
        }
    }

    /// The row-major transpose of `values` (shape `dims`) by `perm`.
    static func transpose(_ values: [Double], dims: [Int], perm: [Int]) -> (dims: [Int], values: [Double]) {
        let rank = dims.count
        let outDims = perm.map { dims[$0] }
        var inStrides = Array(repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { inStrides[d] = inStrides[d + 1] * dims[d + 1] }
        var out = [Double](repeating: 0, count: values.count)
        var index = Array(repeating: 0, count: rank)
        for i in 0..<values.count {
            var offset = 0
            for d in 0..<rank { offset += index[d] * inStrides[perm[d]] }
            out[i] = values[offset]
            var d = rank - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < outDims[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return (outDims, out)
    }
}

/// A tensor read as if broadcast to a larger shape, without copying it:
/// element `i` of the row-major `target` layout.
struct BroadcastView {
    let values: [Double]
    let target: [Int]
    /// Per target axis, the step in `values` (0 along a broadcast axis).
    let strides: [Int]
    /// Elements of `target` (the caller has checked that it does not overflow).
    let count: Int
    /// `values` already has the target's layout.
    let isIdentity: Bool

    init(_ values: [Double], dims: [Int], to target: [Int]) {
        let rank = target.count
        // A parameter of higher rank ([1, 1, 4] read as [4]): the callers
        // checked that it broadcasts to `target`'s element count, so its
        // extra leading axes are 1s (a negative repeat count would trap).
        let source = dims.count > rank ? Array(dims.suffix(rank)) : dims
        let padded = Array(repeating: 1, count: rank - source.count) + source
        var strides = Array(repeating: 0, count: rank)
        var s = 1
        for d in stride(from: rank - 1, through: 0, by: -1) {
            strides[d] = padded[d] == 1 ? 0 : s
            s *= padded[d]
        }
        self.values = values
        self.target = target
        self.strides = strides
        self.count = target.reduce(1, *)
        self.isIdentity = padded == target
    }

    subscript(i: Int) -> Double {
        if isIdentity { return values[i] }
        if values.count == 1 { return values[0] }
        var rest = i, offset = 0
        for d in stride(from: target.count - 1, through: 0, by: -1) {
            offset += (rest % target[d]) * strides[d]
            rest /= target[d]
        }
        return values[offset]
    }
}

import ModelIR

/// Layouts: ONNX convolutions and pools read NCHW (NCW); the graph IR's are
/// channels-last. Each computed tensor records how its graph IR tensor lays
/// out the ONNX tensor (``DynamicTensor/layout``), and data moves only where
/// an operator needs another order: a `transpose` node before the first
/// convolution (the model input is the ONNX input flattened in its own
/// layout), and back before a `Flatten`, `Reshape`, `MatMul` or any other
/// operator that reads the ONNX order. Element-wise operators keep the
/// layout; an ONNX `Transpose` only changes it.
extension GraphImporter {
    /// The axes of `d.dims` in the order the graph IR tensor holds them.
    func order(_ d: DynamicTensor) -> [Int] { d.layout ?? Array(d.dims.indices) }

    /// The axes of `d.dims` other than the batch axis, in ONNX order.
    func eventAxes(_ d: DynamicTensor) -> [Int] { d.dims.indices.filter { $0 != d.batchAxis } }

    /// Whether two orders of `dims`' axes lay the elements out the same way
    /// (axes of size 1 do not move data).
    static func sameData(_ dims: [Int], _ a: [Int], _ b: [Int]) -> Bool {
        a.filter { dims[$0] != 1 } == b.filter { dims[$0] != 1 }
    }

    /// Whether the graph IR tensor of `d` holds the elements in ONNX order.
    func isCanonical(_ d: DynamicTensor) -> Bool {
        Self.sameData(d.dims, order(d), Array(d.dims.indices))
    }

    /// Per-element values given in ONNX C order over `d.dims`, in the order
    /// of `d`'s graph IR tensor (pending factors, per-channel parameters).
    func inIROrder(_ values: [Double], _ d: DynamicTensor) -> [Double] {
        guard !isCanonical(d), values.count == d.count else { return values }
        return Broadcast.transpose(values, dims: d.dims, perm: order(d)).values
    }

    /// A graph IR tensor holding `d` transposed to `axes` (distinct axes of
    /// `d.dims`; those left out must have size 1), with shape
    /// `axes.map { d.dims[$0] }`: the tensor itself when it already is
    /// that, else `reshape` and `transpose` nodes (each made once per tensor).
    mutating func view(_ d: DynamicTensor, axes: [Int], source: Onnx_NodeProto) throws(QONNXError) -> String {
        let dims = d.dims
        precondition(Set(axes).count == axes.count && dims.indices.allSatisfy { axes.contains($0) || dims[$0] == 1 })
        let target = axes.map { dims[$0] }
        let current = order(d)
        let shape = irShapes[d.tensor] ?? []
        if Self.sameData(dims, current, axes) && shape == target { return d.tensor }
        // Only the axes longer than 1 move: the data is `fromShape` transposed by `perm`.
        let from = current.filter { dims[$0] != 1 }, to = axes.filter { dims[$0] != 1 }
        let fromShape = from.map { dims[$0] }, perm = to.map { from.firstIndex(of: $0)! }
        // Keyed by what is computed, not by the ONNX tensor: the same graph IR
        // tensor can stand for several (x and a Transpose of it).
        let key = [d.tensor, Shapes.text(fromShape), Shapes.text(perm), Shapes.text(target)].joined(separator: "\u{0}")
        if let done = views[key] { return done }
        var t = d.tensor
        if from != to {
            if irShapes[t] != fromShape {
                t = try emit(d.tensor + "_r", .reshape(fromShape), inputs: [t], precision: LayerPrecision(), absorbable: false, source: source)
            }
            t = try emit(d.tensor + "_t", .transpose(perm), inputs: [t], precision: LayerPrecision(), absorbable: false, source: source)
        }
        if irShapes[t] != target {
            t = try emit(d.tensor + "_r", .reshape(target.isEmpty ? [1] : target), inputs: [t], precision: LayerPrecision(),
                         absorbable: false, source: source)
        }
        views[key] = t
        return t
    }

    /// `d` in ONNX order, its graph IR shape the ONNX shape without the
    /// batch axis (pending factors reordered with it).
    mutating func canonical(_ d: DynamicTensor, source: Onnx_NodeProto) throws(QONNXError) -> DynamicTensor {
        var out = d
        out.tensor = try view(d, axes: eventAxes(d), source: source)
        if let p = d.pending, !isCanonical(d) {
            // p is laid out as dims permuted by order(d): move it back.
            let current = order(d)
            let back = d.dims.indices.map { current.firstIndex(of: $0)! }
            out.pending = Broadcast.transpose(p, dims: current.map { d.dims[$0] }, perm: back).values
        }
        out.layout = nil
        return out
    }

    /// `d` in ONNX order when it is not (its graph IR tensor is left as it is otherwise).
    mutating func inONNXOrder(_ d: DynamicTensor, source: Onnx_NodeProto) throws(QONNXError) -> DynamicTensor {
        isCanonical(d) ? { var e = d; e.layout = nil; return e }() : try canonical(d, source: source)
    }

    /// A pending factor that is the same for every element, or nil; a
    /// pending factor that varies is applied first (exactly, or refused).
    mutating func uniformPending(_ x: inout DynamicTensor, _ node: Onnx_NodeProto) throws(QONNXError) -> Double? {
        guard let p = x.pending else { return nil }
        if p.allSatisfy({ $0 == p[0] }) {
            x.pending = nil
            return p[0]
        }
        x = try materialize(x, reader: "", source: node)
        return nil
    }
}

extension GraphImporter {
    /// `d` in ONNX order as a graph IR vector (rank at most 1): what the
    /// operators over a flat feature vector read (Softmax, Concat end to end).
    mutating func flat(_ d: DynamicTensor, source: Onnx_NodeProto) throws(QONNXError) -> DynamicTensor {
        var e = try inONNXOrder(d, source: source)
        if (irShapes[e.tensor]?.count ?? 0) > 1 {
            let key = e.tensor + "\u{0}flat"
            if let done = views[key] { e.tensor = done } else {
                let t = try emit(e.tensor + "_r", .reshape([e.count]), inputs: [e.tensor], precision: LayerPrecision(),
                                 absorbable: false, source: source)
                views[key] = t
                e.tensor = t
            }
        }
        return e
    }
}

import FixedPoint
import Foundation
import ModelIR
import Passes

/// Where the float operators after an integer accumulator start a float
/// chain (FloatChain.swift) instead of an exact fixed-point node: when the
/// executor's float32 result of the operator is not exact over the whole
/// range of its input (a bias of arbitrary float32 value, a batch
/// normalisation, a division), or when the input already carries a chain.
extension GraphImporter {
    /// The mantissa bits of the element type the executor computes in.
    var mantissaBits: Int { elementIsDouble ? 53 : 24 }

    /// Whether every value `pending[i] · w` with `w` in `range` is exact in
    /// the executor's element type (its significand fits).
    func holdsExactly(_ range: ValueRange, pending: [Double]?) -> Bool {
        let magnitude = max(range.lo.magnitude, range.hi.magnitude)
        let bits = 128 - magnitude.leadingZeroBitCount
        let scaleBits = (pending ?? [1]).map(Self.significantBits).max() ?? 1
        return scaleBits + bits <= mantissaBits
    }

    /// `x` with `step` (from `node`) applied after its chain, started here if `x` has none.
    func chained(_ x: DynamicTensor, _ step: FloatChain.Step, _ node: Onnx_NodeProto) -> DynamicTensor {
        var y = x
        var chain = x.chain ?? FloatChain()
        chain.steps.append(step)
        y.chain = chain
        y.chainSources = (x.chain == nil ? [] : x.chainSources) + [Self.label(node)]
        // soleUse stays the base tensor's: a layer read by two chains must not be rewritten for one of them.
        return y
    }

    /// The float32 (or float64) parameters the executor's BatchNormalization
    /// uses: `y = x · a + b` with `a = scale · (1 / sqrt(var + eps))` and
    /// `b = B − mean · a`, each operation rounded (onnxruntime's CPU kernel;
    /// checked against it bit for bit).
    func batchNormFactors(scale: Double, bias: Double, mean: Double, variance: Double, epsilon: Double) -> (a: Double, b: Double) {
        if elementIsDouble {
            let inv = 1 / (variance + epsilon).squareRoot()
            let a = inv * scale
            return (a, bias - mean * a)
        }
        let inv = Float(1) / (Float(variance) + Float(epsilon)).squareRoot()
        let a = inv * Float(scale)
        return (Double(a), Double(Float(bias) - Float(mean) * a))
    }

    /// `Div` by a constant: a power-of-two divisor is an exact scale (as `Mul`
    /// by its inverse); any other divisor starts or extends a float chain.
    mutating func importDiv(_ node: Onnx_NodeProto) throws(QONNXError) {
        guard case .dynamic(var x) = try value(node, 0, "A", allowChain: true) else {
            throw error(node, "A", "only a computed tensor divided by a constant is supported (fold constant divisions before export)")
        }
        guard case .constant(let c) = try value(node, 1, "B") else {
            throw error(node, "B", "only division by a constant is supported (the divisor is computed from the model inputs)")
        }
        guard let full = Broadcast.shape(x.dims, c.dims), Shape.elements(full) == x.count else {
            throw error(node, "B", "the divisor of shape \(c.dims) would broadcast the input \(x.dims) to more elements; a divisor per element or per channel is supported")
        }
        let values = inIROrder(try broadcast(c, to: x.dims, node, "B"), x)
        if let i = values.firstIndex(where: { $0 == 0 || !$0.isFinite }) {
            throw error(node, "B", "divisor element \(i) is \(values[i]); the result would not be finite")
        }
        x.dims = Broadcast.shape(x.dims, c.dims) ?? x.dims
        if x.chain == nil, values.allSatisfy({ ExactTypes.isPowerOfTwo(abs($0)) }) {
            // x / 2^k is x · 2^-k exactly: a pending factor like Mul's.
            let factors = x.pending ?? Array(repeating: 1, count: x.count)
            x.pending = zip(factors, values).map { $0 / $1 }
            try define(node, .dynamic(x))
            return
        }
        try define(node, .dynamic(chained(x, .divide(values), node)))
    }

    /// `Relu` of a tensor with a chain, or of one scaled by a negative pending factor.
    func reluChain(_ x: DynamicTensor) -> Bool {
        x.chain != nil || (x.pending?.contains { !($0 > 0) } ?? false)
    }
}

extension GraphImporter {
    /// The chain step for `Add`/`Sub`/`Mul` of `x` with per-element
    /// constants `c`, or nil when the existing exact path computes what the
    /// executor computes (a scale that multiplies exactly into the pending
    /// factor; a shift whose sum with every value of `x` is exact in float32).
    func floatStep(_ node: Onnx_NodeProto, _ x: DynamicTensor, _ c: [Double], constantFirst: Bool) throws(QONNXError) -> FloatChain.Step? {
        let op = node.opType
        let step: FloatChain.Step
        switch op {
        case "Mul": step = .multiply(c)
        case "Sub" where constantFirst: step = .subtractFrom(c)
        case "Sub": step = .add(c.map { -$0 })
        default: step = .add(c)
        }
        if let i = c.firstIndex(where: { !$0.isFinite }) {
            throw error(node, constantFirst ? "A" : "B", "constant element \(i) is \(c[i]); it must be finite")
        }
        if x.chain != nil { return step }
        let pending = x.pending ?? Array(repeating: 1, count: x.count)
        if op == "Mul" {
            // The executor rounds p·v·c to its element type: a pending factor only while every product is exact.
            let range = ValueRange(of: x.type)
            let exact = zip(pending, c).allSatisfy { p, k in
                ExactTypes.exactProduct(p, k).map { $0 != 0 && holdsExactly(range, pending: [$0]) } ?? false
            }
            return exact ? nil : step
        }
        // x ± c = p·(v ± c/p): exact when c/p is exact and every sum fits the significand.
        var shifts: [Double] = []
        for (p, t) in zip(pending, c) {
            guard let q = p == 1 ? t : ExactTypes.exactQuotient(t, p) else { return step }
            shifts.append(q)
        }
        guard let sr = ExactTypes.range(of: shifts) else { return step }
        let xr = ValueRange(of: x.type)
        let sum = op == "Sub" && constantFirst ? sr - xr : xr + (op == "Sub" ? ValueRange(lo: -sr.hi, hi: -sr.lo, fractionBits: sr.fractionBits) : sr)
        return holdsExactly(sum, pending: x.pending) ? nil : step
    }
}

extension GraphImporter {
    /// A graph output that carries a float chain: the chain, with its pending
    /// factor as a first step, applied to the design's output values. The
    /// exact value `pending · value` must be exact in the element type, the
    /// chain finite over the output's range, and the tensor in ONNX order.
    func outputChain(_ d: inout DynamicTensor, _ label: String) throws(QONNXError) -> OutputChain {
        guard var chain = d.chain else { preconditionFailure("outputChain needs a chain") }
        let fail = { (message: String) in QONNXError(file: file, node: label, message: message) }
        if d.slack != nil {
            throw fail("is the float32 sum of \(d.sumSource ?? "a layer") over rounded float-scaled values\(d.chainSources.isEmpty ? "" : " (then \(d.chainSources.joined(separator: ", ")))"), whose order of summation the executor does not fix: its float bits cannot be reproduced exactly; end the graph with a Quant (its codes are compiled exactly, docs/import-export.md, \"Float sums\")")
        }
        if let layout = d.layout, layout != Array(layout.indices) {
            throw fail("the float chain \(d.chainSources.joined(separator: ", ")) is on a tensor the design holds in another layout; reshape it before its first float operator")
        }
        if let (k, i, v) = chain.badConstant() {
            throw fail("the float chain's \(d.chainSources[k]) has constant \(v) at element \(i): the result is not finite")
        }
        if let pending = d.pending {
            guard holdsExactly(ValueRange(of: d.type), pending: pending) else {
                throw fail("the \(d.type.width)-bit values times the scale \(pending.first ?? 1) are not exact in \(elementIsDouble ? "float64" : "float32"); the executor rounds them")
            }
            chain.steps.insert(.multiply(pending), at: 0)
            d.pending = nil
        }
        for i in 0..<d.count {
            for end in [d.type.minRaw, d.type.maxRaw] {
                let x = Double(sign: end < 0 ? .minus : .plus, exponent: -d.type.fractionBits, significand: Double(end.magnitude))
                if chain.trace(x, element: i, double: elementIsDouble).contains(where: { !$0.value.isFinite }) {
                    throw fail("the float chain \(d.chainSources.joined(separator: ", ")) is not finite for element \(i) at the output's \(end < 0 ? "minimum" : "maximum")")
                }
            }
        }
        d.chain = nil
        return OutputChain(chain: chain, double: elementIsDouble)
    }
}

extension GraphImporter {
    /// `d`'s tensor, or a copy (a linear node of the same type) when another
    /// output already names it: each output has its own chain or none.
    mutating func ownOutput(_ d: DynamicTensor, taken: Bool, _ label: String) throws(QONNXError) -> String {
        guard taken else { return d.tensor }
        let source = Onnx_NodeProto.with { $0.name = d.tensor + "_out"; $0.opType = "output" }
        return try emit(d.tensor + "_out", .activation(.linear), inputs: [d.tensor], precision: LayerPrecision(result: d.type),
                        absorbable: false, source: source)
    }
}

extension GraphImporter {
    /// Whether `acc + C` is exact in the element type for every accumulator
    /// value (then the bias folds into the layer); false also when `C` is
    /// not a multiple of the pending scale. onnxruntime's Gemm adds `C` to
    /// the finished sum once for a short inner dimension (at most 128 here),
    /// so otherwise the bias is one chain step.
    func gemmBiasIsExact(_ c: [Double], rows: [[Double]], input: FixedType, pending: [Double]?) -> Bool {
        var unscaled: [Double] = []
        for (j, v) in c.enumerated() {
            guard let p = pending?[j] else { unscaled.append(v); continue }
            guard let q = ExactTypes.exactQuotient(v, p) else { return false }
            unscaled.append(q)
        }
        guard let range = ExactTypes.denseRange(weights: rows, bias: unscaled, input: input) else { return false }
        return holdsExactly(range, pending: pending)
    }
}

extension GraphImporter {
    /// `Clip` (torch's ReLU6 and Hardtanh): `min(max(x, lo), hi)` as
    /// onnxruntime computes it, two chain steps (either bound may be absent).
    /// The bounds are constant inputs (opset 11+) or attributes (earlier).
    mutating func importClip(_ node: Onnx_NodeProto) throws(QONNXError) {
        let x = try dynamic(node, 0, "input", allowChain: true)
        func bound(_ index: Int, _ name: String) throws(QONNXError) -> Double? {
            if opset < 11 { return try floatAttribute(node, name) }
            guard hasInput(node, index) else { return nil }
            let c = try constant(node, index, name)
            guard let v = c.scalar else { throw error(node, name, "\(name) must be one value, got shape \(c.dims)") }
            guard v.isFinite else { throw error(node, name, "\(name) is \(v); it must be finite") }
            return v
        }
        var y = x
        if let lo = try bound(1, "min") { y = chained(y, .maximum(Array(repeating: lo, count: x.count)), node) }
        if let hi = try bound(2, "max") { y = chained(y, .minimum(Array(repeating: hi, count: x.count)), node) }
        guard y.chain != nil else { return try define(node, .dynamic(x)) }
        // One label per node: the two steps name the same Clip.
        try define(node, .dynamic(y))
    }
}

import FixedPoint
import Foundation
import ModelIR

/// Float32 sums the design cannot reproduce bit for bit (issue 26): a
/// `MatMul`, `Gemm` or `Conv` whose inputs are a float-scale `Quant`'s
/// float32 outputs `fl(code · s)` and whose weights are `fl(code_w · s_w)`
/// (Brevitas's defaults). The executor sums those products in float32 in
/// an order of its own (onnxruntime's kernels: blocked, with or without
/// FMA), so its result is not a function of the integer codes. The design
/// computes the exact integer accumulator `acc = Σ code · code_w` and takes
/// `p · acc (+ C)` as the nominal value, `p = s · s_w`; the executor's value
/// lies within `δ` of it, whatever its order:
///
///     |fl(Σ a_k b_k) − Σ a_k b_k| ≤ γ_n · Σ |a_k b_k|,  γ_n = n·u / (1 − n·u)
///
/// (any order, FMA or not; n the number of terms, `u` the unit roundoff),
/// with `a_k = x_k (1 + ε_k)`, `b_k = w_k (1 + η_k)`, `|ε_k| ≤ e_x`,
/// `|η_k| ≤ e_w` the roundings of `fl(code · s)` (0 where the product is
/// exact). So `δ = ((1 + γ_n)(1 + e_x)(1 + e_w) − 1) · T` (plus `n` times
/// the smallest subnormal, for underflow), with `T` the
/// largest `Σ |x_k w_k|` (+ `|C|`) over the input's range. The `Quant` that
/// reads the sum (FloatScaleQuant.swift) puts its thresholds on the nominal
/// value and counts the accumulator values within `δ` of a threshold: only
/// there may the executor's code differ (FloatSumNote).
extension GraphImporter {
    /// The unit roundoff of the executor's element type.
    var unitRoundoff: Double { elementIsDouble ? 0x1p-53 : 0x1p-24 }

    /// Input `i` of a linear layer: a computed tensor, or a float-scale
    /// `Quant`'s float32 output (a chain of one `multiply`) taken as its codes
    /// with the scale pending, and the relative error of its values (0 when exact).
    func linearInput(_ node: Onnx_NodeProto, _ i: Int, _ what: String) throws(QONNXError) -> (DynamicTensor, error: Double) {
        var d = try dynamic(node, i, what, allowChain: true)
        guard let chain = d.chain else { return (d, 0) }
        guard d.slack == nil, d.pending == nil, chain.steps.count == 1, case .multiply(let s) = chain.steps[0],
              s.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw chainRefusal(node, i, what, d)
        }
        d.chain = nil
        d.chainSources = []
        d.pending = s
        // The Quant's output is float32 (also in DOUBLE models).
        return (d, 0x1p-24)
    }

    /// The relative error of the executor's weight values `fl(code · s)`
    /// against `code · s` (0 when every product is exact).
    func weightError(_ w: ConstantTensor) -> Double {
        guard let f = w.factored else { return 0 }
        for (i, v) in w.values.enumerated() {
            let p = f.codes[i] * f.scales[i]
            if (-p).addingProduct(f.codes[i], f.scales[i]) != 0 || v != p { return elementIsDouble ? 0x1p-53 : 0x1p-24 }
        }
        return 0
    }

    /// `δ_j` for each output of a layer with `rows[j]` (weights in units of
    /// `outScale[j]`, the pending factor of output j) over inputs of `type`,
    /// `terms` products per output plus `constants[j]` added in the sum.
    func sumSlack(rows: [[Double]], input type: FixedType, outScale: [Double], constants: [Double]?,
                  inputError: Double, weightError: Double) -> [Double] {
        let lsb = Double(sign: .plus, exponent: -type.fractionBits, significand: 1)
        let m = Double(max(type.minRaw.magnitude, type.maxRaw.magnitude)) * lsb
        return rows.enumerated().map { j, row in
            let c = constants?[j] ?? 0
            let n = Double(row.count + (c != 0 ? 1 : 0))
            let u = unitRoundoff
            let gamma = n * u / (1 - n * u)
            let total = row.reduce(0) { $0 + abs($1) } * m * abs(outScale[j]) + abs(c)
            let factor = (1 + gamma) * (1 + inputError) * (1 + weightError) - 1
            // Inflated for the rounding of this computation itself; plus the absolute error of
            // products and sums that underflow (at most half the smallest subnormal each).
            let underflow = n * (elementIsDouble ? 0x1p-1074 : 0x1p-149)
            return factor * total * (1 + 0x1p-30) + underflow
        }
    }
}

extension GraphImporter {
    /// `body` (a data movement or a maximum: `node`) applied to the codes of
    /// a float-scale `Quant`'s float32 output `fl(code · s)` with one scale
    /// `s > 0` for the whole tensor, the scale step re-attached to the result:
    /// moving elements does not change them, and `fl(· s)` is monotone, so
    /// the maximum of the values is the value of the maximum code. Any other
    /// chain is refused as ``value(_:_:_:allowChain:)`` refuses it.
    mutating func movingScaleChain(_ node: Onnx_NodeProto, _ body: (inout GraphImporter) throws(QONNXError) -> Void) throws(QONNXError) {
        guard case .dynamic(let d) = try value(node, 0, "input", allowChain: true), let chain = d.chain else {
            return try body(&self)
        }
        guard d.slack == nil, d.pending == nil, chain.steps.count == 1, case .multiply(let s) = chain.steps[0],
              let s0 = s.first, s0 > 0, s0.isFinite, s.allSatisfy({ $0 == s0 }) else {
            throw chainRefusal(node, 0, "input", d)
        }
        let key = node.input[0]
        var codes = d
        codes.chain = nil
        codes.chainSources = []
        values[key] = .dynamic(codes)
        do { try body(&self) } catch {
            values[key] = .dynamic(d)
            throw error
        }
        values[key] = .dynamic(d)
        guard let out = node.output.first, case .dynamic(var y) = values[out] else { return }
        y.chain = FloatChain(steps: [.multiply(Array(repeating: s0, count: y.count))])
        y.chainSources = d.chainSources
        values[out] = .dynamic(y)
    }
}

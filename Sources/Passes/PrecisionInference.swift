import FixedPoint
import ModelIR

/// Chooses the types a model leaves open (docs/model-format.md, "Precision"):
/// pure functions from value ranges to types, used by ``Lower``.
public enum PrecisionInference {
    /// The narrowest type with `fractionBits` fractional bits that holds
    /// `range` without overflow, with the modes of `modes`. Fails beyond 64 bits.
    public static func holding(_ range: ValueRange, fractionBits: Int, modes: FixedType,
                               layer: String, field: String) throws(LoweringError) -> FixedType {
        let (signed, width) = range.bitsNeeded(fractionBits: fractionBits)
        let integerBits = width - fractionBits
        do {
            return try FixedType(signed: signed, width: width, integerBits: integerBits,
                                 quantization: modes.quantization, overflow: modes.overflow)
        } catch {
            throw LoweringError(layer: layer, field: field,
                                message: "no type of at most 64 bits holds the range [\(range.loValue.doubleValue), \(range.hiValue.doubleValue)] with \(fractionBits) fractional bits (\(error)); declare this type in the layer's precision")
        }
    }

    /// An accumulator that holds every product and the sum exactly:
    /// the finest binary point of the products and bias, and integer bits
    /// for the widest output range. Always signed and wrapping.
    public static func exactAccumulator(sumRange: ValueRange, layer: String) throws(LoweringError) -> FixedType {
        let (_, width) = sumRange.bitsNeeded(fractionBits: sumRange.fractionBits)
        let signedWidth = sumRange.lo < 0 ? width : width + 1
        do {
            return try FixedType(signed: true, width: signedWidth, integerBits: signedWidth - sumRange.fractionBits)
        } catch {
            throw LoweringError(layer: layer, field: "precision.accumulator",
                                message: "no type of at most 64 bits holds the exact sums (\(signedWidth) bits with \(sumRange.fractionBits) fractional bits: \(error)): declare an accumulator type, or narrower weight/input types")
        }
    }

    /// Whether an undeclared intermediate result keeps its exact type (the
    /// accumulator type of a dense or scale layer) instead of the default
    /// result type: yes when it is not a model output and its one reader is
    /// an element-wise piecewise-linear activation (ReLU, LeakyReLU, linear).
    /// Such an activation computes its result exactly from the exact value,
    /// so the activation's own result type is the only rounding between the
    /// sum and the next declared type; a rounded intermediate would add a
    /// second one that no declared type asks for. A threshold reader (the
    /// quantized activations of FINN and Brevitas models) compares the exact
    /// sum with its thresholds, so it keeps the exact type as well.
    public static func keepsExactType(readers: [Op], isModelOutput: Bool) -> Bool {
        if readers.count == 1, !isModelOutput, case .threshold = readers[0] { return true }
        guard readers.count == 1, !isModelOutput, case .activation(let a) = readers[0] else { return false }
        switch a {
        case .relu, .leakyReLU, .linear: return true
        case .sigmoid, .tanh, .softmax: return false
        }
    }

    /// The type that holds every value of each of `types` (for concatenate).
    public static func join(_ types: [FixedType], layer: String) throws(LoweringError) -> FixedType {
        let signed = types.contains { $0.isSigned }
        let fraction = types.map(\.fractionBits).max()!
        let magnitude = types.map { $0.integerBits - ($0.isSigned ? 1 : 0) }.max()!
        let integerBits = magnitude + (signed ? 1 : 0)
        do {
            return try FixedType(signed: signed, width: integerBits + fraction, integerBits: integerBits)
        } catch {
            throw LoweringError(layer: layer, field: "precision.result",
                                message: "no common type of at most 64 bits holds all inputs; declare the result type")
        }
    }

    /// Default result of a sigmoid: `ap_ufixed<W,0,AP_RND,AP_SAT>`.
    public static func sigmoidResult(width: Int) -> FixedType {
        try! FixedType(signed: false, width: min(width, 63), integerBits: 0, quantization: .rnd, overflow: .sat)
    }

    /// Default result of a tanh: `ap_fixed<W,1,AP_RND,AP_SAT>`.
    public static func tanhResult(width: Int) -> FixedType {
        try! FixedType(signed: true, width: max(width, 2), integerBits: 1, quantization: .rnd, overflow: .sat)
    }

    /// Default softmax output, exp table and reciprocal table type:
    /// `ap_ufixed<W,1,AP_RND,AP_SAT>` (values in [0, 2)).
    public static func unitIntervalType(width: Int) -> FixedType {
        try! FixedType(signed: false, width: min(max(width, 2), 63), integerBits: 1, quantization: .rnd, overflow: .sat)
    }

    /// Default LeakyReLU slope type: `ap_ufixed<18,0,AP_RND>` (slopes are in [0, 1)).
    public static let alphaType = try! FixedType(signed: false, width: 18, integerBits: 0, quantization: .rnd)
}

import FixedPoint

/// Fake quantization: a real value is replaced by the real value of the
/// fixed-point code it becomes on assignment to `type`, using the numerics
/// module's exact Vitis rounding and overflow (``FixedType/quantize(_:)-(Double)``).
///
/// In the backward pass gradients go straight through (the straight-through
/// estimator), except where a saturating type clips: there the output does
/// not depend on the input and the gradient is zero.
public struct FakeQuantizer: Sendable, Equatable {
    public var type: FixedType

    public init(_ type: FixedType) { self.type = type }

    /// The quantized real value (exact: the code times the LSB).
    @inlinable
    public func apply(_ v: Double) -> Double {
        type.value(ofRaw: type.quantize(v))
    }

    /// Float version for training. Exact: a code of at most 24 significant
    /// bits times a power of two is a Float, and `Double(v)` is exact.
    @inlinable
    public func apply(_ v: Float) -> Float {
        Float(type.value(ofRaw: type.quantize(Double(v))))
    }

    /// Whether the straight-through gradient passes at pre-quantization value `v`.
    @inlinable
    public func passesGradient(_ v: Float) -> Bool {
        switch type.overflow {
        case .wrap, .wrapSM: return true
        default: return Double(v) >= type.minValue && Double(v) <= type.maxValue
        }
    }

    /// Quantizes every element of `values` in place, returning the STE mask
    /// (1 where the gradient passes) when `mask` is asked for.
    func applyInPlace(_ values: inout [Float], mask: Bool) -> [Float]? {
        var m: [Float]? = mask ? [Float](repeating: 1, count: values.count) : nil
        for i in values.indices {
            let v = values[i]
            if mask, !passesGradient(v) { m![i] = 0 }
            values[i] = apply(v)
        }
        return m
    }
}

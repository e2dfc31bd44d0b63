import FixedPoint
import ModelIR

/// Turns a float split `x < t` (or `x <= t`) into a comparison on the raw
/// codes of the input type that takes the same branch for every code
/// (docs/numerics.md, "Forests").
///
/// The float forest converts the input value to its ``ThresholdPrecision``
/// (round to nearest, ties to even, as `numpy.float32(x)` and XGBoost's
/// `DMatrix` do) and compares it with the threshold converted the same way.
/// Rounding is monotone, so the codes that go left are a prefix of the
/// code range: the split is `code < c` for the first code `c` that goes
/// right, found by binary search on the exact predicate.
public enum ForestThresholds {
    /// What a split becomes on the codes of one input type.
    public enum Outcome: Equatable, Sendable {
        /// Every code goes left.
        case alwaysLeft
        /// Every code goes right.
        case alwaysRight
        /// `code < c` goes left, with `minRaw < c <= maxRaw`.
        case lessThan(Int64)
    }

    /// The integer form of the split `threshold` for inputs of `type`.
    public static func integerSplit(threshold: Double, decision: ForestDecision, precision: ThresholdPrecision,
                                    type: FixedType) -> Outcome {
        let goesLeft = predicate(threshold: threshold, decision: decision, precision: precision, type: type)
        if !goesLeft(type.minRaw) { return .alwaysRight }
        if goesLeft(type.maxRaw) { return .alwaysLeft }
        // Invariant: goesLeft(lo), !goesLeft(hi).
        var lo = type.minRaw, hi = type.maxRaw
        // The span of a 64-bit type does not fit Int64: halve it unsigned.
        while UInt64(bitPattern: hi &- lo) > 1 {
            let mid = lo &+ Int64(bitPattern: UInt64(bitPattern: hi &- lo) / 2)
            if goesLeft(mid) { lo = mid } else { hi = mid }
        }
        return .lessThan(hi)
    }

    /// Whether the float forest sends the input with raw code `k` of `type` left.
    public static func predicate(threshold: Double, decision: ForestDecision, precision: ThresholdPrecision,
                                 type: FixedType) -> (Int64) -> Bool {
        let f = type.fractionBits
        switch precision {
        case .float32:
            let t = Float(threshold)
            switch decision {
            case .lessThan: return { float32(raw: $0, fractionBits: f) < t }
            case .lessOrEqual: return { float32(raw: $0, fractionBits: f) <= t }
            }
        case .float64:
            switch decision {
            case .lessThan: return { compareExact(raw: $0, fractionBits: f, threshold) < 0 }
            case .lessOrEqual: return { compareExact(raw: $0, fractionBits: f, threshold) <= 0 }
            }
        }
    }

    /// `k · 2^-f` rounded once to float32 (nearest, ties to even; overflow to infinity).
    public static func float32(raw k: Int64, fractionBits f: Int) -> Float {
        if k.magnitude <= 1 << 53 {
            // Exact in Double (|f| <= 192 keeps it normal), then one rounding.
            return Float(Double(sign: .plus, exponent: -f, significand: Double(k)))
        }
        // |value| >= 2^53 · 2^-128 is normal in float32: rounding the integer
        // first and scaling by a power of two is the same single rounding.
        return Float(sign: .plus, exponent: -f, significand: Float(k))
    }

    /// The sign of `k · 2^-f − t`, exactly.
    public static func compareExact(raw k: Int64, fractionBits f: Int, _ t: Double) -> Int {
        let v = Double(sign: .plus, exponent: -f, significand: Double(k))
        if v < t { return -1 }
        if v > t { return 1 }
        if k.magnitude <= 1 << 53 { return 0 }
        // v was rounded; t equals it, so t · 2^f is an integer (t's ulp is at least 2^-f).
        let scaled = Int128(Double(sign: .plus, exponent: f, significand: t))
        let kk = Int128(k)
        return kk < scaled ? -1 : kk > scaled ? 1 : 0
    }
}

/// How a value with more fractional bits than its destination is rounded
/// (the `Q` parameter of `ap_fixed<W,I,Q,O,N>`).
public enum QuantizationMode: String, CaseIterable, Sendable, Hashable, Codable {
    /// Truncate toward minus infinity (drop the extra bits). The Vitis default.
    case trn = "AP_TRN"
    /// Truncate toward zero.
    case trnZero = "AP_TRN_ZERO"
    /// Round to nearest; a tie goes toward plus infinity.
    case rnd = "AP_RND"
    /// Round to nearest; a tie goes toward zero.
    case rndZero = "AP_RND_ZERO"
    /// Round to nearest; a tie goes away from zero.
    case rndInf = "AP_RND_INF"
    /// Round to nearest; a tie goes toward minus infinity.
    case rndMinInf = "AP_RND_MIN_INF"
    /// Round to nearest; a tie goes to the even neighbour (convergent rounding).
    case rndConv = "AP_RND_CONV"

    /// Parses `AP_RND_CONV` or `RND_CONV` (case-insensitive).
    public init?(name: String) {
        let upper = name.uppercased()
        let full = upper.hasPrefix("AP_") ? upper : "AP_" + upper
        self.init(rawValue: full)
    }
}

/// What happens when a value does not fit the destination's integer range
/// (the `O` parameter of `ap_fixed<W,I,Q,O,N>`).
public enum OverflowMode: String, CaseIterable, Sendable, Hashable, Codable {
    /// Keep the low bits (two's-complement wrap). The Vitis default.
    case wrap = "AP_WRAP"
    /// Clamp to the largest or smallest representable value.
    case sat = "AP_SAT"
    /// Replace an overflowing value by zero.
    case satZero = "AP_SAT_ZERO"
    /// Clamp symmetrically: the most negative code is never produced (signed
    /// types with W > 1; for W = 1 the headers' symmetric minimum is -1 itself).
    case satSym = "AP_SAT_SYM"
    /// Sign-magnitude wrap. The ap_types headers refuse `ap_ufixed` with this
    /// mode (they exit at construction); here an unsigned type saturates.
    case wrapSM = "AP_WRAP_SM"

    /// Parses `AP_SAT` or `SAT` (case-insensitive).
    public init?(name: String) {
        let upper = name.uppercased()
        let full = upper.hasPrefix("AP_") ? upper : "AP_" + upper
        self.init(rawValue: full)
    }
}

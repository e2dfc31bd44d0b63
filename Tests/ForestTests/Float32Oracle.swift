import FixedPoint
import ModelIR

/// An independent statement of the float forest's comparison, for the tests:
/// the exact value `k · 2^-f` rounded to float32 by integer arithmetic
/// (round to nearest, ties to even, subnormals included), then compared with
/// the float32 threshold in Double, where both are exact.
enum Float32Oracle {
    /// `k · 2^-f` rounded to float32, as an exact Double (or ±infinity).
    static func rounded(_ k: Int64, fractionBits f: Int) -> Double {
        if k == 0 { return 0 }
        let a = UInt128(k.magnitude)
        let bitLength = 128 - a.leadingZeroBitCount
        let leading = bitLength - 1 - f            // exponent of the leading bit
        let quantum = max(leading - 23, -149)      // exponent of float32's last kept bit
        let shift = -f - quantum                   // in units of 2^quantum the value is a · 2^shift
        var q: UInt128
        if shift >= 0 {
            q = a << shift
        } else {
            let drop = -shift
            if drop >= 128 { q = 0 } else {
                q = a >> drop
                let rest = a & ((UInt128(1) << drop) - 1)
                let half = UInt128(1) << (drop - 1)
                if rest > half || (rest == half && q & 1 == 1) { q += 1 }
            }
        }
        let magnitude = Double(sign: .plus, exponent: quantum, significand: Double(q))
        let largest = Double(Float.greatestFiniteMagnitude)
        let result = magnitude > largest ? Double.infinity : magnitude
        return k < 0 ? -result : result
    }

    static func goesLeft(_ k: Int64, type: FixedType, threshold: Double, decision: ForestDecision,
                         precision: ThresholdPrecision) -> Bool {
        switch precision {
        case .float32:
            let x = rounded(k, fractionBits: type.fractionBits), t = Double(Float(threshold))
            return decision == .lessThan ? x < t : x <= t
        case .float64:
            // Exact for the codes of at most 53 bits these tests give it.
            precondition(k.magnitude <= 1 << 53)
            let a = Double(sign: .plus, exponent: -type.fractionBits, significand: Double(k)), b = threshold
            return decision == .lessThan ? a < b : a <= b
        }
    }
}

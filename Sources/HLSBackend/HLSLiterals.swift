import FixedPoint

/// C++ literals that convert exactly to a fixed-point type.
///
/// A raw code `r` of a type with `F` fractional bits is the dyadic rational
/// `r * 2^-F`, which has a finite decimal expansion. When `r` has at most 53
/// significant bits that decimal is exactly a double, and `ap_fixed(double)`
/// is exact for every value the type holds, so the literal gives back `r`
/// bit for bit. Wider codes are split into two such halves whose exact sum
/// is assigned to the type.
enum HLSLiterals {
    /// A literal for `raw` in `type`, spelled with `typeName` when the value
    /// needs the two-part form.
    static func literal(_ raw: Int64, of type: FixedType, typeName: String) -> String {
        if fitsDouble(raw) { return decimal(raw, fractionBits: type.fractionBits) }
        let low = raw & 0xFFFF_FFFF
        let high = raw - low
        return "\(typeName)(\(typeName)(\(decimal(high, fractionBits: type.fractionBits))) + \(typeName)(\(decimal(low, fractionBits: type.fractionBits))))"
    }

    /// Whether `raw` has at most 53 significant bits (so `raw * 2^k` is a double).
    static func fitsDouble(_ raw: Int64) -> Bool {
        if raw == 0 { return true }
        let m = raw.magnitude
        return (m >> m.trailingZeroBitCount) < (UInt64(1) << 53)
    }

    /// The exact decimal of `raw * 2^-fractionBits`, always with a decimal
    /// point so that C++ reads it as a double: `-0.1875`, `3.0`.
    static func decimal(_ raw: Int64, fractionBits f: Int) -> String {
        if raw == 0 { return "0.0" }
        var digits = BigDecimalDigits(raw.magnitude)
        var fractionDigits = 0
        if f > 0 {
            // r / 2^f = r * 5^f / 10^f
            for _ in 0..<f { digits.multiply(by: 5) }
            fractionDigits = f
        } else {
            for _ in 0..<(-f) { digits.multiply(by: 2) }
        }
        var text = digits.string
        if text.count <= fractionDigits {
            text = String(repeating: "0", count: fractionDigits - text.count + 1) + text
        }
        var integerPart = String(text.dropLast(fractionDigits))
        var fractionPart = String(text.suffix(fractionDigits))
        while fractionPart.hasSuffix("0") { fractionPart.removeLast() }
        if integerPart.isEmpty { integerPart = "0" }
        if fractionPart.isEmpty { fractionPart = "0" }
        return (raw < 0 ? "-" : "") + integerPart + "." + fractionPart
    }
}

/// A non-negative integer as base-10^9 limbs, least significant first: just
/// enough arithmetic for exact decimals of dyadic rationals.
struct BigDecimalDigits {
    private var limbs: [UInt64]
    private static let base: UInt64 = 1_000_000_000

    init(_ value: UInt64) {
        limbs = []
        var v = value
        repeat {
            limbs.append(v % Self.base)
            v /= Self.base
        } while v > 0
    }

    mutating func multiply(by k: UInt64) {
        var carry: UInt64 = 0
        for i in limbs.indices {
            let p = limbs[i] * k + carry
            limbs[i] = p % Self.base
            carry = p / Self.base
        }
        while carry > 0 {
            limbs.append(carry % Self.base)
            carry /= Self.base
        }
    }

    var string: String {
        var s = String(limbs.last!)
        for limb in limbs.dropLast().reversed() {
            let part = String(limb)
            s += String(repeating: "0", count: 9 - part.count) + part
        }
        return s
    }
}

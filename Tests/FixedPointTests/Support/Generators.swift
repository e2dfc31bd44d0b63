import FixedPoint
import PropertyBased

/// Random inputs for the property tests.
enum Generators {
    /// Any valid type: W from 1 to 64 (63 unsigned), I from well below 0 to
    /// well above W, every Q and O, N from 0 to 2 (clamped to W).
    static let fixedType = zip(
        Gen.bool, Gen.int(in: 1...64), Gen.int(in: -20...20),
        Gen<QuantizationMode>.case, Gen<OverflowMode>.case, Gen.int(in: 0...2)
    ).map { p -> FixedType in
        let (s, w, offset, q, o, n) = p
        // Vitis has no unsigned AP_WRAP_SM.
        let signed = s || o == .wrapSM
        let width = signed ? w : min(w, 63)
        // I spreads around W/2: negative, inside and beyond W all occur.
        let i = min(max(width / 2 + offset * max(1, width / 8), -64), 128)
        return try! FixedType(signed: signed, width: width, integerBits: i,
                              quantization: q, overflow: o, saturationBits: min(n, width))
    }

    /// A uniformly random 128-bit pattern, shifted right by a random amount
    /// so that every magnitude from tiny to huge occurs.
    static let wideRaw = zip(Gen.int64(in: .min ... .max), Gen.uint64(in: .min ... .max), Gen.int(in: 0...126))
        .map { p -> Int128 in
            (Int128(p.0) << 64 | Int128(p.1)) >> p.2
        }

    /// An exact value with between 30 fraction bits fewer and 90 more than
    /// most types have: overflowing, in range and far below one LSB.
    static let exactValue = zip(wideRaw, Gen.int(in: -30...150))
        .map { raw, f in ExactValue(raw: raw, fractionBits: f) }

    /// Any finite double: random sign, exponent and significand.
    static let finiteDouble = zip(Gen.bool, Gen.int(in: 0...2046), Gen.uint64(in: 0...((1 << 52) - 1)))
        .map { p in
            Double(sign: p.0 ? .minus : .plus, exponentBitPattern: UInt(p.1), significandBitPattern: p.2)
        }
}

extension FixedType {
    /// Maps a uniformly random Int64 onto this type's raw range.
    func rawCode(from bits: Int64) -> Int64 {
        isSigned ? bits >> (64 - width) : Int64(bitPattern: UInt64(bitPattern: bits) >> (64 - width))
    }
}

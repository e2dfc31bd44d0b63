/// Assignment of an exact value to a declared type: quantization (Q) first,
/// then overflow handling (O, N), as `ap_fixed` assignment does in Vitis HLS.
extension FixedType {
    /// The raw code that `value` becomes when assigned to this type.
    public func quantize(_ value: ExactValue) -> Int64 {
        fitRange(roundToLSB(value))
    }

    /// Float-to-fixed conversion with this type's Q and O modes. NaN and
    /// infinities have no fixed-point value; callers reject them at the
    /// boundary, and this returns 0 for them rather than trapping.
    public func quantize(_ value: Double) -> Int64 {
        guard let exact = ExactValue(value) else { return 0 }
        return quantize(exact)
    }

    /// Whether assigning `value` needs overflow handling: after rounding it
    /// lies outside this type's range (or, for AP_SAT_SYM, on its most
    /// negative code), so that the O mode changes it (AP_SAT clips, AP_WRAP
    /// wraps). False for NaN and infinities, which have no fixed-point value.
    public func overflows(_ value: Double) -> Bool {
        guard let exact = ExactValue(value) else { return false }
        let r = roundToLSB(exact).value
        if overflow == .satSym && isSigned && r == Int128(minRaw) { return true }
        return r > Int128(maxRaw) || r < Int128(minRaw)
    }

    /// Converts a raw code of `source` to this type. An identical source
    /// type is a plain copy, as in C++; any other source type is converted,
    /// so AP_SAT_SYM moves the most negative code even from the same format.
    @inlinable
    public func quantize(raw: Int64, from source: FixedType) -> Int64 {
        if source == self { return raw }
        if source.fractionBits == fractionBits && contains(source)
            && !(overflow == .satSym && isSigned && raw == minRaw) {
            return raw
        }
        return quantize(ExactValue(raw, of: source))
    }

    /// A value in units of this type's LSB, before overflow handling.
    struct Rounded {
        /// `floor(value / LSB)`: the source bits as `ap_fixed` aligns them
        /// before adding the rounding increment.
        var floor: Int128
        /// The value after quantization (`floor` or `floor + 1`).
        var value: Int128
    }

    /// The integer (in units of this type's LSB) that `value` rounds to,
    /// before any overflow handling. Large left shifts are replaced by a
    /// representative that keeps the sign, the low 70 bits and the fact of
    /// overflowing, which is all that overflow handling reads.
    func roundToLSB(_ value: ExactValue) -> Rounded {
        var raw = value.raw
        var shift = value.fractionBits - fractionBits
        if raw == 0 { return Rounded(floor: 0, value: 0) }
        if shift <= 0 {
            let left = -shift
            let bits = 128 - raw.magnitude.leadingZeroBitCount
            if bits + left <= 120 { return Rounded(floor: raw << left, value: raw << left) }
            let low70 = Int128(truncatingIfNeeded: UInt128(truncatingIfNeeded: raw) << min(left, 127)) & ((Int128(1) << 70) - 1)
            let representative = raw < 0 ? low70 - (Int128(1) << 110) : low70 + (Int128(1) << 110)
            return Rounded(floor: representative, value: representative)
        }
        // Very large right shifts: pre-shift keeping a sticky bit, which
        // preserves floor, "remainder is zero" and the comparison with half.
        if shift > 100 {
            let k = shift - 100
            let q: Int128 = k >= 127 ? (raw < 0 ? -1 : 0) : raw >> k
            let sticky: Int128 = k >= 127 ? 1 : ((q << k) != raw ? 1 : 0)
            raw = (q << 1) | sticky
            shift = 101
        }
        let q = raw >> shift
        let rem = raw - (q << shift)
        let half = Int128(1) << (shift - 1)
        let negative = value.raw < 0
        let up: Bool
        switch quantization {
        case .trn: up = false
        case .trnZero: up = negative && rem != 0
        case .rnd: up = rem >= half
        case .rndZero: up = rem > half || (rem == half && negative)
        case .rndInf: up = rem > half || (rem == half && !negative)
        case .rndMinInf: up = rem > half
        case .rndConv: up = rem > half || (rem == half && (q & 1) == 1)
        }
        return Rounded(floor: q, value: up ? q + 1 : q)
    }

    /// Overflow handling of an already-rounded value, following
    /// `ap_fixed_base::overflow_adjust` in the open ap_types headers.
    func fitRange(_ rounded: Rounded) -> Int64 {
        let r = rounded.value
        let minR = Int128(minRaw), maxR = Int128(maxRaw)
        let over = r > maxR
        var under = r < minR
        if overflow == .satSym && isSigned && r == minR { under = true }
        if !over && !under { return Int64(r) }

        let mask: UInt64 = width == 64 ? ~0 : (UInt64(1) << width) - 1
        var bits = UInt64(truncatingIfNeeded: r) & mask
        let msb = width - 1
        // The headers' `neg_src`: the source is negative and did not round
        // up to zero; a negative value never rounds above zero.
        let sign = r < 0
        func setBit(_ i: Int, _ on: Bool) { bits = on ? bits | (UInt64(1) << i) : bits & ~(UInt64(1) << i) }
        func setRange(_ lo: Int, _ hi: Int, _ on: Bool) {
            guard lo <= hi else { return }
            for i in lo...hi { setBit(i, on) }
        }
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }

        switch (overflow, isSigned) {
        case (.wrap, _):
            if saturationBits > 0 {
                if isSigned {
                    setBit(msb, sign)
                    if saturationBits > 1 { setRange(width - saturationBits, width - 2, !sign) }
                } else {
                    setRange(width - saturationBits, width - 1, true)
                }
            }
        case (.satZero, _):
            bits = 0
        case (.wrapSM, true):
            let ro = bit(msb)
            if saturationBits == 0 {
                // `lD` is the first source bit above the destination, read
                // before the rounding increment: a carry out of the W bits
                // does not reach it.
                let lD = (rounded.floor >> width) & 1 == 1
                if lD != ro { bits = ~bits & mask; setBit(msb, lD) }
            } else {
                if saturationBits == 1 && sign != ro {
                    bits = ~bits & mask
                } else if saturationBits > 1 {
                    if bit(width - saturationBits) == sign { bits = ~bits & mask }
                    setRange(width - saturationBits, width - 2, !sign)
                }
                setBit(msb, sign)
            }
        default: // AP_SAT, AP_SAT_SYM, and unsigned AP_WRAP_SM
            if over { return maxRaw }
            guard overflow == .satSym && isSigned else { return minRaw }
            // The headers build the symmetric minimum as the pattern
            // 100...0 | 1, which for W = 1 is the single bit 1, i.e. -1.
            return width == 1 ? minRaw : minRaw + 1
        }
        return rawFromBits(bits)
    }

    /// Interprets a W-bit pattern as this type's raw code.
    @inlinable
    public func rawFromBits(_ bits: UInt64) -> Int64 {
        if !isSigned || width == 64 { return Int64(bitPattern: bits) }
        let shift = 64 - width
        return Int64(bitPattern: bits << shift) >> shift
    }

    /// The W-bit two's-complement pattern of a raw code.
    @inlinable
    public func bits(ofRaw raw: Int64) -> UInt64 {
        let mask: UInt64 = width == 64 ? ~0 : (UInt64(1) << width) - 1
        return UInt64(bitPattern: raw) & mask
    }
}

extension FixedType {
    /// Assignment of the value `raw * 2^-fractionBits` to this type: the same
    /// result as ``quantize(_:)-(ExactValue)``, with a fast path for the common
    /// cases of the reference's inner loops (no rounding needed, or plain
    /// truncation, and no overflow).
    @inlinable
    public func quantize(_ raw: Int64, fractionBits f: Int) -> Int64 {
        let shift = f - fractionBits
        if shift <= 0 {
            if shift > -62 {
                let r = raw << -shift
                if r >> -shift == raw, r >= minRaw, r <= maxRaw, !(overflow == .satSym && isSigned && r == minRaw) {
                    return r
                }
            }
        } else if quantization == .trn && shift < 63 {
            let r = raw >> shift
            if r >= minRaw, r <= maxRaw, !(overflow == .satSym && isSigned && r == minRaw) { return r }
        }
        return quantize(ExactValue(raw: Int128(raw), fractionBits: f))
    }
}

import FixedPoint

/// Assignment of integer codes with `fraction` fractional bits to a type,
/// prepared once per op for the batched loops: the same result as
/// ``FixedType/quantize(_:)-(ExactValue)``, in plain 64-bit arithmetic that
/// the compiler vectorizes when it is exact.
///
/// The fast form covers truncation and round-half-up (AP_TRN, AP_RND) with
/// saturation (AP_SAT, AP_SAT_SYM) or plain wrapping (AP_WRAP, N = 0), when
/// the shifted codes cannot overflow 64 bits; every other case goes value by
/// value through the exact `Int128` path.
struct Requantizer: Sendable {
    enum Fit: Sendable {
        case clamp(lo: Int64, hi: Int64)
        /// Keep the low W bits, sign-extended: `(r << s) >> s` with `s = 64 - W`.
        case wrapSigned(shift: Int64)
        case wrapUnsigned(mask: Int64)
    }

    let output: FixedType
    let fraction: Int
    /// `fraction - output.fractionBits`: a right shift when positive.
    let shift: Int
    /// Added before a right shift: half an output LSB for AP_RND.
    let increment: Int64
    /// Nil when the fast form is not exact for these types.
    let fit: Fit?

    /// `inputBits`: the codes fed in are signed integers of at most this many bits.
    init(from fraction: Int, inputBits: Int, to output: FixedType) {
        self.output = output
        self.fraction = fraction
        shift = fraction - output.fractionBits
        let rounding = output.quantization == .trn || output.quantization == .rnd || shift <= 0
        let room = shift > 0 ? inputBits <= 62 && shift < 62 : inputBits - shift <= 63
        increment = output.quantization == .rnd && shift > 0 ? Int64(1) << (shift - 1) : 0
        fit = rounding && room ? Self.fit(output) : nil
    }

    /// The overflow handling of `type` on an already rounded code, when it
    /// is a clamp or a plain wrap.
    static func fit(_ type: FixedType) -> Fit? {
        switch type.overflow {
        case .sat:
            return .clamp(lo: type.minRaw, hi: type.maxRaw)
        case .satSym:
            // The symmetric minimum, as `ap_fixed` builds it (W = 1 keeps -1).
            let symmetric = type.isSigned && type.width > 1
            return .clamp(lo: symmetric ? type.minRaw + 1 : type.minRaw, hi: type.maxRaw)
        case .wrap where type.saturationBits == 0:
            return type.isSigned ? .wrapSigned(shift: Int64(64 - type.width))
                                 : .wrapUnsigned(mask: type.width == 64 ? -1 : (Int64(1) << type.width) - 1)
        default:
            return nil
        }
    }

    /// Codes of `type` stored in signed 64-bit lanes occupy this many bits.
    static func bits(_ type: FixedType) -> Int { type.width + (type.isSigned ? 0 : 1) }

    /// One code.
    @inline(__always)
    func apply(_ v: Int64) -> Int64 {
        guard let fit else { return output.quantize(ExactValue(raw: Int128(v), fractionBits: fraction)) }
        let r = shift > 0 ? (v &+ increment) &>> shift : v &<< -shift
        switch fit {
        case let .clamp(lo, hi): return min(max(r, lo), hi)
        case let .wrapSigned(s): return (r &<< s) &>> s
        case let .wrapUnsigned(mask): return r & mask
        }
    }

    /// `count` codes in place; each pass is a simple loop over the lanes.
    func apply(_ p: UnsafeMutablePointer<Int64>, count n: Int) {
        guard let fit else {
            for i in 0..<n { p[i] = output.quantize(ExactValue(raw: Int128(p[i]), fractionBits: fraction)) }
            return
        }
        if shift > 0 {
            let s = Int64(shift), inc = increment
            for i in 0..<n { p[i] = (p[i] &+ inc) &>> s }
        } else if shift < 0 {
            let s = Int64(-shift)
            for i in 0..<n { p[i] = p[i] &<< s }
        }
        switch fit {
        case let .clamp(lo, hi):
            for i in 0..<n { p[i] = min(max(p[i], lo), hi) }
        case let .wrapSigned(s):
            if s > 0 { for i in 0..<n { p[i] = (p[i] &<< s) &>> s } }
        case let .wrapUnsigned(mask):
            for i in 0..<n { p[i] = p[i] & mask }
        }
    }
}

/// Real inputs to raw codes of the input type, as
/// ``FixedType/quantize(_:)-(Double)`` gives them: scaling by `2^F` is
/// exact in Double, so the rounding is a `floor` and a comparison of the
/// exact fraction with one half; values far out of range, or so small
/// that the scaling would lose bits, take the exact path.
struct InputQuantizer: Sendable {
    let type: FixedType
    let scale: Double
    /// Whether the fast form applies (AP_TRN or AP_RND; a clamp or a plain wrap).
    let fast: Bool
    let round: Bool
    /// The clamp (`lo...hi`), or for a wrap the sign-extension shift or the mask.
    let lo: Int64, hi: Int64
    let wrapShift: Int64
    let wrapMask: Int64
    let clamps: Bool

    init(_ type: FixedType) {
        self.type = type
        scale = Double(sign: .plus, exponent: type.fractionBits, significand: 1)
        round = type.quantization == .rnd
        let fit = type.quantization == .trn || type.quantization == .rnd ? Requantizer.fit(type) : nil
        fast = fit != nil
        switch fit {
        case let .clamp(l, h)?: (lo, hi, wrapShift, wrapMask, clamps) = (l, h, 0, -1, true)
        case let .wrapSigned(s)?: (lo, hi, wrapShift, wrapMask, clamps) = (.min, .max, s, -1, false)
        case let .wrapUnsigned(m)?: (lo, hi, wrapShift, wrapMask, clamps) = (.min, .max, 0, m, false)
        case nil: (lo, hi, wrapShift, wrapMask, clamps) = (.min, .max, 0, -1, false)
        }
    }

    /// Codes of `size` values a row for `n` rows of `width` values (from
    /// `values`), element `i` of row `e` going to `lanes[i * stride + e]`:
    /// the modes are looked at once, outside the loops.
    func codes(_ values: UnsafePointer<Double>, width: Int, size: Int, rows n: Int,
               into lanes: UnsafeMutablePointer<Int64>, stride: Int) {
        guard fast, clamps else {
            for e in 0..<n { for i in 0..<size { lanes[i * stride + e] = code(values[e * width + i]) } }
            return
        }
        // A fraction is below 1: with `half` = 1, AP_TRN never rounds up.
        let s = scale, lo = lo, hi = hi, half = round ? 0.5 : 1.0
        for e in 0..<n {
            let row = values + e * width
            for i in 0..<size {
                let v = row[i], x = v * s
                if abs(x) < 0x1p51, abs(x) >= Double.leastNormalMagnitude || v == 0 {
                    var r = Int64(x)
                    r &-= Double(r) > x ? 1 : 0
                    r &+= x - Double(r) >= half ? 1 : 0
                    lanes[i * stride + e] = min(max(r, lo), hi)
                } else {
                    lanes[i * stride + e] = type.quantize(v)
                }
            }
        }
    }

    @inline(__always)
    func code(_ v: Double) -> Int64 {
        let x = v * scale
        guard fast, abs(x) < 0x1p51, abs(x) >= Double.leastNormalMagnitude || v == 0 else { return type.quantize(v) }
        // floor(x) by truncation (one instruction on every x86-64; `rounded(.down)`
        // is a library call without SSE4.1); the fraction x - floor(x) is exact.
        var r = Int64(x)
        r &-= Double(r) > x ? 1 : 0
        r &+= round && x - Double(r) >= 0.5 ? 1 : 0
        if clamps { return min(max(r, lo), hi) }
        return ((r &<< wrapShift) &>> wrapShift) & wrapMask
    }
}

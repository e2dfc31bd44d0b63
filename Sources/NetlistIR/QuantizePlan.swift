import FixedPoint

/// What the logic of an assignment to a fixed-point type must do, decided
/// from the source's exact interval and scale and the target type (the
/// hardware form of ``FixedType/quantize(_:)-(ExactValue)``): how many bits
/// are dropped, whether rounding can add one, and which overflow checks can
/// ever fire.
public struct QuantizePlan: Sendable {
    /// Fraction bits dropped (> 0: rounding), or bits appended (< 0).
    public let dropped: Int
    /// The rounding mode can add one to the truncated value for some source.
    public let roundsUp: Bool
    /// The rounded integer's range, before overflow handling.
    public let rounded: Interval
    /// When the truncated value is incremented (nil: never).
    public let roundUp: RoundingCondition?
    /// Values above the maximum, or below the minimum (at or below it for
    /// AP_SAT_SYM), can occur.
    public let canOverflow: Bool
    public let canUnderflow: Bool

    public var overflowChecked: Bool { canOverflow || canUnderflow }

    public init(source: Interval, scale: Int, type: FixedType) {
        let d = -scale - type.fractionBits
        dropped = d
        let w = source.width
        if d <= 0 {
            roundUp = nil
            rounded = source.shifted(by: -d)
        } else {
            let qlo = Interval.floorShift(source.lo, d), qhi = Interval.floorShift(source.hi, d)
            // An unsigned source below 2^(d-1) never rounds up.
            let condition = RoundingCondition.of(type.quantization, hasSticky: d >= 2, canBeNegative: source.lo < 0)
            roundUp = !source.isSigned && d - 1 >= w ? nil : condition
            rounded = Interval(qlo, roundUp != nil ? Interval.ceilShift(source.hi, d) : qhi)
        }
        roundsUp = roundUp != nil
        let minR = Int128(type.minRaw), maxR = Int128(type.maxRaw)
        let symmetric = type.overflow == .satSym && type.isSigned
        canOverflow = rounded.hi > maxR
        canUnderflow = rounded.lo < minR || (symmetric && rounded.lo <= minR)
    }
}

/// The condition, on the dropped bits, for adding one to the truncated
/// value: `half` is the first dropped bit, `sticky` the OR of the others,
/// `negative` the source's sign, `odd` the lowest kept bit.
public indirect enum RoundingCondition: Sendable, Equatable {
    case half, sticky, negative, odd, always
    case and(RoundingCondition, RoundingCondition)
    case or(RoundingCondition, RoundingCondition)
    case not(RoundingCondition)

    /// Whether the condition looks at `leaf` (`.half`, `.sticky`, ...).
    func reads(_ leaf: RoundingCondition) -> Bool {
        switch self {
        case let .and(a, b), let .or(a, b): return a.reads(leaf) || b.reads(leaf)
        case let .not(a): return a.reads(leaf)
        default: return self == leaf
        }
    }

    /// The condition of `mode`, simplified for a source that has no sticky
    /// bits (one bit dropped) or is never negative; nil when it never holds.
    static func of(_ mode: QuantizationMode, hasSticky: Bool, canBeNegative: Bool) -> RoundingCondition? {
        let sticky: RoundingCondition? = hasSticky ? .sticky : nil
        let negative: RoundingCondition? = canBeNegative ? .negative : nil
        func or(_ a: RoundingCondition?, _ b: RoundingCondition?) -> RoundingCondition? {
            guard let a else { return b }
            guard let b else { return a }
            return .or(a, b)
        }
        func and(_ a: RoundingCondition?, _ b: RoundingCondition?) -> RoundingCondition? {
            guard let a, let b else { return nil }
            return .and(a, b)
        }
        func not(_ a: RoundingCondition?) -> RoundingCondition? { a.map { .not($0) } ?? .always }
        switch mode {
        case .trn: return nil
        case .trnZero: return and(negative, or(.half, sticky))
        case .rnd: return .half
        case .rndZero: return and(.half, or(sticky, negative))
        case .rndInf: return and(.half, or(sticky, not(negative)))
        case .rndMinInf: return and(.half, sticky)
        case .rndConv: return and(.half, or(sticky, .odd))
        }
    }
}

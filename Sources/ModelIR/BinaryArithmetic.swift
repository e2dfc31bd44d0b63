import FixedPoint

extension LoweredKind {
    /// The exact (unquantized) result of an element-wise `add`, `subtract`
    /// or `multiply` on two values; nil for other kinds. The reference
    /// quantizes it to the output type; reports compare it with that type's range.
    public func exactBinary(_ a: ExactValue, _ b: ExactValue) -> ExactValue? {
        switch self {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        default: return nil
        }
    }
}

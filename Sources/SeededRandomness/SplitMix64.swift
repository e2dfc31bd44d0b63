/// SplitMix64 (Steele, Lea and Flood 2014): a 64-bit state stepped by a
/// fixed odd constant and mixed. A fixed sequence on every platform and
/// Swift version, which the standard library does not promise for its own
/// generators; the synthetic models, the HLS testbench's vectors and the
/// event generators' seeding all draw from it, so seeds stay reproducible.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1): the top 53 bits of the next word.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }
}

import Foundation
import SeededRandomness

/// A small deterministic random source: xoshiro256** seeded through SplitMix64.
///
/// The generators use their own RNG rather than `SystemRandomNumberGenerator`
/// so that the same seed gives the same events on every machine and Swift
/// version (the standard library promises neither for its own generators).
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// Seeds the four state words from ``SeededRandomness/SplitMix64``, which never yields an all-zero state.
    public init(seed: UInt64) {
        var seeding = SplitMix64(seed: seed)
        s0 = seeding.next(); s1 = seeding.next(); s2 = seeding.next(); s3 = seeding.next()
    }

    /// A derived, independent stream (for per-process or per-worker streams).
    public func fork(_ salt: UInt64) -> SeededRandom {
        SeededRandom(seed: s0 ^ (salt &* 0xD1B5_4A32_D192_ED03) ^ s3)
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform in [a, b).
    public mutating func uniform(_ a: Double, _ b: Double) -> Double {
        a + (b - a) * uniform()
    }

    /// Uniform in (0, 1]: safe under a logarithm.
    public mutating func uniformOpen() -> Double {
        1 - uniform()
    }

    /// Standard normal by Box–Muller (one of the pair; simplicity over speed).
    public mutating func normal() -> Double {
        let u = uniformOpen(), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    public mutating func normal(mean: Double, sigma: Double) -> Double {
        mean + sigma * normal()
    }

    public mutating func exponential(mean: Double) -> Double {
        -mean * log(uniformOpen())
    }

    /// Poisson-distributed count: Knuth's product method for small means,
    /// a rounded normal above 30 (good enough for multiplicities).
    public mutating func poisson(mean: Double) -> Int {
        if mean <= 0 { return 0 }
        if mean > 30 { return max(0, Int((normal(mean: mean, sigma: mean.squareRoot())).rounded())) }
        let limit = exp(-mean)
        var k = 0
        var p = uniform()
        while p > limit { k += 1; p *= uniform() }
        return k
    }

    /// An integer in 0..<n.
    public mutating func index(_ n: Int) -> Int {
        Int(next() % UInt64(max(n, 1)))
    }

    /// Breit–Wigner (Cauchy) mass truncated to [mass - 5 width, mass + 5 width].
    public mutating func breitWigner(mass: Double, width: Double) -> Double {
        while true {
            let m = mass + 0.5 * width * tan(Double.pi * (uniform() - 0.5))
            if abs(m - mass) <= 5 * width, m > 0 { return m }
        }
    }

    /// Fisher–Yates shuffle of `array`.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = Int(next() % UInt64(i + 1))
            if i != j { array.swapAt(i, j) }
        }
    }
}

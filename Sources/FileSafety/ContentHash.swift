/// A 128-bit content hash (two FNV-1a 64 lanes with different offset bases)
/// for cache keys and for noticing that a generated file was edited. Not a
/// cryptographic hash: it guards against accidents, while ``Trust`` guards
/// against other users.
public struct ContentHash: Sendable {
    private var lanes: (UInt64, UInt64) = (0xCBF2_9CE4_8422_2325, 0x8422_2325_CBF2_9CE4)
    private static let prime: UInt64 = 0x0000_0100_0000_01B3

    public init() {}

    /// Mixes in bytes, then a separator, so that ("ab", "c") and ("a", "bc")
    /// hash differently.
    public mutating func add<Bytes: Sequence>(bytes: Bytes) where Bytes.Element == UInt8 {
        var (a, b) = lanes
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* Self.prime
            b = (b ^ UInt64(byte)) &* Self.prime
        }
        a = (a ^ 0xFF) &* Self.prime
        b = (b ^ 0xFF) &* Self.prime
        lanes = (a, b)
    }

    public mutating func add(_ text: String) { add(bytes: text.utf8) }

    /// 32 lowercase hex digits.
    public var hex: String { Self.hex(lanes.0) + Self.hex(lanes.1) }

    /// The hash of one string.
    public static func of(_ text: String) -> String {
        var h = ContentHash()
        h.add(text)
        return h.hex
    }

    static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

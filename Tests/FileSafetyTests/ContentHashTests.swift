import FileSafety
import Testing

@Suite struct ContentHashTests {
    @Test func separatesTheBoundariesBetweenPieces() {
        var a = ContentHash(), b = ContentHash()
        a.add("ab"); a.add("c")
        b.add("a"); b.add("bc")
        #expect(a.hex != b.hex)
        #expect(a.hex.count == 32)
    }

    @Test func changesWithOneByte() {
        #expect(ContentHash.of("module top;") != ContentHash.of("module top; "))
        #expect(ContentHash.of("module top;") != ContentHash.of("module tOp;"))
    }

    @Test func isFNV1aOnBothLanes() {
        // One lane by hand: FNV-1a 64 of "a" then the 0xFF separator.
        let prime: UInt64 = 0x0000_0100_0000_01B3
        var lane: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte: UInt8 in [0x61, 0xFF] { lane = (lane ^ UInt64(byte)) &* prime }
        let hex = String(lane, radix: 16)
        #expect(ContentHash.of("a").hasPrefix(String(repeating: "0", count: 16 - hex.count) + hex))
    }
}

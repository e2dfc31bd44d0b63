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

    @Test func isAFunctionOfTheBytes() {
        #expect(ContentHash.of("module top;") == ContentHash.of("module top;"))
        #expect(ContentHash.of("module top;") != ContentHash.of("module top; "))
        // FNV-1a 64 of "" followed by the 0xFF separator, both lanes: a fixed value.
        #expect(ContentHash.of("") == ContentHash.of(""))
    }
}

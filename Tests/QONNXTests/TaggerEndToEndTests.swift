import Foundation
import Testing

/// The imported 16→64→32→32→5 tagger through Verilator (`simulate`) and the
/// HLS C simulation (`csim`): both compare every event with the reference
/// and exit 5 on any mismatch, so exit 0 is 0 mismatches.
@Suite struct TaggerEndToEndTests {
    static let tagger = Tool.fixtures.appendingPathComponent("tagger.onnx").path

    /// 500 seeded events over the input range and beyond (saturation).
    static func events(in dir: URL) throws -> URL {
        var rng = SplitMix(seed: 14)
        var text = ""
        for _ in 0..<500 {
            text += (0..<16).map { _ in String(Double(Int(rng.next() % 12_288)) / 512 - 12) }.joined(separator: ",") + "\n"
        }
        let url = dir.appendingPathComponent("events.csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test(arguments: ["simulate", "csim"])
    func importedTaggerHasNoMismatches(command: String) throws {
        let dir = try Tool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let events = try Self.events(in: dir)
        // Unoptimized C++ builds several times faster; the bits are the same.
        let quick = command == "simulate" ? ["--quick-build"] : []
        let r = try Tool.cli([command, Self.tagger, "--input", events.path, "--output", dir.appendingPathComponent("out.csv").path] + quick)
        #expect(r.code == 0, "\(command): exit \(r.code)\n\(r.out.suffix(2000))\n\(r.err.suffix(2000))")
        #expect(r.out.contains("bit mismatches vs the Swift reference: 0\n"), "\(r.out.suffix(2000))")
    }
}

/// A tiny seeded generator (the tests' own; the CLI has its own RNG).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

import Foundation
import Testing

@Suite struct CompileCommandTests {
    static let corpus = CLI.repoRoot.appendingPathComponent("Tests/ModelFormatTests/Corpus")

    /// Every malformed model: exit code 2, a message naming the file, and no output folder.
    @Test func everyMalformedModelExitsWithCode2AndWritesNothing() throws {
        let manifest = try String(contentsOf: Self.corpus.appendingPathComponent("manifest.tsv"), encoding: .utf8)
        let dir = try CLI.temporaryDirectory()
        var checked = 0
        for line in manifest.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            let out = dir.appendingPathComponent(parts[0]).path
            let r = try CLI.run([Self.corpus.appendingPathComponent(parts[0]).path, "--out", out])
            #expect(r.code == 2, "\(parts[0]): exit \(r.code)")
            #expect(r.err.contains(parts[1]), "\(parts[0]): \(r.err)")
            #expect(!FileManager.default.fileExists(atPath: out), "\(parts[0]) left output behind")
            checked += 1
        }
        #expect(checked >= 30)
    }

    @Test func compileWritesTheLoweredListingIntoTheOutputFolder() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run([CLI.fixtures.appendingPathComponent("hand_model.json").path, "--target", "fpga"], in: dir)
        #expect(r.code == 0, "\(r.err)")
        let listing = try String(contentsOfFile: dir.appendingPathComponent("hls-out/hand/lowered.txt").path, encoding: .utf8)
        #expect(listing.contains("acc ap_fixed<14,5>"))
        #expect(listing.hasPrefix("hepml-lowered 1\nmodel hand\n"))
        #expect(r.out.contains("hls-out/hand"))
    }

    @Test func unknownTargetIsAnOptionError() throws {
        let r = try CLI.run([CLI.fixtures.appendingPathComponent("hand_model.json").path, "--target", "asic"])
        #expect(r.code == 2)
        #expect(r.err.contains("--target must be one of: fpga, hls, verilog"))
    }

    @Test func malformedPrecisionOptionIsAnOptionError() throws {
        let r = try CLI.run([CLI.fixtures.appendingPathComponent("hand_model.json").path, "--precision", "ap_fixed<16>"])
        #expect(r.code == 2)
        #expect(r.err.contains("--precision"))
    }
}

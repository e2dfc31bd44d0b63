import Foundation
import Testing

/// Malformed event files (CSVCorpus/, manifest.tsv gives the message) through
/// `compile --test-input`: exit code 2, the file and line in the message, and
/// the old output kept. (`predict --input` on each is a case of
/// ``HostileCorpusTests``.)
@Suite struct BadCSVTests {
    static let cases = CLI.manifest(CLI.csvCorpus.appendingPathComponent("manifest.tsv"))

    @Test func corpusCoversTheUsualDefects() {
        #expect(Self.cases.count >= 12)
    }

    @Test(arguments: cases.map(\.file))
    func compileRefusesBadTestInputAndKeepsTheOldOutput(file: String) throws {
        let expected = Self.cases.first { $0.file == file }!.expected
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let old = try OldOutput(at: dir.appendingPathComponent("hls-out/hand"))
        let r = try CLI.run([CLI.handModel, "--test-input", CLI.csvCorpus.appendingPathComponent(file).path,
                             "--out", old.folder.path], timeout: 30)
        #expect(r.code == 2, "\(file): exit \(r.code): \(r.err)")
        #expect(r.err.contains(expected), "\(file): \(r.err)")
        #expect(old.isIntact)
    }

    /// One line of 10^6 values (about 10 MB): refused in bounded time.
    @Test func millionColumnLineIsRefusedInBoundedTime() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("wide.csv")
        try Data((Array(repeating: "0.123456", count: 1_000_000).joined(separator: ",") + "\n").utf8).write(to: input)
        let output = dir.appendingPathComponent("out.csv").path
        let r = try CLI.run(["predict", CLI.handModel, "--input", input.path, "--output", output], timeout: 60)
        #expect(!r.timedOut)
        #expect(r.code == 2)
        // Refused at the first 4 MB block: 3 values are already too many.
        #expect(r.err.contains("wide.csv:1: events have more than 2 values but the model takes 2"), "\(r.err)")
        #expect(r.peakMegabytes < 2048)
        #expect(!FileManager.default.fileExists(atPath: output))
        print("wide.csv: \(String(format: "%.1f", r.seconds)) s, peak \(Int(r.peakMegabytes)) MB")
    }

    /// Issue 21: a 40 MB second line, when the width is known from the
    /// first: refused after one block, in bounded memory (was 2.35 GB and
    /// 43 s for 100 MB).
    @Test func aHugeSecondLineIsRefusedInBoundedMemory() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("long.csv")
        var bytes = Array("1,2\n".utf8)
        bytes.reserveCapacity(40 << 20)
        for _ in 0..<(10 << 20) { bytes.append(contentsOf: [0x30, 0x2E, 0x35, 0x2C]) }  // "0.5,"
        bytes.append(0x0A)
        try Data(bytes).write(to: input)
        let output = dir.appendingPathComponent("out.csv").path
        let r = try CLI.run(["predict", CLI.handModel, "--input", input.path, "--output", output], timeout: 60)
        #expect(r.code == 2)
        #expect(r.err.contains("long.csv:2: expected 2 values, got more than 2"), "\(r.err)")
        #expect(r.peakMegabytes < 400, "peak \(r.peakMegabytes) MB")
        #expect(!FileManager.default.fileExists(atPath: output))
        print("long.csv: \(String(format: "%.1f", r.seconds)) s, peak \(Int(r.peakMegabytes)) MB")
    }

    @Test func missingInputFileIsAnInputError() throws {
        let r = try CLI.run(["predict", CLI.handModel, "--input", "/nonexistent/x.csv", "--output", "/tmp/never.csv"])
        #expect(r.code == 2)
        #expect(r.err.contains("/nonexistent/x.csv: cannot read the file"), "\(r.err)")
    }
}

import Foundation
import Testing

/// Malformed and unsupported ONNX files (Malformed/, made by
/// make_malformed.py): each is refused with exit 2 and its own message,
/// and nothing is written.
@Suite struct MalformedTests {
    static let expected = Fixture.expectedMessages(in: Tool.malformed)

    @Test func theCorpusHasAtLeastFifteenCases() {
        #expect(Self.expected.count >= 15)
        #expect(Set(Self.expected.values).count == Self.expected.count, "each case has its own message")
    }

    @Test(arguments: expected.keys.sorted())
    func refusedWithItsOwnMessageAndNoOutput(file: String) throws {
        let dir = try Tool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = Tool.malformed.appendingPathComponent(file).path
        let out = dir.appendingPathComponent("model.json")
        let r = try Tool.cli(["import", model, "--out", out.path])
        #expect(r.code == 2, "\(file): exit \(r.code): \(r.err)")
        #expect(r.err.contains(Self.expected[file]!), "\(file): \(r.err)")
        #expect(r.err.contains(file), "the message names the file")
        #expect(!FileManager.default.fileExists(atPath: out.path), "no partial output")
        let events = dir.appendingPathComponent("x.csv")
        try "1,2,3,4\n".write(to: events, atomically: true, encoding: .utf8)
        let predict = try Tool.cli(["predict", model, "--input", events.path, "--output", dir.appendingPathComponent("y.csv").path])
        #expect(predict.code == 2)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("y.csv").path))
    }
}

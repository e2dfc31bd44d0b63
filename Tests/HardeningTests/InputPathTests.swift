import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Input paths that name something other than a regular file: a folder, a
/// FIFO (opening one for reading blocks until a writer comes), a device.
/// A model or a train config is refused from stat, unopened, saying what it
/// is; exit 2. Events are read from a FIFO or a character device as a
/// stream (``EventStreamTests``); only a folder is refused.
@Suite struct InputPathTests {
    enum Kind: String, CaseIterable { case directory, fifo, device }

    /// A path of `kind` named `name` inside `dir`.
    static func make(_ kind: Kind, named name: String, in dir: URL) throws -> String {
        switch kind {
        case .directory:
            let path = dir.appendingPathComponent(name).path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            return path
        case .fifo:
            let path = dir.appendingPathComponent(name).path
            guard mkfifo(path, 0o644) == 0 else { throw CocoaError(.fileWriteUnknown) }
            return path
        case .device:
            return "/dev/null"
        }
    }

    static func reason(_ kind: Kind) -> String {
        switch kind {
        case .directory: return "it is a directory"
        case .fifo: return "it is a FIFO (named pipe), not a regular file"
        case .device: return "it is a character device, not a regular file"
        }
    }

    @Test(arguments: ["events.csv", "events.npy"])
    func eventInputThatIsAFolderSaysWhatItIs(name: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try Self.make(.directory, named: name, in: dir)
        let output = dir.appendingPathComponent("out.csv").path
        let r = try CLI.run(["predict", CLI.handModel, "--input", input, "--output", output], timeout: 10)
        #expect(!r.timedOut, "\(name): blocked")
        #expect(r.code == 2, "\(name): exit \(r.code): \(r.err)")
        #expect(r.err.contains("\(input): cannot read the file: it is a directory"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    /// `/dev/null` as events is an empty stream: no events, exit 2, no output.
    @Test(arguments: ["/dev/null"])
    func anEmptyDeviceHasNoEvents(input: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.csv").path
        let r = try CLI.run(["predict", CLI.handModel, "--input", input, "--output", output], timeout: 30)
        #expect(r.code == 2, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("\(input): no events in the file"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test(arguments: Kind.allCases)
    func modelPathThatIsNotAFileSaysWhatItIs(kind: Kind) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try Self.make(kind, named: "model.json", in: dir)
        let r = try CLI.run([model, "--out", dir.appendingPathComponent("out").path], timeout: 10)
        #expect(!r.timedOut, "\(kind): blocked")
        #expect(r.code == 2, "\(kind): exit \(r.code): \(r.err)")
        #expect(r.err.contains("\(model): cannot read the model file: \(Self.reason(kind))"), "\(r.err)")
    }

    @Test(arguments: Kind.allCases)
    func trainConfigThatIsNotAFileSaysWhatItIs(kind: Kind) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try Self.make(kind, named: "train.json", in: dir)
        let r = try CLI.run(["train", "--config", config], timeout: 10)
        #expect(!r.timedOut, "\(kind): blocked")
        #expect(r.code == 2, "\(kind): exit \(r.code): \(r.err)")
        #expect(r.err.contains("\(config): cannot read the config file: \(Self.reason(kind))"), "\(r.err)")
    }

    /// The same events with CRLF line endings give the same outputs.
    @Test func crlfEventsArePredictedLikeLF() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lf = try String(contentsOfFile: CLI.handInputs, encoding: .utf8)
        let crlf = dir.appendingPathComponent("crlf.csv")
        try Data(lf.replacingOccurrences(of: "\n", with: "\r\n").utf8).write(to: crlf)
        let a = dir.appendingPathComponent("a.csv").path, b = dir.appendingPathComponent("b.csv").path
        let r1 = try CLI.run(["predict", CLI.handModel, "--input", CLI.handInputs, "--output", a])
        let r2 = try CLI.run(["predict", CLI.handModel, "--input", crlf.path, "--output", b])
        #expect(r1.code == 0 && r2.code == 0, "\(r2.err)")
        #expect(FileManager.default.contents(atPath: a) == FileManager.default.contents(atPath: b))
    }
}

import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Events from pipes: `--input -`, `/dev/stdin`, a FIFO such as the one a
/// shell makes for `<(zcat events.csv.gz)`. Each is read once, as it comes,
/// and gives the same outputs as the file it carries; a `.npy` stream is
/// known by its magic string, whatever the path is called.
@Suite struct EventStreamTests {
    /// A FIFO at `path` that a background thread fills with `bytes` once a
    /// reader opens it (as a shell's process substitution does).
    static func fifo(at path: String, carrying bytes: Data) throws -> Thread {
        guard mkfifo(path, 0o600) == 0 else { throw CocoaError(.fileWriteUnknown) }
        let writer = Thread {
            let fd = open(path, O_WRONLY)
            guard fd >= 0 else { return }
            bytes.withUnsafeBytes { b in
                var offset = 0
                while offset < b.count {
                    let n = write(fd, b.baseAddress! + offset, b.count - offset)
                    if n <= 0 { break }
                    offset += n
                }
            }
            close(fd)
        }
        writer.start()
        return writer
    }

    static func predict(_ input: String, stdin: String = "/dev/null", in dir: URL, named name: String) throws -> (CLI.Result, Data?) {
        let output = dir.appendingPathComponent(name).path
        let r = try CLI.run(["predict", CLI.handModel, "--input", input, "--output", output], stdin: stdin, timeout: 120)
        return (r, FileManager.default.contents(atPath: output))
    }

    @Test func standardInputAndFIFOsPredictLikeTheFile() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (plain, expected) = try Self.predict(CLI.handInputs, in: dir, named: "file.csv")
        #expect(plain.code == 0, "\(plain.err)")
        #expect(expected != nil)

        let (dash, fromDash) = try Self.predict("-", stdin: CLI.handInputs, in: dir, named: "dash.csv")
        #expect(dash.code == 0, "\(dash.err)")
        #expect(fromDash == expected)

        let fifoPath = dir.appendingPathComponent("stdin-pipe").path
        _ = try Self.fifo(at: fifoPath, carrying: try Data(contentsOf: URL(fileURLWithPath: CLI.handInputs)))
        let (devStdin, fromDevStdin) = try Self.predict("/dev/stdin", stdin: fifoPath, in: dir, named: "devstdin.csv")
        #expect(devStdin.code == 0, "\(devStdin.err)")
        #expect(fromDevStdin == expected)

        let named = dir.appendingPathComponent("events-pipe").path
        _ = try Self.fifo(at: named, carrying: try Data(contentsOf: URL(fileURLWithPath: CLI.handInputs)))
        let (fifo, fromFIFO) = try Self.predict(named, in: dir, named: "fifo.csv")
        #expect(fifo.code == 0, "\(fifo.err)")
        #expect(fromFIFO == expected)
    }

    /// The same events as `.npy` through a pipe whose name says nothing.
    @Test func aNPYStreamIsKnownByItsMagicString() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (plain, expected) = try Self.predict(CLI.handInputs, in: dir, named: "file.csv")
        #expect(plain.code == 0, "\(plain.err)")
        let npy = dir.appendingPathComponent("events.npy").path
        try Self.npy(csv: CLI.handInputs).write(to: URL(fileURLWithPath: npy))
        let named = dir.appendingPathComponent("pipe").path
        _ = try Self.fifo(at: named, carrying: try Data(contentsOf: URL(fileURLWithPath: npy)))
        let (r, fromPipe) = try Self.predict(named, in: dir, named: "npy.csv")
        #expect(r.code == 0, "\(r.err)")
        #expect(fromPipe == expected)

        // A stream that ends before the rows its header promises is an error, and leaves no output.
        let full = try Data(contentsOf: URL(fileURLWithPath: npy))
        let short = dir.appendingPathComponent("short-pipe").path
        _ = try Self.fifo(at: short, carrying: full.prefix(full.count - 8))
        let (cut, cutOutput) = try Self.predict(short, in: dir, named: "cut.csv")
        #expect(cut.code == 2, "\(cut.err)")
        #expect(cut.err.contains("truncated data"), "\(cut.err)")
        #expect(cutOutput == nil)
    }

    /// `report` reads its events once: a FIFO, which cannot be read twice, gives the report.
    @Test func reportReadsAFIFOOnce() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let named = dir.appendingPathComponent("events-pipe").path
        _ = try Self.fifo(at: named, carrying: try Data(contentsOf: URL(fileURLWithPath: CLI.handInputs)))
        let out = dir.appendingPathComponent("report").path
        let r = try CLI.run(["report", CLI.handModel, "--input", named, "--out", out], timeout: 300)
        #expect(r.code == 0, "\(r.err)")
        let json = FileManager.default.contents(atPath: out + "/report.json").flatMap { try? JSONSerialization.jsonObject(with: $0) } as? [String: Any]
        // hand_inputs.csv: a header and four events.
        #expect(json?["events"] as? Int == 4, "\(String(describing: json?["events"]))")
    }

    /// float64 `.npy` bytes of a numeric CSV file without a header.
    static func npy(csv path: String) throws -> Data {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline)
            .filter { !$0.hasPrefix("#") && !$0.isEmpty }
        let rows = lines.compactMap { line -> [Double]? in
            let values = line.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            return values.isEmpty ? nil : values
        }
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (\(rows.count), \(rows[0].count)), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: Array(header.utf8))
        for v in rows.joined() { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }
}

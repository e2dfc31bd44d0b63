import FileSafety
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct OutputFileTests {
    @Test func createsAMissingFileAndItsFolder() throws {
        let t = try TestFolder()
        try OutputFile.write("1,2\n", to: t.path + "/sub/out.csv")
        #expect(t.read("sub/out.csv") == "1,2\n")
        #expect(t.listing("sub") == ["out.csv"], "no temporary file left beside it")
    }

    @Test func replacesARegularFileAndKeepsItsMode() throws {
        let t = try TestFolder()
        try t.write("out.csv", "old\n")
        chmod(t.path + "/out.csv", 0o640)
        try OutputFile.write("new\n", to: t.path + "/out.csv")
        #expect(t.read("out.csv") == "new\n")
        #expect(mode(t.path + "/out.csv") == 0o640)
    }

    @Test func writesThroughASymbolicLinkAndKeepsTheLink() throws {
        let t = try TestFolder()
        try t.write("real/target.csv", "old\n")
        try FileManager.default.createSymbolicLink(atPath: t.path + "/link.csv", withDestinationPath: "real/target.csv")
        try OutputFile.write("new\n", to: t.path + "/link.csv")
        #expect(FileKind.of(t.path + "/link.csv") == .symbolicLink)
        #expect(t.read("real/target.csv") == "new\n")
        #expect(t.listing("real") == ["target.csv"])
    }

    @Test func aDanglingLinkCreatesItsTarget() throws {
        let t = try TestFolder()
        try FileManager.default.createSymbolicLink(atPath: t.path + "/link.csv", withDestinationPath: "made.csv")
        try OutputFile.write("x\n", to: t.path + "/link.csv")
        #expect(FileKind.of(t.path + "/link.csv") == .symbolicLink)
        #expect(t.read("made.csv") == "x\n")
    }

    @Test func streamsToACharacterDeviceWithoutReplacingIt() throws {
        try OutputFile.write("discarded\n", to: "/dev/null")
        #expect(FileKind.of("/dev/null") == .characterDevice)
    }

    @Test func streamsToAFIFO() async throws {
        let t = try TestFolder()
        let fifo = t.path + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        // The reader is a thread of its own, not a task: opening a FIFO
        // blocks until both ends are open, and with the writer on a pool
        // thread a reader task could wait for a pool thread that never frees.
        let received = FIFOReader(path: fifo)
        try OutputFile.write("through the pipe\n", to: fifo)
        #expect(received.wait() == "through the pipe\n")
        #expect(FileKind.of(fifo) == .fifo)
    }

    @Test func refusesAFolderAndAnEmptyPath() throws {
        let t = try TestFolder()
        #expect(throws: FileSafetyError.refused(path: t.path, reason: "it is a folder; give a file name")) {
            try OutputFile.write("x", to: t.path)
        }
        #expect(throws: FileSafetyError.refused(path: "", reason: "an output path is required")) {
            try OutputFile.write("x", to: "")
        }
    }
}

/// Reads a FIFO to its end on a thread of its own.
final class FIFOReader: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var text = ""

    init(path: String) {
        Thread {
            let fd = open(path, O_RDONLY)
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while fd >= 0 {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                bytes += buffer[0..<n]
            }
            if fd >= 0 { close(fd) }
            self.text = String(decoding: bytes, as: UTF8.self)
            self.done.signal()
        }.start()
    }

    /// What was read, once the writer closed its end.
    func wait() -> String {
        done.wait()
        return text
    }
}

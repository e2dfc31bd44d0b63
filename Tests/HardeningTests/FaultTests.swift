import Foundation
import Testing

/// Failures of the environment rather than of the input: each must give a
/// clear message, its exit code, and leave the previous output folder intact.
@Suite(.serialized) struct FaultTests {
    /// `mount` a small tmpfs, when this process may (root in a container
    /// with CAP_SYS_ADMIN); nil otherwise.
    static func mountTmpfs(options: String) throws -> URL? {
        let point = try CLI.temporaryDirectory()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/mount")
        p.arguments = ["-t", "tmpfs", "-o", options, "tmpfs", point.path]
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        p.waitUntilExit()
        return p.terminationStatus == 0 ? point : nil
    }

    static func run(_ tool: String, _ args: [String]) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        p.standardError = FileHandle.nullDevice
        try? p.run()
        p.waitUntilExit()
    }

    static func unmount(_ point: URL) {
        run("/bin/umount", [point.path])
        try? FileManager.default.removeItem(at: point)
    }

    /// Root ignores permission bits, so "not writable" is made with a path
    /// that passes through a regular file: no user can create a folder there.
    @Test func outputUnderARegularFileIsAnIOError() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("plain-file")
        try Data("keep me\n".utf8).write(to: file)
        let r = try CLI.run([CLI.handModel, "--out", file.appendingPathComponent("hls-out/hand").path])
        #expect(r.code == 4, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("\(file.path)/hls-out/hand: cannot create \(file.path): Not a directory"), "\(r.err)")
        #expect(try Data(contentsOf: file) == Data("keep me\n".utf8))
    }

    /// `--out model.json` must not replace the model by a folder: the
    /// model's own folder and the model are never an output.
    @Test func outputOntoAnExistingFileIsRefusedAndTheFileKept() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("model.json")
        try FileManager.default.copyItem(atPath: CLI.handModel, toPath: file.path)
        let r = try CLI.run([file.path, "--out", file.path])
        #expect(r.code == 2, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("refusing \(file.path): it holds the input file \(file.path)"), "\(r.err)")
        let other = dir.appendingPathComponent("notes.txt")
        try Data("mine\n".utf8).write(to: other)
        let r2 = try CLI.run([file.path, "--out", other.path, "--force"])
        #expect(r2.code == 2, "exit \(r2.code): \(r2.err)")
        #expect(r2.err.contains("refusing \(other.path): it exists and is a regular file, not a folder hepml-compile wrote"), "\(r2.err)")
        #expect(try Data(contentsOf: other) == Data("mine\n".utf8))
        #expect(try Data(contentsOf: file) == Data(contentsOf: URL(fileURLWithPath: CLI.handModel)))
    }

    /// A read-only file system (a tmpfs remounted read-only; as root,
    /// chmod would not stop the writes). Without mount rights: a chmod'ed
    /// folder when not root, else the test says why it is skipped.
    @Test func readOnlyOutputFolderIsAnIOErrorAndKeepsTheOldOutput() throws {
        if let point = try Self.mountTmpfs(options: "size=1m") {
            defer { Self.unmount(point) }
            let old = try OldOutput(at: point.appendingPathComponent("hls-out/hand"))
            Self.run("/bin/mount", ["-o", "remount,ro", point.path])
            let r = try CLI.run([CLI.handModel, "--out", old.folder.path])
            #expect(r.code == 4, "exit \(r.code): \(r.err)")
            #expect(r.err.contains("\(old.folder.path): cannot write: "), "\(r.err)")
            #expect(r.err.contains("Read-only file system"), "\(r.err)")
            #expect(old.isIntact)
        } else if getuid() != 0 {
            let dir = try CLI.temporaryDirectory()
            defer { chmod(dir.path, 0o755); try? FileManager.default.removeItem(at: dir) }
            let old = try OldOutput(at: dir.appendingPathComponent("hls-out/hand"))
            chmod(old.folder.deletingLastPathComponent().path, 0o555)
            defer { chmod(old.folder.deletingLastPathComponent().path, 0o755) }
            let r = try CLI.run([CLI.handModel, "--out", old.folder.path])
            #expect(r.code == 4, "exit \(r.code): \(r.err)")
            #expect(old.isIntact)
        } else {
            print("readOnlyOutputFolder: skipped: root without mount rights, chmod cannot stop root")
        }
    }

    /// Disk full: a 64 KB tmpfs holds the old output but not a new design
    /// (20 files of at least one 4 KB page each).
    @Test func diskFullIsAnIOErrorAndKeepsTheOldOutput() throws {
        guard let point = try Self.mountTmpfs(options: "size=64k") else {
            print("diskFull: skipped: no right to mount a tmpfs here")
            return
        }
        defer { Self.unmount(point) }
        let old = try OldOutput(at: point.appendingPathComponent("hls-out/hand"))
        let r = try CLI.run([CLI.handModel, "--target", "fpga", "--out", old.folder.path])
        #expect(r.code == 4, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("\(old.folder.path): cannot write: "), "\(r.err)")
        #expect(r.err.contains("No space left on device"), "names the cause: \(r.err)")
        #expect(old.isIntact)
    }

    // MARK: the simulator

    static func environment(path: String, temporary: URL) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = path
        env["TMPDIR"] = temporary.path
        return env
    }

    /// Folders of PATH without verilator (g++ and make stay reachable).
    static func pathWithoutVerilator(prepending extra: String? = nil) throws -> String {
        let dir = try CLI.temporaryDirectory()
        for tool in ["g++", "c++", "cc", "gcc", "make", "sh", "env", "perl", "python3"] {
            for folder in ["/usr/bin", "/bin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: "\(folder)/\(tool)") {
                try? FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent(tool).path, withDestinationPath: "\(folder)/\(tool)")
                break
            }
        }
        return ([extra].compactMap { $0 } + [dir.path]).joined(separator: ":")
    }

    @Test func simulateWithoutVerilatorExits3WithAnInstallHint() throws {
        let work = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let output = work.appendingPathComponent("y.csv").path
        let r = try CLI.run(["simulate", CLI.handModel, "--input", CLI.handInputs, "--output", output,
                             "--work", work.appendingPathComponent("cache").path],
                            environment: Self.environment(path: try Self.pathWithoutVerilator(), temporary: work))
        #expect(r.code == 3, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("verilator is not installed"), "\(r.err)")
        #expect(r.err.contains("apt-get install verilator"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func crashingVerilatorExits4AndNamesItsLog() throws {
        let work = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let bin = work.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let fake = bin.appendingPathComponent("verilator")
        try writeExecutable(fake.path, "#!/bin/sh\necho '%Error: internal fault injected by HardeningTests'\nkill -SEGV $$\n")
        let output = work.appendingPathComponent("y.csv").path
        let r = try CLI.run(["simulate", CLI.handModel, "--input", CLI.handInputs, "--output", output,
                             "--work", work.appendingPathComponent("cache").path],
                            environment: Self.environment(path: try Self.pathWithoutVerilator(prepending: bin.path), temporary: work))
        #expect(r.code == 4, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("verilator"), "\(r.err)")
        #expect(r.err.contains(".log"), "names the log: \(r.err)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    // MARK: small ones (issue 21, class 10)

    @Test func filesAddedToACompiledFolderAreNamedAndNeverCompiled() throws {
        let work = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let design = work.appendingPathComponent("design").path
        #expect(try CLI.run([CLI.handModel, "--out", design, "--target", "fpga"]).code == 0)
        let marker = work.appendingPathComponent("PWNED").path
        try Data("module evil; initial $system(\"touch \(marker)\"); endmodule\n".utf8).write(to: URL(fileURLWithPath: design + "/rtl/evil.v"))
        try Data("#error planted\n".utf8).write(to: URL(fileURLWithPath: design + "/hls/firmware/evil.h"))
        let missing = work.appendingPathComponent("missing.csv").path, output = work.appendingPathComponent("y.csv").path
        for command in ["simulate", "csim"] {
            // The folder is read, and the warning given, before the (missing) events.
            let r = try CLI.run([command, design, "--input", missing, "--output", output])
            #expect(r.code == 2, "\(command): exit \(r.code): \(r.err)")
            #expect(r.err.contains("warning: \(design) holds files that \(design)/hepml-manifest.json does not list"), "\(command): \(r.err)")
            #expect(r.err.contains("hls/firmware/evil.h") && r.err.contains("rtl/evil.v"), "\(command): \(r.err)")
        }
        // An edited design.json naming it as a source: refused, not compiled.
        let descriptor = design + "/design.json"
        let text = try String(contentsOfFile: descriptor, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\"verilog_files\" : [", with: "\"verilog_files\" : [\n      \"evil.v\",").utf8)
            .write(to: URL(fileURLWithPath: descriptor))
        let r = try CLI.run(["simulate", design, "--input", CLI.handInputs, "--output", output])
        #expect(r.code == 2, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("\(design)/rtl/evil.v is not in \(design)/hepml-manifest.json"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: marker) && !FileManager.default.fileExists(atPath: output))
    }

    @Test func aFailingYosysKeepsItsLogAndNamesIt() throws {
        let work = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let bin = work.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let fake = bin.appendingPathComponent("yosys")
        try writeExecutable(fake.path, "#!/bin/sh\necho 'ERROR: fault injected by HardeningTests' >&2\nexit 1\n")
        var env = Self.environment(path: bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"), temporary: work)
        env["XDG_CACHE_HOME"] = work.appendingPathComponent("cache").path
        let r = try CLI.run(["report", CLI.handModel, "--input", CLI.handInputs, "--out", work.appendingPathComponent("rep").path,
                             "--synthesize"], environment: env, timeout: 120)
        #expect(r.code == 4, "exit \(r.code): \(r.err)")
        #expect(!r.err.contains("(not kept)"), "\(r.err)")
        let logs = work.appendingPathComponent("cache/hepml-compile/logs").path
        let kept = (try? FileManager.default.contentsOfDirectory(atPath: logs)) ?? []
        #expect(kept.count == 1 && kept[0].hasPrefix("yosys-") && r.err.contains("full log: \(logs)/\(kept.first ?? "?")"), "\(kept): \(r.err)")
        let log = kept.first.flatMap { FileManager.default.contents(atPath: logs + "/" + $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
        #expect(log.contains("fault injected by HardeningTests"), "\(log)")
    }

    @Test func aKilledPredictsTemporaryFileIsRemovedByTheNextRun() throws {
        let work = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        var dead: pid_t = 4_194_000
        while kill(dead, 0) == 0 || errno == EPERM { dead += 1 }
        // What a SIGKILL during `predict --output y.csv` leaves.
        let stale = work.appendingPathComponent(".y.csv.tmp-\(dead)-Ab12Cd").path
        try Data("0.5\n0.2\n".utf8).write(to: URL(fileURLWithPath: stale))
        let r = try CLI.run(["predict", CLI.handModel, "--input", CLI.handInputs, "--output", work.appendingPathComponent("y.csv").path])
        #expect(r.code == 0, "exit \(r.code): \(r.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path) == ["y.csv"])
    }

    @Test func aTMPDIRThatCannotBeUsedIsNamedWithItsValue() throws {
        let work = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        var env = ProcessInfo.processInfo.environment
        env["TMPDIR"] = "/nonexistent/hepml-tmp"
        env["XDG_CACHE_HOME"] = work.appendingPathComponent("cache").path
        let r = try CLI.run(["csim", CLI.handModel, "--input", CLI.handInputs, "--output", work.appendingPathComponent("y.csv").path],
                            environment: env, timeout: 300)
        #expect(r.code == 4, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("$TMPDIR (/nonexistent/hepml-tmp)"), "\(r.err)")
    }
}

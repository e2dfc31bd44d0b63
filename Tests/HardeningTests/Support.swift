import FileSafety
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `hepml-compile` executable (it sits beside the test bundle)
/// with a time limit, and measures its wall time and peak memory, which
/// `Process` does not report.
///
/// The peak is the largest `VmHWM` read from `/proc/<pid>/status` while the
/// child runs, not wait4's `ru_maxrss`: posix_spawn starts the child with
/// vfork, and Linux carries the parent's high-water mark into the child's
/// `ru_maxrss` at exec, so that figure is never below the test process's own
/// size (238 MB in a busy test run) whatever the child does.
enum CLI {
    static let executable: URL = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("hepml-compile")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("hepml-compile")
    }()

    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let corpus = repoRoot.appendingPathComponent("Tests/ModelFormatTests/Corpus")
    static let csvCorpus = repoRoot.appendingPathComponent("Tests/HardeningTests/CSVCorpus")
    static let handModel = repoRoot.appendingPathComponent("Tests/CLITests/Fixtures/hand_model.json").path
    static let handInputs = repoRoot.appendingPathComponent("Tests/CLITests/Fixtures/hand_inputs.csv").path

    struct Result {
        var code: Int32
        var out: String
        var err: String
        var seconds: Double
        var peakMegabytes: Double
        var timedOut: Bool
    }

    /// Runs `hepml-compile args`; kills it after `timeout` seconds.
    /// The shortest time a child is given before it is taken as hung.
    static let minimumHangGuard = 300.0

    /// `umask`: the child's file-creation mask (through `sh -c 'umask …; exec …'`, same pid).
    /// `stdin`: the file (or FIFO) its standard input reads.
    static func run(_ args: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                    directory: String? = nil, viaPath: Bool = false, stdin: String = "/dev/null",
                    timeout: Double = 60, umask: String? = nil) throws -> Result {
        let child = try Child(args, environment: environment, directory: directory, viaPath: viaPath, stdin: stdin, umask: umask)
        return try child.wait(timeout: timeout)
    }

    /// A started `hepml-compile`, its output going to files.
    struct Child {
        let pid: pid_t
        let scratch: URL
        let start = Date()

        /// `viaPath`: started as a user would from a shell, by name through
        /// `PATH` (the executable's folder put first), so that `argv[0]` is
        /// the bare name `hepml-compile`. `directory`: the working folder.
        /// `stdin`: the file (or FIFO) its standard input reads.
        init(_ args: [String], environment: [String: String], directory: String? = nil, viaPath: Bool = false,
             stdin: String = "/dev/null", umask: String? = nil) throws {
            scratch = try temporaryDirectory()
            let outPath = scratch.appendingPathComponent("stdout").path, errPath = scratch.appendingPathComponent("stderr").path
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            // env(1) changes folder (-C) and finds the program on PATH, then
            // execs it: the pid stays the one measured.
            var env = environment
            var program = "/usr/bin/env"
            var argv0 = ["env"] + (directory.map { ["-C", $0] } ?? [])
            if let umask {
                program = "/bin/sh"
                argv0 = ["sh", "-c", "umask \(umask) && exec /usr/bin/env \"$@\"", "sh"] + argv0.dropFirst()
            }
            if viaPath {
                env["PATH"] = executable.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
                argv0.append("hepml-compile")
            } else {
                argv0.append(executable.path)
            }
            let argv = (argv0 + args).map { strdup($0) } + [nil]
            let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { (argv + envp).forEach { free($0) } }
            var pid: pid_t = 0
            guard posix_spawn(&pid, program, &actions, nil, argv, envp) == 0 else { throw CocoaError(.executableLoad) }
            self.pid = pid
        }

        /// Waits for the child (killing it after `timeout` seconds, and never
        /// before ``minimumHangGuard``) and collects its exit code, output,
        /// time and peak memory. The timeout is a guard against a hung
        /// child, not a speed check: a loaded 2-core CI machine can be many
        /// times slower than a quiet one, so no case is judged by its time.
        func wait(timeout: Double = 60) throws -> Result {
            let timeout = max(timeout, CLI.minimumHangGuard)
            defer { try? FileManager.default.removeItem(at: scratch) }
            var status: Int32 = 0
            var timedOut = false
            var peakKilobytes = 0
            var samples: UInt32 = 0
            while true {
                peakKilobytes = max(peakKilobytes, highWaterKilobytes(of: pid) ?? 0)
                let r = waitpid(pid, &status, WNOHANG)
                if r == pid { break }
                if r == -1 && errno != EINTR { throw CocoaError(.executableRuntimeMismatch) }
                if !timedOut && Date().timeIntervalSince(start) > timeout { kill(pid, SIGKILL); timedOut = true }
                // Every 2 ms at first, then slower, up to every 20 ms after
                // about a second: VmHWM is the kernel's own high-water mark,
                // so a sample misses only growth in the child's last moments,
                // and a sample costs about 70 µs of CPU in a debug build (at
                // 2 ms throughout, 3.5% of a core for every child waited on,
                // for as long as a loaded machine makes the child last).
                usleep(min(2_000 + 200 * samples, 20_000))
                samples += 1
            }
            let seconds = Date().timeIntervalSince(start)
            // WIFEXITED / WEXITSTATUS are macros Swift cannot import.
            let signal = status & 0x7F
            let code = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
            let read = { (name: String) in
                String(decoding: FileManager.default.contents(atPath: scratch.appendingPathComponent(name).path) ?? Data(), as: UTF8.self)
            }
            return Result(code: code, out: read("stdout"), err: read("stderr"), seconds: seconds,
                          peakMegabytes: Double(peakKilobytes) / 1024, timedOut: timedOut)
        }
    }

    /// The resident-set high-water mark of a running process, in kB; nil once
    /// it has exited (a zombie has no memory map).
    static func highWaterKilobytes(of pid: pid_t) -> Int? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/status") else { return nil }
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
        return line.flatMap { Int($0.dropFirst("VmHWM:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hepml-hardening-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `file<TAB>expected message` lines.
    static func manifest(_ url: URL) -> [(file: String, expected: String)] {
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { line in
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
    }
}

/// Writes a script with mode `mode`, through a descriptor opened with
/// `O_CLOEXEC`. `Data.write` leaves its descriptor inheritable, so a CLI run
/// another test spawns at that moment keeps the file open for writing for
/// its whole life, and running the script then fails with "Text file busy".
func writeExecutable(_ path: String, _ text: String, mode: mode_t = 0o755) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count else { throw CocoaError(.fileWriteUnknown) }
    fchmod(fd, mode)
}

/// A previous output of the tool (with its manifest) holding one known
/// file, to check that a failed run leaves it exactly as it was.
struct OldOutput {
    let folder: URL
    static let marker = "previous compile\n"

    init(at folder: URL) throws {
        self.folder = folder
        try FolderReplacement.replace(folder.path, with: [("rtl/old.v", Self.marker)], force: false)
    }

    /// The folder holds exactly the old file, and no staging folder is left beside it.
    var isIntact: Bool {
        let fm = FileManager.default
        let files = (fm.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).sorted()
        let old = fm.contents(atPath: folder.appendingPathComponent("rtl/old.v").path)
        let siblings = (try? fm.contentsOfDirectory(atPath: folder.deletingLastPathComponent().path)) ?? []
        let leftovers = siblings.filter { $0.hasPrefix(".\(folder.lastPathComponent).") }
        return files == [FolderManifest.fileName, "rtl", "rtl/old.v"] && old == Data(Self.marker.utf8) && leftovers.isEmpty
    }
}

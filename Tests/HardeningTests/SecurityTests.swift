import FileSafety
import Foundation
import Testing
@testable import Templates
@testable import Toolchain
#if canImport(Glibc)
import Glibc
#endif

/// The reproducers of the hostile-input trial: nothing found through the
/// working folder, `$PYTHONPATH`, a relative `PATH` entry or a shared temp
/// path is ever compiled or run. Each plants a payload that would create a
/// marker file, runs the tool as a user would, and checks that the marker
/// never appears.
@Suite(.serialized) struct SecurityTests {
    /// A scratch "home" for one test: a working folder, a private cache and
    /// TMPDIR, and the marker a payload would create.
    struct Scene {
        let root: URL
        var marker: String { root.appendingPathComponent("PWNED").path }
        var work: String { root.appendingPathComponent("cwd").path }

        init() throws {
            root = try CLI.temporaryDirectory()
            for d in ["cwd", "cache", "tmp"] {
                try FileManager.default.createDirectory(at: root.appendingPathComponent(d), withIntermediateDirectories: true)
            }
        }

        func remove() { try? FileManager.default.removeItem(at: root) }

        var environment: [String: String] {
            var env = ProcessInfo.processInfo.environment
            env["XDG_CACHE_HOME"] = root.appendingPathComponent("cache").path
            env["TMPDIR"] = root.appendingPathComponent("tmp").path
            env.removeValue(forKey: "HEPML_TEMPLATES")
            return env
        }

        var pwned: Bool { FileManager.default.fileExists(atPath: marker) }

        func write(_ relative: String, _ text: String, executable: Bool = false) throws {
            let url = root.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            if executable { try writeExecutable(url.path, text) } else { try Data(text.utf8).write(to: url) }
        }

        /// A copy of the real templates whose C simulation harness and
        /// Verilog top template carry a payload.
        func plantTemplates(at relative: String) throws {
            let dest = root.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: dest.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: CLI.repoRoot.appendingPathComponent("templates"), to: dest)
            let harness = dest.appendingPathComponent("hls/csim_harness.cpp")
            let original = try String(contentsOf: harness, encoding: .utf8)
            try Data(("#include <cstdlib>\nstatic int planted = std::system(\"touch \(marker)\");\n" + original).utf8).write(to: harness)
        }

        func csim(extra: [String] = [], environment: [String: String]? = nil, directory: String? = nil) throws -> CLI.Result {
            try CLI.run(["csim", CLI.handModel, "--input", CLI.handInputs, "--output", root.appendingPathComponent("out.csv").path] + extra,
                        environment: environment ?? self.environment, directory: directory ?? work, viaPath: true, timeout: 300)
        }
    }

    // MARK: 1. Templates

    @Test func templatesInTheWorkingFolderOrAboveItAreNeverUsed() throws {
        let scene = try Scene()
        defer { scene.remove() }
        try scene.plantTemplates(at: "cwd/templates")
        try scene.plantTemplates(at: "templates")
        let r = try scene.csim()
        #expect(r.code == 0, "exit \(r.code): \(r.err)")
        #expect(!scene.pwned, "a template from the working folder was compiled and run")
        #expect(r.out.contains("bit mismatches vs the Swift reference: 0"), "\(r.out)")
    }

    @Test func templatesAreFoundBesideTheExecutableOnly() {
        #expect(TemplateLibrary.installedCandidates(executable: "/usr/local/bin/hepml-compile")
                == ["/usr/local/share/hepml-compile/templates"])
        #expect(TemplateLibrary.installedCandidates(executable: "/src/hepml/.build/x86_64-unknown-linux-gnu/release/hepml-compile")
                == ["/src/hepml/.build/x86_64-unknown-linux-gnu/share/hepml-compile/templates", "/src/hepml/templates"])
        #expect(TemplateLibrary.installedCandidates(executable: nil).isEmpty)
        #expect(TemplateLibrary.installedCandidates(executable: "hepml-compile").isEmpty, "a relative argv[0] is never used")
    }

    @Test func untrustedTemplatesAreRefusedWithExit3() throws {
        let scene = try Scene()
        defer { scene.remove() }
        try scene.plantTemplates(at: "shared/templates")
        chmod(scene.root.appendingPathComponent("shared/templates/hls").path, 0o777)
        var env = scene.environment
        env["HEPML_TEMPLATES"] = scene.root.appendingPathComponent("shared/templates").path
        let r = try scene.csim(environment: env)
        #expect(r.code == 3, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("templates not trusted") && r.err.contains("writable by other users"), "\(r.err)")
        #expect(!scene.pwned)
    }

    @Test func missingTemplatesExit3() throws {
        let scene = try Scene()
        defer { scene.remove() }
        var env = scene.environment
        env["HEPML_TEMPLATES"] = scene.root.appendingPathComponent("nowhere").path
        let r = try CLI.run([CLI.handModel, "--out", scene.root.appendingPathComponent("out").path], environment: env, directory: scene.work)
        #expect(r.code == 3, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("installation problem") && r.err.contains("does not contain templates/README.md"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: scene.root.appendingPathComponent("out").path))
    }

    /// `report` classes a missing template as `compile` does: an installation problem (3), not an I/O failure.
    @Test func missingTemplatesExit3InReport() throws {
        let scene = try Scene()
        defer { scene.remove() }
        var env = scene.environment
        env["HEPML_TEMPLATES"] = scene.root.appendingPathComponent("nowhere").path
        let out = scene.root.appendingPathComponent("report").path
        let r = try CLI.run(["report", CLI.handModel, "--input", CLI.handInputs, "--out", out, "--no-synthesis"],
                            environment: env, directory: scene.work)
        #expect(r.code == 3, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("installation problem") && r.err.contains("does not contain templates/README.md"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: out + "/report.html"))
    }

    // MARK: 2. ap_types headers

    @Test func aPythonPackageInTheWorkingFolderIsNeverImported() throws {
        let scene = try Scene()
        defer { scene.remove() }
        try scene.write("cwd/hls4ml/__init__.py", "open('\(scene.marker)', 'w').write('imported')\n")
        try scene.write("cwd/hls4ml/templates/vivado/ap_types/ap_fixed.h", "#error planted header\n")
        var env = scene.environment
        env["PYTHONPATH"] = scene.work
        env.removeValue(forKey: APTypes.environmentVariable)
        let r = try scene.csim(environment: env)
        #expect(r.code == 0, "exit \(r.code): \(r.err)")
        #expect(!scene.pwned, "Python imported a package from the working folder")
        #expect(APTypes.locate(environment: env).map { !$0.hasPrefix(scene.root.path) } ?? true)
    }

    @Test func anAPTypesFolderOthersCanWriteIsSkipped() throws {
        let scene = try Scene()
        defer { scene.remove() }
        try scene.write("shared/ap_types/ap_fixed.h", "#error planted\n")
        chmod(scene.root.appendingPathComponent("shared/ap_types").path, 0o777)
        let dir = scene.root.appendingPathComponent("shared/ap_types").path
        #expect(APTypes.locate(environment: ["HEPML_AP_TYPES": dir, "PATH": "/usr/bin:/bin"]) != dir)
        #expect(APTypes.trustProblem(dir)?.contains("writable by other users") == true)
    }

    // MARK: 3. Build caches and PATH

    @Test func aTamperedCachedBuildIsRefusedNotRun() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let first = try scene.csim()
        #expect(first.code == 0, "exit \(first.code): \(first.err)")
        let cache = scene.root.appendingPathComponent("cache/hepml-compile/csim")
        let entries = try FileManager.default.contentsOfDirectory(atPath: cache.path)
        #expect(entries.count == 1, "\(entries)")
        let binary = cache.appendingPathComponent(entries[0]).appendingPathComponent("csim").path
        try scene.write("cache/hepml-compile/csim/\(entries[0])/csim", "#!/bin/sh\ntouch \(scene.marker)\n")
        chmod(binary, 0o777)
        let second = try scene.csim()
        #expect(second.code == 2, "exit \(second.code): \(second.err)")
        #expect(second.err.contains("\(binary)") && second.err.contains("writable by other users"), "\(second.err)")
        #expect(!scene.pwned, "a planted cached binary was run")
        chmod(binary, 0o755)
        chown(binary, 12345, 12345)
        if geteuid() == 0 {
            let third = try scene.csim()
            #expect(third.code == 2 && third.err.contains("belongs to user 12345"), "exit \(third.code): \(third.err)")
            #expect(!scene.pwned)
        }
    }

    @Test func cachesAreNotInTheSharedTempFolder() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let r = try scene.csim()
        #expect(r.code == 0, "exit \(r.code): \(r.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scene.root.appendingPathComponent("tmp").path).isEmpty,
                "scratch folders are removed and nothing is cached in TMPDIR")
        var st = stat()
        #expect(lstat(scene.root.appendingPathComponent("cache/hepml-compile").path, &st) == 0 && st.st_mode & 0o077 == 0)
    }

    @Test func aRelativePathEntryNeverRunsTheWorkingFoldersTools() throws {
        let scene = try Scene()
        defer { scene.remove() }
        for tool in ["g++", "python3", "verilator", "make"] {
            try scene.write("cwd/\(tool)", "#!/bin/sh\ntouch \(scene.marker)\nexit 1\n", executable: true)
        }
        var env = scene.environment
        env["PATH"] = ".:" + (env["PATH"] ?? "/usr/bin:/bin") + "::bin"
        env.removeValue(forKey: APTypes.environmentVariable)
        let r = try scene.csim(environment: env)
        #expect(r.code == 0, "exit \(r.code): \(r.err)")
        #expect(!scene.pwned, "a tool in the working folder was run through a relative PATH entry")
        #expect(ToolRunner.searchPath(["PATH": ".:/usr/bin::bin:/bin"]) == ["/usr/bin", "/bin"])
    }

    // MARK: 4. Tools on PATH are trust-checked (issue 21, class 3)

    /// PATH folders each holding a `name` that would create the marker, each
    /// untrusted another way: a world-writable folder, a group-writable
    /// folder, a file others can write, a trusted folder whose link leads
    /// into a world-writable one, and (as root) another user's file.
    /// Returns the folders and the paths the warnings must name.
    static func plantUntrusted(_ name: String, in scene: Scene) throws -> (folders: [String], tools: [String]) {
        let payload = "#!/bin/sh\ntouch \(scene.marker)\nexit 1\n"
        var folders: [String] = []
        for (folder, folderMode, fileMode) in [("world", 0o777, 0o755), ("group", 0o775, 0o755), ("filemode", 0o755, 0o777),
                                               ("target", 0o777, 0o755)] as [(String, mode_t, mode_t)] {
            try scene.write("\(folder)/\(name)", payload, executable: true)
            chmod(scene.root.appendingPathComponent("\(folder)/\(name)").path, fileMode)
            chmod(scene.root.appendingPathComponent(folder).path, folderMode)
            if folder != "target" { folders.append(scene.root.appendingPathComponent(folder).path) }
        }
        let linked = scene.root.appendingPathComponent("linked")
        try FileManager.default.createDirectory(at: linked, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: linked.appendingPathComponent(name).path, withDestinationPath: "../target/\(name)")
        folders.append(linked.path)
        if geteuid() == 0 {
            try scene.write("other/\(name)", payload, executable: true)
            chown(scene.root.appendingPathComponent("other/\(name)").path, 65534, 65534)
            folders.append(scene.root.appendingPathComponent("other").path)
        }
        return (folders, folders.map { "\($0)/\(name)" })
    }

    @Test func untrustedToolsOnPathAreSkippedWithAWarning() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let planted = try Self.plantUntrusted("g++", in: scene)
        var env = scene.environment
        env["PATH"] = (planted.folders + [env["PATH"] ?? "/usr/bin:/bin"]).joined(separator: ":")
        let r = try scene.csim(environment: env)
        #expect(r.code == 0, "exit \(r.code): \(r.err)")
        #expect(!scene.pwned, "an untrusted g++ on PATH was run")
        for tool in planted.tools {
            #expect(r.err.contains("warning: skipping \(tool) on PATH"), "\(tool) not named: \(r.err)")
        }
    }

    @Test func onlyUntrustedToolsOnPathExit3NamingThem() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let planted = try Self.plantUntrusted("g++", in: scene)
        var env = scene.environment
        env["PATH"] = planted.folders.joined(separator: ":")
        if let apTypes = APTypes.locate() { env[APTypes.environmentVariable] = apTypes }
        let r = try scene.csim(environment: env)
        #expect(r.code == 3, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("no trusted g++ on PATH"), "\(r.err)")
        for tool in planted.tools { #expect(r.err.contains(tool), "\(tool) not named: \(r.err)") }
        #expect(!scene.pwned)
    }

    @Test func whatMakeRunsIsTheTrustedCompiler() throws {
        let scene = try Scene()
        defer { scene.remove() }
        // A trusted stand-in verilator whose makefile runs g++ by name and $(CXX).
        try scene.write("tools/verilator", """
            #!/bin/sh
            top=""
            while [ $# -gt 0 ]; do [ "$1" = "--top-module" ] && top="$2"; shift; done
            mkdir -p obj_dir
            printf 'all:\\n\\tg++ --version >/dev/null\\n\\t$(CXX) --version >/dev/null\\n' > "obj_dir/V$top.mk"

            """, executable: true)
        try scene.write("world/g++", "#!/bin/sh\ntouch \(scene.marker)\nexit 1\n", executable: true)
        chmod(scene.root.appendingPathComponent("world").path, 0o777)
        var env = scene.environment
        env["PATH"] = [scene.root.appendingPathComponent("world").path, scene.root.appendingPathComponent("tools").path,
                       env["PATH"] ?? "/usr/bin:/bin"].joined(separator: ":")
        let r = try CLI.run(["simulate", CLI.handModel, "--input", CLI.handInputs, "--output", scene.root.appendingPathComponent("y.csv").path],
                            environment: env, directory: scene.work, timeout: 120)
        #expect(!scene.pwned, "make ran the g++ of a world-writable PATH folder: exit \(r.code): \(r.err)")
        #expect(r.err.contains("skipping \(scene.root.appendingPathComponent("world").path)/g++"), "\(r.err)")
        #expect(r.code != 0, "the stand-in verilator builds nothing")
    }

    @Test func theToolsChildrenSeeOnlyTrustedPathFolders() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let planted = try Self.plantUntrusted("python3", in: scene)
        let path = (planted.folders + ["/usr/bin", "relative", "/bin"]).joined(separator: ":")
        let child = ToolLookup.childSearchPath(["PATH": path]).split(separator: ":").map(String.init)
        #expect(child == ["/usr/bin", "/bin"].filter { FileKind.of($0) != nil }, "\(child)")
        let found = ToolLookup("python3", environment: ["PATH": path])
        #expect(found.skipped.map(\.path) == planted.tools)
        #expect(found.path == nil || found.path!.hasPrefix("/usr/bin") || found.path!.hasPrefix("/bin"))
    }

    // MARK: 5. Caches under umask 002 (issue 21, class 7)

    @Test func cachesStayUsableUnderAGroupWritableUmask() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let run = { try CLI.run(["csim", CLI.handModel, "--input", CLI.handInputs, "--output", scene.root.appendingPathComponent("out.csv").path],
                                environment: scene.environment, directory: scene.work, timeout: 300, umask: "002") }
        let first = try run()
        #expect(first.code == 0, "exit \(first.code): \(first.err)")
        let second = try run()
        #expect(second.code == 0, "exit \(second.code): \(second.err)")
        let cache = scene.root.appendingPathComponent("cache/hepml-compile").path
        for case let entry as String in FileManager.default.enumerator(atPath: cache)! {
            var st = stat()
            #expect(lstat(cache + "/" + entry, &st) == 0 && st.st_mode & 0o022 == 0, "\(entry) is writable by others")
        }
    }
}

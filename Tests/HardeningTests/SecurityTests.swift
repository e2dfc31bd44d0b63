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
            try Data(text.utf8).write(to: url)
            if executable { chmod(url.path, 0o755) }
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
}

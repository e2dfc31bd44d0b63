import FileSafety
import Foundation

/// Finding the open Vitis HLS `ap_types` headers (`ap_fixed.h`, `ap_int.h`, ...)
/// that the generated HLS C++ is compiled against.
///
/// The headers become part of a program that is compiled and run, so they
/// are looked for only where an installation puts them, never through the
/// working folder or `$PYTHONPATH`, and the folder found must be trusted
/// (``Trust``: yours or root's, not writable by others).
public enum APTypes {
    /// The environment variable that overrides the search.
    public static let environmentVariable = "HEPML_AP_TYPES"

    /// What to tell a user when ``locate(environment:)`` returns nil.
    public static let installHint =
        "run scripts/setup.sh (it installs the hls4ml wheel, which ships the open ap_types headers) "
        + "or set \(environmentVariable) to a directory containing ap_fixed.h"

    /// Where the hls4ml wheel keeps the headers, inside its package folder.
    static let insidePackage = "hls4ml/templates/vivado/ap_types"

    /// The directory holding `ap_fixed.h`, or nil if none is found.
    ///
    /// Looks at `$HEPML_AP_TYPES` (absolute paths only), then for the hls4ml
    /// package in the site-packages folders of the Python installations on
    /// `PATH` and in the system's standard places, by file layout, without
    /// running Python. Only if that finds nothing is `python3 -I -c` asked
    /// (isolated mode: no working folder, no `PYTHON*` variables, no user
    /// site) from a private empty folder. A folder that is not trusted is
    /// skipped.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let dir = environment[environmentVariable], dir.hasPrefix("/"), isUsable(dir) { return dir }
        for dir in sitePackages(environment: environment) {
            let candidate = dir + "/" + insidePackage
            if isUsable(candidate) { return candidate }
        }
        if let dir = askIsolatedPython(environment: environment), isUsable(dir) { return dir }
        return nil
    }

    /// Whether `directory` contains `ap_fixed.h`.
    public static func hasHeaders(_ directory: String) -> Bool {
        FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("ap_fixed.h"))
    }

    /// Why a folder's headers may not be compiled, or nil if they may.
    public static func trustProblem(_ directory: String) -> String? {
        do {
            try Trust.requireTree(directory, purpose: "headers found there are compiled into a program that is run")
            return nil
        } catch {
            return error.description
        }
    }

    static func isUsable(_ dir: String) -> Bool { hasHeaders(dir) && trustProblem(dir) == nil }

    /// Candidate site-packages folders, most specific first: those of each
    /// `python3` on the absolute entries of `PATH` (a pyenv shim stands for
    /// every version pyenv holds), then the user's and the system's.
    static func sitePackages(environment: [String: String]) -> [String] {
        var prefixes: [String] = []
        for dir in ToolRunner.searchPath(environment) {
            let python = dir + "/python3"
            // Only a python3 that would be run (``ToolLookup``) says where packages live.
            guard FileManager.default.isExecutableFile(atPath: python), Trust.executableProblem(python, foundIn: dir) == nil else { continue }
            let real = (try? FileManager.default.destinationOfSymbolicLink(atPath: python))
                .map { $0.hasPrefix("/") ? $0 : dir + "/" + $0 } ?? python
            let bin = (real as NSString).deletingLastPathComponent
            if (bin as NSString).lastPathComponent == "shims" {
                // pyenv: <root>/shims/python3 runs <root>/versions/<v>/bin/python3.
                let versions = (bin as NSString).deletingLastPathComponent + "/versions"
                for v in ((try? FileManager.default.contentsOfDirectory(atPath: versions)) ?? []).sorted() {
                    prefixes.append(versions + "/" + v)
                }
            } else {
                prefixes.append((bin as NSString).deletingLastPathComponent)
            }
        }
        if let home = environment["HOME"], home.hasPrefix("/") { prefixes.append(home + "/.local") }
        prefixes += ["/usr/local", "/usr"]
        var folders: [String] = []
        for prefix in prefixes {
            let lib = prefix + "/lib"
            let pythons = ((try? FileManager.default.contentsOfDirectory(atPath: lib)) ?? [])
                .filter { $0.hasPrefix("python3") }.sorted()
            for p in pythons {
                for kind in ["site-packages", "dist-packages"] where !folders.contains("\(lib)/\(p)/\(kind)") {
                    folders.append("\(lib)/\(p)/\(kind)")
                }
            }
        }
        return folders
    }

    /// Asks `python3 -I` where hls4ml is installed; nil if python3 or
    /// hls4ml is missing. Runs in a private empty folder with the `PYTHON*`
    /// variables removed.
    static func askIsolatedPython(environment: [String: String]) -> String? {
        let lookup = ToolLookup("python3", environment: environment)
        lookup.warn()
        guard let python = lookup.path,
              let scratch = try? PrivateFolder.makeTemporary("python-probe", environment: environment) else { return nil }
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let script = """
            import importlib.util, os
            s = importlib.util.find_spec("hls4ml")
            print(os.path.join(os.path.dirname(s.origin), "templates", "vivado", "ap_types") if s and s.origin else "")
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-I", "-c", script]
        var childEnvironment = environment.filter { !$0.key.hasPrefix("PYTHON") }
        childEnvironment["PATH"] = ToolLookup.childSearchPath(environment)
        process.environment = childEnvironment
        process.currentDirectoryURL = URL(fileURLWithPath: scratch)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        // Read before waiting so a full pipe cannot block the child.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return path.hasPrefix("/") ? path : nil
    }
}

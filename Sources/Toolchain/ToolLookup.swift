import FileSafety
import Foundation

/// Finds an external tool (verilator, g++, make, yosys, python3) on `PATH`
/// the way docs/hardening.md promises: only absolute entries are searched
/// (an empty or relative one would run whatever the working folder holds),
/// and an executable of that name is used only if it passes
/// ``Trust/executableProblem(_:foundIn:)``: it, every link on the way to
/// it and its folders belong to you or root and cannot be written by other
/// users. An entry that fails is skipped (and named in a warning) and the
/// search goes on.
public struct ToolLookup: Sendable {
    /// The first trusted executable, or nil.
    public let path: String?
    /// The executables of that name met before it (or all of them, when
    /// none is trusted), each with why it was skipped.
    public let skipped: [Skipped]

    /// An executable the search passed over.
    public struct Skipped: Sendable, Equatable {
        public var path: String
        public var reason: String
    }

    /// Searches `PATH` (from `environment`) for `name`. A name holding a
    /// `/` is taken as given when absolute and executable (the caller
    /// vouches for it: a cached build checked by ``BuildCache``), else not found.
    public init(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        if name.contains("/") {
            path = name.hasPrefix("/") && FileManager.default.isExecutableFile(atPath: name) ? name : nil
            skipped = []
            return
        }
        var skipped: [Skipped] = []
        var found: String?
        for dir in Self.searchPath(environment) {
            let candidate = "\(dir)/\(name)"
            guard FileKind.following(candidate) == .regular, FileManager.default.isExecutableFile(atPath: candidate) else { continue }
            if let problem = Trust.executableProblem(candidate, foundIn: dir) {
                if !skipped.contains(where: { $0.path == candidate }) { skipped.append(Skipped(path: candidate, reason: problem)) }
                continue
            }
            found = candidate
            break
        }
        self.path = found
        self.skipped = skipped
    }

    /// The absolute entries of `PATH`, in order.
    public static func searchPath(_ environment: [String: String]) -> [String] {
        (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init).filter { $0.hasPrefix("/") }
    }

    /// The `PATH` a tool we run gets: our absolute entries whose folder
    /// passes the trust check (it and every folder above it belong to you
    /// or root; it is not writable by others) and holds no untrusted
    /// program of a name our tools run (``childToolNames``), in order.
    public static func childSearchPath(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        searchPath(environment).filter { dir in
            guard Trust.folderProblem(dir) == nil else { return false }
            return !childToolNames.contains { name in
                let path = "\(dir)/\(name)"
                return FileKind.of(path) != nil && Trust.executableProblem(path, foundIn: dir) != nil
            }
        }.joined(separator: ":")
    }

    /// What verilator, make, g++ and yosys run by name.
    public static let childToolNames = ["verilator", "verilator_bin", "make", "g++", "gcc", "c++", "cc", "cpp", "as", "ld",
                                        "ar", "perl", "python3", "sh", "yosys", "yosys-abc"]

    /// Prints one warning per skipped executable when a trusted one was
    /// found after it (when none was, the caller's error names them all).
    public func warn() {
        guard let path else { return }
        for s in skipped {
            FileHandle.standardError.write(Data("hepml-compile: warning: skipping \(s.path) on PATH: \(s.reason); using \(path)\n".utf8))
        }
    }
}

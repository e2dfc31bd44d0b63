import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Resolves a path one component at a time, as the kernel does, and shows
/// each folder it passes through and each symbolic link it follows to a
/// check that may stop it. This is how a link planted by another user
/// (in `/tmp`, in a cloned repository) is caught before it is followed,
/// rather than after `realpath` has already gone where it points.
public enum PathWalk {
    /// One thing met on the way.
    public enum Step {
        /// A folder passed through (the root included), resolved.
        case folder(path: String)
        /// A symbolic link about to be followed, in the resolved folder `in`.
        case link(path: String, folder: String)
    }

    /// The most links followed in one walk (Linux's `MAXSYMLINKS`).
    public static let maxLinks = 40

    /// The path with every symbolic link resolved and `.`/`..` removed.
    /// A part that does not exist is kept as written (a file about to be
    /// created). `check` sees every folder and link on the way and returns
    /// nil to go on, or why not; the first reason ends the walk as the
    /// `.failure`.
    public static func resolve(_ path: String, check: (Step) -> String? = { _ in nil }) -> Result<String, PathProblem> {
        var pending = components(path)
        if !path.hasPrefix("/") { pending = components(FileManager.default.currentDirectoryPath) + pending }
        var resolved: [String] = []
        var links = 0
        var missing = false
        if let reason = check(.folder(path: "/")) { return .failure(PathProblem(path: "/", reason: reason)) }
        while !pending.isEmpty {
            let part = pending.removeFirst()
            if part == "." { continue }
            if part == ".." {
                if !resolved.isEmpty { resolved.removeLast() }
                continue
            }
            let folder = "/" + resolved.joined(separator: "/")
            let candidate = (folder == "/" ? "" : folder) + "/" + part
            guard !missing, let status = POSIX.lstatus(candidate) else {
                missing = true
                resolved.append(part)
                continue
            }
            switch status.kind {
            case .symbolicLink:
                links += 1
                guard links <= maxLinks else {
                    return .failure(PathProblem(path: candidate, reason: "more than \(maxLinks) symbolic links"))
                }
                if let reason = check(.link(path: candidate, folder: folder)) {
                    return .failure(PathProblem(path: candidate, reason: reason))
                }
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: candidate) else {
                    return .failure(PathProblem(path: candidate, reason: "the symbolic link cannot be read"))
                }
                if target.hasPrefix("/") { resolved = [] }
                pending = components(target) + pending
            case .directory:
                resolved.append(part)
                if let reason = check(.folder(path: candidate)) { return .failure(PathProblem(path: candidate, reason: reason)) }
            default:
                resolved.append(part)
            }
        }
        return .success("/" + resolved.joined(separator: "/"))
    }

    static func components(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init)
    }
}

/// A path a ``PathWalk`` stopped at, and why.
public struct PathProblem: Error, Sendable, Equatable {
    public var path: String
    public var reason: String
}

extension POSIX.Status {
    /// The sticky bit: only an entry's owner (or the folder's) may rename or delete it.
    var sticky: Bool { mode & S_ISVTX != 0 }
}

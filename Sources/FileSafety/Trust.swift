import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a file or folder may be used as code: compiled, executed or
/// included. On a shared machine anyone can create files in `/tmp` or in a
/// group-writable folder; what such a user planted must never be run by
/// somebody else, least of all by root.
///
/// A path is trusted when it is owned by the current user or by root, is not
/// writable by the group or by others, and is not a symbolic link (a link
/// can be re-pointed by whoever owns the folder it sits in).
public enum Trust {
    /// Nil when `path` is trusted; otherwise why not.
    public static func problem(with path: String) -> String? {
        guard let st = POSIX.lstatus(path) else { return "it does not exist" }
        if st.kind == .symbolicLink { return "it is a symbolic link" }
        let me = POSIX.effectiveUser
        if st.owner != me && st.owner != 0 {
            return "it belongs to user \(st.owner), not to you (user \(me)) or root"
        }
        if st.writableByOthers { return "it is writable by other users (mode \(String(st.mode & 0o7777, radix: 8)))" }
        return nil
    }

    /// Throws ``FileSafetyError/refused(path:reason:)`` unless `path` and
    /// every entry below it are trusted (see ``problem(with:)``).
    public static func requireTree(_ path: String, purpose: String) throws(FileSafetyError) {
        if let p = problem(with: path) { throw .refused(path: path, reason: "\(p); \(purpose)") }
        guard FileKind.of(path) == .directory, let dir = opendir(path) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            try requireTree(path + "/" + name, purpose: purpose)
        }
    }

    /// Throws unless `path` itself is trusted.
    public static func require(_ path: String, purpose: String) throws(FileSafetyError) {
        if let p = problem(with: path) { throw .refused(path: path, reason: "\(p); \(purpose)") }
    }
}

extension Trust {
    /// Nil when the program at `path` may be run; otherwise why not
    /// (beginning with the path that failed when it is not `path`).
    ///
    /// Symbolic links are followed (`/usr/bin/g++ -> g++-12 ->
    /// x86_64-linux-gnu-g++-12`) and everything on the way is checked: each
    /// link must belong to you or root; each folder passed through must
    /// belong to you or root and not be writable by others, unless it is
    /// sticky (`/tmp`: others cannot rename what is yours in it); the folder
    /// the program is found in (`foundIn`, a `PATH` entry) and the folder
    /// of the file finally run may not be writable by others even when
    /// sticky; the file must belong to you or root and not be writable by
    /// others.
    public static func executableProblem(_ path: String, foundIn: String? = nil) -> String? {
        let resolved: String
        switch walk(path) {
        case .failure(let problem): return "\(problem.path): \(problem.reason)"
        case .success(let p): resolved = p
        }
        for folder in [(resolved as NSString).deletingLastPathComponent] + (foundIn.map { [$0] } ?? []) {
            if let problem = folderProblem(folder) { return problem }
        }
        guard let st = POSIX.lstatus(resolved) else { return "\(resolved): it does not exist" }
        guard st.kind == .regular else { return "\(resolved): it is \(st.kind)" }
        let shown = resolved == path ? "" : "\(resolved): "
        if let p = ownerProblem(st) { return shown + "it " + p }
        if st.writableByOthers { return shown + "it is writable by other users (mode \(modeText(st)))" }
        return nil
    }

    /// Nil when programs in `folder` may be run: the walk to it passes the
    /// checks of ``executableProblem(_:foundIn:)`` and the folder itself,
    /// resolved, belongs to you or root and is not writable by others
    /// (sticky or not).
    public static func folderProblem(_ folder: String) -> String? {
        let resolved: String
        switch walk(folder) {
        case .failure(let problem): return "\(problem.path): \(problem.reason)"
        case .success(let p): resolved = p
        }
        guard let st = POSIX.lstatus(resolved), st.kind == .directory else { return "\(resolved): it is not a folder" }
        if st.writableByOthers { return "\(resolved): the folder is writable by other users (mode \(modeText(st)))" }
        return nil
    }

    /// Resolves `path`, checking every folder and link on the way.
    static func walk(_ path: String) -> Result<String, PathProblem> {
        PathWalk.resolve(path) { step in
            switch step {
            case .folder(let folder):
                guard let st = POSIX.lstatus(folder) else { return "it does not exist" }
                if let p = ownerProblem(st) { return "the folder \(p)" }
                if st.writableByOthers && !st.sticky { return "the folder is writable by other users (mode \(modeText(st)))" }
                return nil
            case .link(let link, _):
                guard let st = POSIX.lstatus(link) else { return "it does not exist" }
                return ownerProblem(st).map { "the symbolic link \($0)" }
            }
        }
    }

    static func ownerProblem(_ st: POSIX.Status) -> String? {
        let me = POSIX.effectiveUser
        return st.owner == me || st.owner == 0 ? nil : "belongs to user \(st.owner), not to you (user \(me)) or root"
    }

    static func modeText(_ st: POSIX.Status) -> String { String(st.mode & 0o7777, radix: 8) }
}

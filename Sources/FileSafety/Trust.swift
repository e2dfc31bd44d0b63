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

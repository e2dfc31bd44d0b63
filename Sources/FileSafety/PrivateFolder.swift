import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Folders only the current user can enter: scratch folders for one run and
/// the per-user build cache.
public enum PrivateFolder {
    /// A new, empty folder of mode 0700 under `$TMPDIR` (or `/tmp`), made
    /// with `mkdtemp`: its name is unpredictable and it cannot already exist,
    /// so nobody else can have planted anything in it. A `$TMPDIR` of
    /// another user, or one everybody can write that is not sticky, is
    /// refused; every error names `$TMPDIR` and its value.
    public static func makeTemporary(_ label: String,
                                     environment: [String: String] = ProcessInfo.processInfo.environment) throws(FileSafetyError) -> String {
        let fromEnvironment = environment["TMPDIR"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        var base = fromEnvironment ?? "/tmp"
        while base.count > 1, base.hasSuffix("/") { base.removeLast() }
        let safeLabel = String(label.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") ? $0 : "_" })
        let shownBase = fromEnvironment.map { "$TMPDIR (\($0))" } ?? base
        if let st = POSIX.status(base) {
            // mkdtemp's folder is private, but in a folder others can write
            // without the sticky bit, or another user's, it can be renamed
            // away and replaced while we use it.
            let me = POSIX.effectiveUser
            if st.owner != me && st.owner != 0 {
                throw .refused(path: shownBase, reason: "it belongs to user \(st.owner), who could replace the scratch folders made there; "
                    + "set TMPDIR to a folder of yours")
            }
            // Group-writable is left to the user (umask 002 and a private group make it common).
            if st.mode & S_IWOTH != 0 && !st.sticky {
                throw .refused(path: shownBase, reason: "it is writable by every user and not sticky (mode \(String(st.mode & 0o7777, radix: 8))): "
                    + "they could replace the scratch folders made there; set TMPDIR to a folder of yours")
            }
        }
        guard let made = makeUnique("\(base)/hepml-\(safeLabel)-") else {
            let reason = POSIX.lastError
            // Name the variable: the user set it, and may not remember doing so.
            let fix = fromEnvironment != nil ? "; set TMPDIR to a folder you can write, or unset it to use /tmp" : ""
            throw .io(path: shownBase, reason: "cannot create a private scratch folder there: \(reason)\(fix)")
        }
        return made
    }

    /// A new folder of mode 0700 whose path is `prefix` followed by six
    /// random characters (`mkdtemp`): it cannot have existed before, so
    /// nothing in it was put there by anyone else. Nil (with `errno` set)
    /// when it cannot be made.
    static func makeUnique(_ prefix: String) -> String? {
        var template = Array((prefix + "XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else { return nil }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The per-user cache folder for `component` (say `verilator`):
    /// `$XDG_CACHE_HOME/hepml-compile/<component>` or
    /// `$HOME/.cache/hepml-compile/<component>`, created with mode 0700.
    /// The folder and `hepml-compile/` must belong to the current user (or
    /// root) and not be writable by others, else it is refused.
    public static func userCache(_ component: String,
                                 environment: [String: String] = ProcessInfo.processInfo.environment) throws(FileSafetyError) -> String {
        // XDG: a relative XDG_CACHE_HOME is invalid and must be ignored.
        let base: String
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            base = home + "/.cache"
        } else if let pw = getpwuid(geteuid()), let dir = pw.pointee.pw_dir, String(cString: dir).hasPrefix("/") {
            base = String(cString: dir) + "/.cache"
        } else {
            throw .refused(path: "$HOME", reason: "no absolute XDG_CACHE_HOME or HOME to keep the build cache in; pass --work DIR")
        }
        let root = base + "/hepml-compile"
        let folder = root + "/" + component
        for dir in [base, root, folder] where FileKind.of(dir) == nil {
            guard mkdir(dir, 0o700) == 0 || errno == EEXIST else {
                throw .io(path: dir, reason: "cannot create the build cache: \(POSIX.lastError)")
            }
        }
        for dir in [root, folder] { try requireOwnFolder(dir) }
        return folder
    }

    /// A cache folder the user named (`--work DIR`): created 0700 if missing;
    /// if it exists it must be trusted (``Trust``), since builds found in it
    /// are executed.
    public static func userChosenCache(_ path: String) throws(FileSafetyError) -> String {
        if FileKind.of(path) == nil {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw .io(path: path, reason: "cannot create the build folder: \(error.localizedDescription)")
            }
        }
        try requireOwnFolder(path)
        return path
    }

    /// Keeps the output of a failed tool run that had no log of its own in
    /// a new file `<user cache>/logs/<label>-XXXXXX.log` (mode 0600), so
    /// that an error message can name it. Nil when it cannot be kept.
    public static func keepLog(_ text: String, label: String,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let folder = try? userCache("logs", environment: environment) else { return nil }
        let safeLabel = String(label.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") ? $0 : "_" })
        var template = Array("\(folder)/\(safeLabel)-XXXXXX.log".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 4) }
        guard fd >= 0 else { return nil }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var failed = false
        Array(text.utf8).withUnsafeBytes { raw in
            do throws(FileSafetyError) { try OutputFile.stream(raw, toDescriptor: fd, path: path) } catch { failed = true }
        }
        close(fd)
        if failed { unlink(path); return nil }
        return path
    }

    /// Makes `path` and everything below it private, whatever the umask
    /// was when they were made: folders 0700, files 0700 when their owner
    /// could run them, else 0600. Links are left as they are (a trust check
    /// refuses them anyway).
    public static func restrictToOwner(_ path: String) {
        guard let st = POSIX.lstatus(path) else { return }
        switch st.kind {
        case .directory:
            chmod(path, 0o700)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                restrictToOwner(path + "/" + name)
            }
        case .regular:
            chmod(path, st.mode & S_IXUSR != 0 ? 0o700 : 0o600)
        default:
            break
        }
    }

    static func requireOwnFolder(_ dir: String) throws(FileSafetyError) {
        guard FileKind.of(dir) == .directory else {
            throw .refused(path: dir, reason: "the build cache must be a folder, and this is \(FileKind.of(dir)?.description ?? "missing")")
        }
        try Trust.require(dir, purpose: "builds kept there are executed, so it must be yours and not writable by others")
    }
}

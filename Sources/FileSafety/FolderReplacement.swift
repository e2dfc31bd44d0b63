import CPosix
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a generated folder all at once, and never deletes what the tool
/// did not write.
///
/// The files and their ``FolderManifest`` go into a private staging folder
/// beside the destination (`.<name>.tmp-<pid>-XXXXXX`), which then takes the
/// destination's place:
/// - no destination yet: a rename that cannot replace anything;
/// - an earlier output of the tool: an atomic exchange (`renameat2
///   RENAME_EXCHANGE`), after which the staging name holds the old output,
///   which is deleted. Where the file system cannot exchange, the old folder
///   is first renamed to `.<name>.old-<pid>`.
///
/// The path is resolved with the link rule of ``OutputPath`` first.
///
/// An interrupt at any point leaves the destination either old or new and
/// at most one hidden folder beside it, which the next run removes (or, for
/// an `.old` folder whose destination is missing, puts back).
public enum FolderReplacement {
    /// Replaces `destination` with exactly `files`. An existing destination
    /// must be a folder this tool wrote (``FolderManifest/ownershipProblem(of:)``)
    /// unless `force` is set.
    public static func replace(_ destination: String, with files: [(path: String, contents: String)],
                               force: Bool) throws(FileSafetyError) {
        for f in files where !FolderManifest.isSafeRelativePath(f.path) || f.path == FolderManifest.fileName {
            throw .io(path: destination, reason: "internal error: generated path '\(f.path)' is not a plain relative path")
        }
        var dest = destination
        while dest.count > 1, dest.hasSuffix("/") { dest.removeLast() }
        let parent = (dest as NSString).deletingLastPathComponent.isEmpty ? "." : (dest as NSString).deletingLastPathComponent
        let name = (dest as NSString).lastPathComponent
        guard !name.isEmpty, name != ".", name != "..", name != "/" else {
            throw .refused(path: destination, reason: "name a new or generated folder")
        }
        // The link rule of every output (``OutputPath``): no folder is made
        // through another user's link in a folder others can write.
        _ = try OutputPath.resolve(dest)
        if FileKind.following(parent) == nil, let failure = POSIX.makeDirectories(parent) {
            throw .io(path: destination, reason: failure)
        }
        guard FileKind.following(parent) == .directory else {
            throw .io(path: destination, reason: "\(parent) is not a folder")
        }
        recoverInterrupted(parent: parent, name: name)

        let existing = FileKind.of(dest)
        switch existing {
        case nil: break
        case .directory?:
            if !force, let problem = FolderManifest.ownershipProblem(of: dest) {
                throw .refused(path: destination, reason: "\(problem). Choose a new folder, or pass --force to replace it and everything in it")
            }
        case let kind?:
            throw .refused(path: destination, reason: "it exists and is \(kind), not a folder hepml-compile wrote")
        }

        let staging = try makeStaging(parent: parent, name: name, for: destination)
        let token = Interrupts.shared.removeOnInterrupt(staging)
        defer { Interrupts.shared.forget(token) }
        if let failure = fill(staging, with: files) {
            removeTree(staging)
            throw .io(path: destination, reason: "cannot write: \(failure)")
        }
        if existing == nil {
            let failure = moveWithoutReplacing(staging, to: dest)
            if failure == 0 { return }
            removeTree(staging)
            throw failure == EEXIST
                ? .refused(path: destination, reason: "it appeared while the design was being written; run again")
                : .io(path: destination, reason: "cannot move the output into place: \(String(cString: strerror(failure)))")
        }
        if hepml_rename_exchange(staging, dest) == 0 {
            removeTree(staging)  // now the old output
            return
        }
        guard errno == ENOSYS || errno == EINVAL else {
            let failure = POSIX.lastError
            removeTree(staging)
            throw .io(path: destination, reason: "cannot replace: \(failure)")
        }
        // No atomic exchange here: move the old folder aside first.
        let backup = "\(parent)/.\(name).old-\(getpid())"
        guard rename(dest, backup) == 0 else {
            let failure = POSIX.lastError
            removeTree(staging)
            throw .io(path: destination, reason: "cannot replace: \(failure)")
        }
        guard rename(staging, dest) == 0 else {
            let failure = POSIX.lastError
            _ = rename(backup, dest)
            removeTree(staging)
            throw .io(path: destination, reason: "cannot replace: \(failure)")
        }
        removeTree(backup)
    }

    /// A fresh private folder beside the destination.
    static func makeStaging(parent: String, name: String, for destination: String) throws(FileSafetyError) -> String {
        guard let staging = PrivateFolder.makeUnique("\(parent)/.\(name).tmp-\(getpid())-") else {
            throw .io(path: destination, reason: "cannot write: \(POSIX.lastError)")
        }
        return staging
    }

    /// Writes the manifest first, so that a staging folder left by an
    /// interrupt is recognisably the tool's, then the files. Nil on success,
    /// else why it failed.
    static func fill(_ staging: String, with files: [(path: String, contents: String)]) -> String? {
        let manifest = FolderManifest(files: files)
        let umaskValue = umask(0)
        umask(umaskValue)
        do { try GeneratedFiles.write([(FolderManifest.fileName, manifest.text)] + files, into: staging) } catch {
            if case .io(_, let reason) = error { return reason }
            return error.description
        }
        // mkdtemp made it 0700; the output gets the usual folder mode.
        chmod(staging, 0o777 & ~umaskValue)
        return nil
    }

    /// Renames `source` to `destination` only if nothing is there yet
    /// (`renameat2 RENAME_NOREPLACE`; where the file system lacks it, a
    /// plain rename after checking). 0 on success, else the `errno`
    /// (`EEXIST` when the destination exists).
    static func moveWithoutReplacing(_ source: String, to destination: String) -> Int32 {
        if hepml_rename_noreplace(source, destination) == 0 { return 0 }
        let failure = errno
        guard failure == ENOSYS || failure == EINVAL else { return failure }
        if FileKind.of(destination) != nil { return EEXIST }
        return rename(source, destination) == 0 ? 0 : errno
    }

    /// Removes folders a killed run left beside `name`: a staging folder, or
    /// an `.old` folder (put back when the destination is missing). Only
    /// folders that hold nothing but what the tool wrote, of processes that
    /// no longer exist, are touched.
    static func recoverInterrupted(parent: String, name: String) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for entry in entries.sorted() {
            let staged = entry.hasPrefix(".\(name).tmp-"), backup = entry.hasPrefix(".\(name).old-")
            guard staged || backup else { continue }
            let rest = entry.dropFirst(name.count + 6)
            guard let pid = pid_t(rest.prefix(while: { $0.isNumber })), !POSIX.isAlive(pid) else { continue }
            let path = "\(parent)/\(entry)"
            guard FileKind.of(path) == .directory else { continue }
            let empty = (try? FileManager.default.contentsOfDirectory(atPath: path))?.isEmpty ?? false
            guard empty || FolderManifest.ownershipProblem(of: path) == nil else { continue }
            if backup, FileKind.of("\(parent)/\(name)") == nil, rename(path, "\(parent)/\(name)") == 0 { continue }
            removeTree(path)
        }
    }

    static func removeTree(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// Foundation's text for a file error, with the POSIX reason it often
    /// leaves out ("Not a directory" instead of "NSCocoaErrorDomain error 512").
    public static func reason(_ error: Error) -> String {
        let ns = error as NSError
        guard let underlying = (ns.userInfo[NSUnderlyingErrorKey] as? Error).map({ $0 as NSError }),
              underlying.domain == NSPOSIXErrorDomain,
              let posix = String(validatingCString: strerror(Int32(underlying.code))) else { return error.localizedDescription }
        return ns.localizedDescription.contains(posix) ? ns.localizedDescription : "\(posix) (\(ns.localizedDescription))"
    }
}

import FileSafety
import Foundation
import ModelIR

/// Writes a compiled design's folder (`hls-out/<model>/` or `--out DIR`).
///
/// The folder is replaced all at once (``FolderReplacement``) and only if
/// hepml-compile wrote it: it holds a `hepml-manifest.json` that lists every
/// file in it, unedited. A folder with anything else in it is the user's and
/// is refused (exit 2) unless `force` is set.
///
/// Some destinations are refused even with `force`, because replacing them
/// would delete far more than a design: `/`, the home folder, the working
/// folder or any folder above it, and the folder holding the model file (or
/// any folder above it).
public enum OutputWriter {
    public static func replaceFolder(_ destination: String, with files: [GeneratedFile], force: Bool = false,
                                     protecting inputs: [String] = [],
                                     environment: [String: String] = ProcessInfo.processInfo.environment) throws(DriverError) {
        if let reason = forbiddenReason(destination, inputs: inputs, environment: environment) {
            throw .refused(.refused(path: destination, reason: reason))
        }
        do {
            try FolderReplacement.replace(destination, with: files.map { ($0.path, $0.contents) }, force: force)
        } catch {
            throw .refused(error)
        }
    }

    /// Throws if `destination` could not be replaced by ``replaceFolder(_:with:force:protecting:environment:)``
    /// as things stand: a forbidden folder, or (without `force`) an existing
    /// folder that is not an unedited output of hepml-compile. Lets a long
    /// command (report) refuse before its work rather than after.
    public static func checkFolder(_ destination: String, force: Bool, protecting inputs: [String] = [],
                                   environment: [String: String] = ProcessInfo.processInfo.environment) throws(DriverError) {
        if let reason = forbiddenReason(destination, inputs: inputs, environment: environment) {
            throw .refused(.refused(path: destination, reason: reason))
        }
        guard !force, let kind = FileKind.of(destination) else { return }
        guard kind == .directory else {
            throw .refused(.refused(path: destination, reason: "it exists and is \(kind), not a folder hepml-compile wrote"))
        }
        if let problem = FolderManifest.ownershipProblem(of: destination) {
            throw .refused(.refused(path: destination, reason: "\(problem). Choose a new folder, or pass --force to replace it and everything in it"))
        }
    }

    /// Refuses an output file (`--output`) that is one of the command's
    /// inputs (the same file by any path or link): writing it would destroy
    /// the data being read.
    public static func refuseOverwriting(_ output: String, inputs: [String]) throws(DriverError) {
        guard output != OutputFile.standardOutput, let target = FileIdentity.of(output) else { return }
        for input in inputs where FileIdentity.of(input) == target {
            throw .refused(.refused(path: output, reason: "it is the input file \(input); choose another output"))
        }
    }

    /// Why `destination` may never be replaced, or nil.
    static func forbiddenReason(_ destination: String, inputs: [String], environment: [String: String]) -> String? {
        guard !destination.isEmpty else { return "an output folder is required" }
        let target = absolute(destination)
        if target == "/" { return "it is the root folder" }
        if let home = environment["HOME"], home.hasPrefix("/"), target == absolute(home) {
            return "it is your home folder"
        }
        let cwd = absolute(FileManager.default.currentDirectoryPath)
        if contains(target, cwd) {
            return target == cwd ? "it is the working folder" : "it holds the working folder"
        }
        for input in inputs where !input.isEmpty {
            let folder = (absolute(input) as NSString).deletingLastPathComponent
            if contains(target, folder) || target == absolute(input) {
                return "it holds the input file \(input)"
            }
        }
        return nil
    }

    /// Whether `inner` is `outer` or lies below it.
    static func contains(_ outer: String, _ inner: String) -> Bool {
        inner == outer || outer == "/" || inner.hasPrefix(outer + "/")
    }

    /// `path` made absolute, with `.`/`..` resolved and the symbolic links
    /// of its longest existing prefix resolved, so that two spellings of one
    /// folder compare equal.
    static func absolute(_ path: String) -> String {
        var full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var parts: [Substring] = []
        for part in full.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        // Resolve links in the longest prefix that exists.
        var existing = parts.count
        while existing > 0 {
            let prefix = "/" + parts[..<existing].joined(separator: "/")
            if FileManager.default.fileExists(atPath: prefix) { break }
            existing -= 1
        }
        let prefix = "/" + parts[..<existing].joined(separator: "/")
        let resolved = URL(fileURLWithPath: prefix).resolvingSymlinksInPath().path
        full = parts[existing...].reduce(resolved) { $0 == "/" ? "/" + $1 : $0 + "/" + $1 }
        return full
    }
}

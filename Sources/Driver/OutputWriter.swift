import Foundation
import ModelIR

/// Writes a generated folder all at once: the files go to a temporary folder
/// beside the destination, which then replaces the destination. A failure at
/// any point leaves the previous folder as it was and no partial output.
public enum OutputWriter {
    public static func replaceFolder(_ destination: String, with files: [GeneratedFile]) throws(DriverError) {
        let fm = FileManager.default
        let dest = URL(fileURLWithPath: destination).standardizedFileURL
        let parent = dest.deletingLastPathComponent()
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(dest.lastPathComponent).tmp-\(pid)")
        let backup = parent.appendingPathComponent(".\(dest.lastPathComponent).old-\(pid)")
        // Replacing a file (say, `--out model.json`) would destroy it.
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: dest.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw .io("cannot write \(destination): it exists and is not a folder")
        }
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try? fm.removeItem(at: staging)
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
            for file in files {
                guard !file.path.hasPrefix("/"), !file.path.split(separator: "/").contains("..") else {
                    throw DriverError.io("internal error: generated path '\(file.path)' leaves the output folder")
                }
                let url = staging.appendingPathComponent(file.path)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.contents.utf8).write(to: url)
            }
        } catch let error as DriverError {
            try? fm.removeItem(at: staging)
            throw error
        } catch {
            try? fm.removeItem(at: staging)
            throw .io("cannot write \(destination): \(reason(error))")
        }
        do {
            if fm.fileExists(atPath: dest.path) { try fm.moveItem(at: dest, to: backup) }
            do {
                try fm.moveItem(at: staging, to: dest)
            } catch {
                if fm.fileExists(atPath: backup.path) { try? fm.moveItem(at: backup, to: dest) }
                throw error
            }
            try? fm.removeItem(at: backup)
        } catch {
            try? fm.removeItem(at: staging)
            throw .io("cannot replace \(destination): \(reason(error))")
        }
    }

    /// Foundation's text for a file error, with the POSIX reason it often
    /// leaves out ("Not a directory" instead of "NSCocoaErrorDomain error 512").
    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        guard let underlying = (ns.userInfo[NSUnderlyingErrorKey] as? Error).map({ $0 as NSError }),
              underlying.domain == NSPOSIXErrorDomain,
              let posix = String(validatingCString: strerror(Int32(underlying.code))) else { return error.localizedDescription }
        return ns.localizedDescription.contains(posix) ? ns.localizedDescription : "\(posix) (\(ns.localizedDescription))"
    }
}

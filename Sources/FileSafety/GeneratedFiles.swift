import Foundation

/// Generated files written into a folder the tool made for them (a staging,
/// build or scratch folder): the one way every writer puts a list of
/// `(relative path, text)` on disk.
public enum GeneratedFiles {
    /// Writes `files` into the existing folder `folder`, making the
    /// subfolders they need. Each path must be plain and relative
    /// (``FolderManifest/isSafeRelativePath(_:)``), so nothing is written
    /// outside the folder. Throws ``FileSafetyError/io(path:reason:)`` naming
    /// the folder, with the file system's reason.
    public static func write(_ files: [(path: String, contents: String)], into folder: String) throws(FileSafetyError) {
        for f in files where !FolderManifest.isSafeRelativePath(f.path) {
            throw .io(path: folder, reason: "internal error: generated path '\(f.path)' is not a plain relative path")
        }
        do {
            for file in files {
                let url = URL(fileURLWithPath: folder + "/" + file.path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.contents.utf8).write(to: url)
            }
        } catch {
            throw .io(path: folder, reason: FolderReplacement.reason(error))
        }
    }
}

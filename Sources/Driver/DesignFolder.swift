import FileSafety
import Foundation
import InputFiles
import ModelIR
import Passes

/// A compiled design folder (`hls-out/<model>/`, or the compiler's `--out DIR`)
/// read back for `simulate DIR` and `csim DIR`: its ``DesignDescriptor``, the
/// lowered model of `lowered.txt` (the reference) and the sources a
/// simulation builds, as they are on disk.
///
/// The user may have edited the sources by hand: a file whose contents
/// differ from `hepml-manifest.json` is read all the same and named in
/// ``edited``. Nothing in the folder is written, and nothing in it is run.
struct DesignFolder {
    let path: String
    let manifest: FolderManifest
    let descriptor: DesignDescriptor
    let model: LoweredModel
    /// The files read so far whose contents differ from the manifest (or
    /// that it does not list), relative to the folder.
    private(set) var edited: [String] = []

    /// The largest file read from the folder.
    static let maxFileBytes = 1 << 30

    /// Whether `path` names a folder holding a manifest (a design to
    /// simulate) rather than a model file; a folder without one is refused.
    static func holdsDesign(_ path: String, command: String) throws(DriverError) -> Bool {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return false }
        guard FileManager.default.fileExists(atPath: path + "/" + FolderManifest.fileName) else {
            throw .option("\(path) is a folder without \(FolderManifest.fileName): \(command) takes a model file, "
                + "or a folder hepml-compile compiled a model into (hls-out/<model>, --out DIR)")
        }
        return true
    }

    /// Reads the manifest, the descriptor and the lowered model; each must be
    /// there and readable (exit 2 naming the file otherwise).
    init(_ path: String) throws(DriverError) {
        self.path = path
        let manifestPath = path + "/" + FolderManifest.fileName
        let manifestData: Data
        do { manifestData = try InputFile.read(manifestPath, maxBytes: 64 << 20) } catch {
            throw .option("cannot read \(manifestPath): \(error)")
        }
        guard let manifest = FolderManifest.parse(manifestData) else {
            throw .option("\(manifestPath) is not a manifest hepml-compile wrote")
        }
        self.manifest = manifest
        var edited: [String] = []
        let descriptorData = try Self.read(DesignDescriptor.fileName, in: path, manifest: manifest, edited: &edited,
                                           missing: "compile the model again: older hepml-compile versions did not write it")
        do { descriptor = try DesignDescriptor.parse(descriptorData) } catch {
            throw .option("\(path)/\(DesignDescriptor.fileName): \(error)")
        }
        guard FolderManifest.isSafeRelativePath(descriptor.lowered) else {
            throw .option("\(path)/\(DesignDescriptor.fileName): lowered '\(descriptor.lowered)' is not a path inside the folder")
        }
        let loweredPath = path + "/" + descriptor.lowered
        let text = String(decoding: try Self.read(descriptor.lowered, in: path, manifest: manifest, edited: &edited), as: UTF8.self)
        do {
            let parsed = try LoweredParser.parse(text)
            try Verify.run(parsed, after: "reading \(descriptor.lowered)")
            model = parsed
        } catch {
            throw .option("\(loweredPath): \(error)")
        }
        let ports = DesignDescriptor.ports(of: model)
        guard ports.inputs == descriptor.inputs, ports.outputs == descriptor.outputs else {
            throw .option("\(loweredPath) does not match \(path)/\(DesignDescriptor.fileName): its model's inputs and outputs "
                + "differ from the ones the design was compiled for")
        }
        self.edited = edited
    }

    /// The files `names` of the folder's `subfolder` (``DesignDescriptor/rtlFolder``
    /// or ``DesignDescriptor/hlsFolder``), named relative to it as design.json names them.
    mutating func sources(_ names: [String], in subfolder: String) throws(DriverError) -> [GeneratedFile] {
        var files: [GeneratedFile] = []
        for name in names {
            let relative = subfolder + "/" + name
            guard FolderManifest.isSafeRelativePath(name) else {
                throw .option("\(path)/\(DesignDescriptor.fileName): '\(name.prefix(200))' is not a path inside the folder's \(subfolder)/")
            }
            guard manifest.entries.contains(where: { $0.path == relative }) else {
                // Edited sources are the user's to try; a source hepml-compile never
                // wrote, named by an edited design.json, is not compiled.
                throw .option("\(path)/\(relative) is not in \(path)/\(FolderManifest.fileName), but \(DesignDescriptor.fileName) "
                    + "names it as a source: hepml-compile did not write it and will not compile it (compile the model again)")
            }
            let data = try Self.read(relative, in: path, manifest: manifest, edited: &edited)
            files.append(GeneratedFile(path: name, contents: String(decoding: data, as: UTF8.self)))
        }
        return files
    }

    /// The warning naming the edited files, or nil when there are none.
    var editedWarning: String? {
        guard !edited.isEmpty else { return nil }
        let one = edited.count == 1
        return "\(one ? "this file differs" : "these files differ") from \(path)/\(FolderManifest.fileName) "
            + "(edited by hand?); simulating \(one ? "it as it is" : "them as they are"): " + edited.joined(separator: ", ")
    }

    /// The warning naming what the folder holds besides the files its
    /// manifest lists (an `rtl/evil.v` added later), or nil. They are not
    /// used: only the sources design.json names are built.
    var unlistedWarning: String? {
        let unlisted = manifest.unlistedEntries(in: path)
        guard !unlisted.isEmpty else { return nil }
        let one = unlisted.count == 1
        return "\(path) holds \(one ? "a file" : "files") that \(path)/\(FolderManifest.fileName) does not list "
            + "(hepml-compile did not write \(one ? "it" : "them")); not used: " + unlisted.joined(separator: ", ")
    }

    /// Reads one file of the folder, noting it in `edited` when the manifest
    /// does not list it with these contents. `missing` tells what to do
    /// when it is not there.
    private static func read(_ relative: String, in folder: String, manifest: FolderManifest, edited: inout [String],
                             missing: String? = nil) throws(DriverError) -> Data {
        let full = folder + "/" + relative
        let data: Data
        do { data = try InputFile.read(full, maxBytes: maxFileBytes) } catch {
            if case .notAFile(.missing) = error {
                throw .option("\(full) is missing; the design needs it" + (missing.map { " (\($0))" } ?? ""))
            }
            throw .option("cannot read \(full): \(error)")
        }
        var hash = ContentHash()
        hash.add(bytes: data)
        let entry = manifest.entries.first { $0.path == relative }
        if entry?.bytes != data.count || entry?.hash != hash.hex { edited.append(relative) }
        return data
    }
}

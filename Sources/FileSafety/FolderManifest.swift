import Foundation

/// The list of files hepml-compile wrote into an output folder, kept in the
/// folder as `hepml-manifest.json`. It is how the tool knows a folder is its
/// own: a folder is replaced only when everything in it is listed here,
/// with the size and hash it was written with. A file the user added or
/// edited makes the folder the user's.
public struct FolderManifest: Sendable, Equatable {
    /// The manifest's file name inside the folder.
    public static let fileName = "hepml-manifest.json"
    /// Marks the manifest as ours.
    public static let generator = "hepml-compile"

    public struct Entry: Sendable, Equatable {
        /// Relative to the folder, `/`-separated.
        public var path: String
        public var bytes: Int
        /// ``ContentHash`` of the contents.
        public var hash: String
    }

    /// Sorted by path.
    public var entries: [Entry]

    /// The manifest of files about to be written (`path`, `contents`).
    public init(files: [(path: String, contents: String)]) {
        entries = files.map { Entry(path: $0.path, bytes: $0.contents.utf8.count, hash: ContentHash.of($0.contents)) }
            .sorted { $0.path < $1.path }
    }

    init(entries: [Entry]) { self.entries = entries }

    /// The manifest file's text: one entry per line, deterministic.
    public var text: String {
        var out = "{\n  \"generator\": \"\(Self.generator)\",\n  \"manifest_version\": 1,\n  \"files\": [\n"
        out += entries.map { e in
            "    {\"path\": \(Self.jsonString(e.path)), \"bytes\": \(e.bytes), \"hash\": \"\(e.hash)\"}"
        }.joined(separator: ",\n")
        out += (entries.isEmpty ? "" : "\n") + "  ]\n}\n"
        return out
    }

    /// Parses a manifest; nil if the text is not one this tool wrote.
    public static func parse(_ data: Data) -> FolderManifest? {
        guard data.count <= 64 << 20,
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              object["generator"] as? String == generator,
              let files = object["files"] as? [[String: Any]] else { return nil }
        var entries: [Entry] = []
        for f in files {
            guard let path = f["path"] as? String, let bytes = f["bytes"] as? Int, let hash = f["hash"] as? String,
                  isSafeRelativePath(path) else { return nil }
            entries.append(Entry(path: path, bytes: bytes, hash: hash))
        }
        return FolderManifest(entries: entries)
    }

    /// A relative path that stays inside its folder: no leading `/`, no
    /// empty, `.` or `..` component.
    public static func isSafeRelativePath(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/") else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Nil when `folder` holds nothing but the files this manifest lists
    /// (some may be missing), each as it was written; otherwise the first
    /// thing that makes the folder not the tool's own.
    public static func ownershipProblem(of folder: String) -> String? {
        let manifestPath = folder + "/" + fileName
        guard FileKind.of(manifestPath) == .regular else {
            return "it has no \(fileName), so hepml-compile did not create it"
        }
        guard let data = FileManager.default.contents(atPath: manifestPath), let manifest = parse(data) else {
            return "its \(fileName) is not one hepml-compile wrote"
        }
        var listed: [String: Entry] = [:]
        var folders: Set<String> = []
        for e in manifest.entries {
            listed[e.path] = e
            var parts = e.path.split(separator: "/").dropLast()
            while !parts.isEmpty {
                folders.insert(parts.joined(separator: "/"))
                parts = parts.dropLast()
            }
        }
        var problem: String?
        walk(folder, relative: "") { relative, kind in
            if relative == fileName { return true }
            switch kind {
            case .directory where folders.contains(relative):
                return true
            case .regular:
                guard let entry = listed[relative] else {
                    problem = "\(relative) is not a file hepml-compile wrote"
                    return false
                }
                guard let contents = FileManager.default.contents(atPath: folder + "/" + relative),
                      contents.count == entry.bytes else {
                    problem = "\(relative) was changed since hepml-compile wrote it"
                    return false
                }
                var h = ContentHash()
                h.add(bytes: contents)
                if h.hex != entry.hash {
                    problem = "\(relative) was changed since hepml-compile wrote it"
                    return false
                }
                return true
            default:
                problem = "\(relative) (\(kind)) is not something hepml-compile wrote"
                return false
            }
        }
        return problem
    }

    /// The files and other entries below `folder` (relative, sorted) that
    /// this manifest does not list: what someone else put there. Folders
    /// that hold listed files are not named; the manifest itself is listed.
    public func unlistedEntries(in folder: String) -> [String] {
        let listed = Set(entries.map(\.path))
        var folders: Set<String> = []
        for e in entries {
            var parts = e.path.split(separator: "/").dropLast()
            while !parts.isEmpty {
                folders.insert(parts.joined(separator: "/"))
                parts = parts.dropLast()
            }
        }
        var unlisted: [String] = []
        Self.walk(folder, relative: "") { relative, kind in
            if relative == Self.fileName || listed.contains(relative) { return true }
            if kind == .directory && folders.contains(relative) { return true }
            unlisted.append(relative)
            return unlisted.count < 1000
        }
        return unlisted
    }

    /// Visits every entry below `folder` (without following links) until
    /// `visit` returns false.
    @discardableResult
    static func walk(_ folder: String, relative: String, _ visit: (String, FileKind) -> Bool) -> Bool {
        let path = relative.isEmpty ? folder : folder + "/" + relative
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return true }
        for name in names.sorted() {
            let child = relative.isEmpty ? name : relative + "/" + name
            let kind = FileKind.of(folder + "/" + child) ?? .other
            guard visit(child, kind) else { return false }
            if kind == .directory, !walk(folder, relative: child, visit) { return false }
        }
        return true
    }
}

import Foundation

/// Generated sources that an external tool (g++, Verilator) builds into an
/// entry of a ``BuildCache`` named by the content hash of the sources and
/// the tool's identity, so that the same sources are built once.
///
/// A build never happens in its cache entry: ``stage()`` writes the sources
/// into a fresh private folder beside it (`mkdtemp`, mode 0700), the tool
/// builds there, and ``Staging/commit()`` renames the finished folder into
/// place without replacing anything. A concurrent run of the same build
/// therefore never sees half a folder, and an entry that is already there,
/// whoever made it, is never deleted or overwritten: it is reused if it is
/// trusted (``Trust``) and refused otherwise.
public struct StagedBuild: Sendable {
    public let cache: BuildCache
    /// The ``ContentHash`` of the tool's identity and the files (``key(files:tool:)``).
    public let key: String
    /// The cache entry: `<name>-<key>` in the cache.
    public let folder: String
    /// The path of the build's product (an executable) inside ``folder``;
    /// nil when the folder as a whole is what is kept.
    public let product: String?
    let files: [GeneratedSource]

    /// One generated file: a plain path relative to the build folder and its text.
    struct GeneratedSource: Sendable {
        var path: String
        var contents: String
    }

    /// - Parameters:
    ///   - name: the first part of the entry's name (the top module or
    ///     function; ``isPlainName(_:)``, else it is refused: a design
    ///     folder's `design.json` may have been edited).
    ///   - files: what the tool reads, as paths relative to the build folder.
    ///   - tool: everything besides the files that decides the product: the
    ///     tool's flags, the header folder it includes, ...
    ///   - product: the executable the build makes, relative to the folder.
    /// Throws ``FileSafetyError/refused(path:reason:)`` for a name that is
    /// not plain, ``FileSafetyError/io(path:reason:)`` for a product path
    /// that is not a plain relative path (file paths are checked when
    /// staged, ``GeneratedFiles/write(_:into:)``).
    public init(name: String, files: [(path: String, contents: String)], tool: [String], product: String?,
                cache: BuildCache) throws(FileSafetyError) {
        guard Self.isPlainName(name) else {
            throw .refused(path: name, reason: "a build folder is named after it, and only letters, digits, '_', '-', '$' "
                + "and (not first) '.' may be used there")
        }
        if let product, !FolderManifest.isSafeRelativePath(product) {
            throw .io(path: cache.root, reason: "internal error: build product '\(product)' is not a plain relative path")
        }
        self.cache = cache
        self.files = files.map { GeneratedSource(path: $0.path, contents: $0.contents) }
        key = Self.key(files: files, tool: tool)
        let folder = cache.entry("\(name)-\(key)")
        self.folder = folder
        self.product = product.map { folder + "/" + $0 }
    }

    /// Whether `name` can name a folder inside the cache and nothing else:
    /// ASCII letters, digits, `_`, `-`, `$`, and `.` anywhere but first.
    public static func isPlainName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first != UInt8(ascii: ".") else { return false }
        return name.utf8.allSatisfy { c in
            (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || "_-$.".utf8.contains(c)
        }
    }

    /// The ``ContentHash`` of `tool` (in order, after their count, so that a
    /// flag cannot pass for a file) and of the files sorted by path (each
    /// path, then its contents): the order the files are given in does not
    /// matter, any change to a path, a byte or a flag does.
    public static func key(files: [(path: String, contents: String)], tool: [String]) -> String {
        var hash = ContentHash()
        hash.add("\(tool.count) tool values")
        tool.forEach { hash.add($0) }
        for f in files.sorted(by: { $0.path < $1.path }) {
            hash.add(f.path)
            hash.add(f.contents)
        }
        return hash.hex
    }

    /// Whether the cache holds this build, finished (with its product) and
    /// trusted. Throws ``FileSafetyError/refused(path:reason:)`` when the
    /// entry is there but not trusted: it can be neither run nor replaced.
    public func isCached() throws(FileSafetyError) -> Bool {
        try cache.reusable(folder, executable: product)
    }

    /// A new private folder beside ``folder`` holding the files, for the
    /// tool to build in; it is removed if the process is interrupted before
    /// ``Staging/commit()``, ``Staging/discard()`` or ``Staging/keep()``.
    public func stage() throws(FileSafetyError) -> Staging {
        guard let path = PrivateFolder.makeUnique("\(folder).tmp-\(getpid())-") else {
            throw .io(path: folder + ".tmp-*", reason: "cannot create a build folder: \(POSIX.lastError)")
        }
        let staging = Staging(path: path, build: self)
        do { try GeneratedFiles.write(files.map { ($0.path, $0.contents) }, into: path) } catch {
            staging.discard()
            throw error
        }
        return staging
    }

    /// A build in progress: the sources in a private folder, to be moved
    /// into the cache when the tool has succeeded. Exactly one of
    /// ``commit()``, ``discard()`` and ``keep()`` ends it.
    public struct Staging: Sendable {
        /// The folder the tool builds in.
        public let path: String
        let build: StagedBuild
        private let token: UInt64

        init(path: String, build: StagedBuild) {
            self.path = path
            self.build = build
            token = Interrupts.shared.removeOnInterrupt(path)
        }

        /// Moves the finished build into ``StagedBuild/folder``. When another
        /// run put the same build there first, this one is removed and that
        /// one is used, if it is trusted and has the product; otherwise the
        /// entry is left as it is and this throws.
        public func commit() throws(FileSafetyError) {
            defer { Interrupts.shared.forget(token) }
            // The tools made their files with the umask's modes (0664 under
            // umask 002), which the trust check of a later run refuses: the
            // cache is private whatever the umask.
            PrivateFolder.restrictToOwner(path)
            let failure = FolderReplacement.moveWithoutReplacing(path, to: build.folder)
            guard failure != 0 else { return }
            FolderReplacement.removeTree(path)
            guard failure == EEXIST || failure == ENOTEMPTY, try build.isCached() else {
                throw .io(path: build.folder, reason: String(cString: strerror(failure)))
            }
        }

        /// Removes the folder: a build that failed for a reason its log
        /// does not explain, or that is not wanted.
        public func discard() {
            FolderReplacement.removeTree(path)
            Interrupts.shared.forget(token)
        }

        /// Leaves the folder where it is (a failed build whose log the error
        /// message names); it is no longer removed on an interrupt.
        public func keep() {
            Interrupts.shared.forget(token)
        }
    }
}

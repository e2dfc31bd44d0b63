import Foundation

/// A folder of builds keyed by content hash (Verilator models, C
/// simulations), whose executables are run again on later calls. Before an
/// entry is reused, every file in it must be trusted (``Trust``): a build
/// planted or altered by another user is refused, never run.
public struct BuildCache: Sendable {
    public let root: String

    /// The user's chosen folder (`--work DIR`), or else the per-user cache
    /// `…/hepml-compile/<component>`.
    public init(component: String, chosen: String?,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws(FileSafetyError) {
        if let chosen {
            root = try PrivateFolder.userChosenCache(chosen)
        } else {
            root = try PrivateFolder.userCache(component, environment: environment)
        }
    }

    /// The path of the entry called `name`.
    public func entry(_ name: String) -> String { root + "/" + name }

    /// Whether `folder` holds a build that may be reused: false when it is
    /// absent (or lacks `executable`); throws when it is there but not
    /// trusted, since it can then be neither run nor replaced.
    public func reusable(_ folder: String, executable: String?) throws(FileSafetyError) -> Bool {
        guard FileKind.of(folder) != nil else { return false }
        try Trust.requireTree(folder, purpose: "a cached build is run; remove it or choose another --work folder")
        guard let executable else { return true }
        return FileKind.of(executable) == .regular && FileManager.default.isExecutableFile(atPath: executable)
    }
}

/// A private scratch folder for one step (``PrivateFolder/makeTemporary(_:environment:)``),
/// removed by ``remove()`` or, if the process is interrupted first, by
/// ``Interrupts``.
public struct ScratchFolder: Sendable {
    public let path: String
    private let token: UInt64

    public init(_ label: String) throws(FileSafetyError) {
        path = try PrivateFolder.makeTemporary(label)
        token = Interrupts.shared.removeOnInterrupt(path)
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
        Interrupts.shared.forget(token)
    }
}

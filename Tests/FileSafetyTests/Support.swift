import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A fresh folder for one test, removed at the end of the test's scope.
final class TestFolder {
    let path: String

    init() throws {
        var template = Array("/tmp/hepml-filesafety-test-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw CocoaError(.fileWriteUnknown)
        }
        path = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ relative: String, _ text: String) throws {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
    }

    func read(_ relative: String) -> String? {
        FileManager.default.contents(atPath: path + "/" + relative).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every entry below `relative` with its text (nil for a folder).
    func contents(_ relative: String) -> [String: String] {
        var out: [String: String] = [:]
        for entry in listing(relative) { out[entry] = read(relative + "/" + entry) ?? "<folder>" }
        return out
    }

    /// Every entry below the folder, hidden ones included, sorted.
    func listing(_ relative: String = "") -> [String] {
        let base = relative.isEmpty ? path : path + "/" + relative
        return ((FileManager.default.enumerator(atPath: base)?.allObjects as? [String]) ?? []).sorted()
    }
}

/// The permission bits of a path.
func mode(_ path: String) -> Int {
    var st = stat()
    return lstat(path, &st) == 0 ? Int(st.st_mode & 0o7777) : -1
}

/// Whether the tests run as root (they can then chown to another user).
let runningAsRoot = geteuid() == 0

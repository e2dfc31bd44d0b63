import FileSafety
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct TrustTests {
    @Test func ownFilesAreTrusted() throws {
        let t = try TestFolder()
        try t.write("a/b.h", "x")
        #expect(Trust.problem(with: t.path + "/a/b.h") == nil)
        try Trust.requireTree(t.path, purpose: "test")
    }

    @Test func aFileWritableByOthersIsNot() throws {
        let t = try TestFolder()
        try t.write("a/b.h", "x")
        chmod(t.path + "/a/b.h", 0o666)
        #expect(Trust.problem(with: t.path + "/a/b.h") == "it is writable by other users (mode 666)")
        #expect(throws: FileSafetyError.self) { try Trust.requireTree(t.path, purpose: "test") }
        chmod(t.path + "/a/b.h", 0o644)
        chmod(t.path + "/a", 0o775)
        #expect(Trust.problem(with: t.path + "/a") == "it is writable by other users (mode 775)")
    }

    @Test func aSymbolicLinkIsNot() throws {
        let t = try TestFolder()
        try FileManager.default.createSymbolicLink(atPath: t.path + "/l", withDestinationPath: "/bin/sh")
        #expect(Trust.problem(with: t.path + "/l") == "it is a symbolic link")
    }

    @Test(.enabled(if: runningAsRoot)) func anotherUsersFileIsNot() throws {
        let t = try TestFolder()
        try t.write("planted", "x")
        chown(t.path + "/planted", 12345, 12345)
        #expect(Trust.problem(with: t.path + "/planted") == "it belongs to user 12345, not to you (user 0) or root")
    }

    @Test func scratchFoldersArePrivateAndUnique() throws {
        let a = try PrivateFolder.makeTemporary("unit")
        let b = try PrivateFolder.makeTemporary("unit")
        defer { try? FileManager.default.removeItem(atPath: a); try? FileManager.default.removeItem(atPath: b) }
        #expect(a != b)
        #expect(mode(a) == 0o700)
        #expect(a.hasPrefix("/tmp/hepml-unit-") || a.contains("/hepml-unit-"))
    }

    @Test func theUserCacheIsPrivateAndChecked() throws {
        let t = try TestFolder()
        let env = ["XDG_CACHE_HOME": t.path + "/cache", "HOME": "/nonexistent"]
        let dir = try PrivateFolder.userCache("verilator", environment: env)
        #expect(dir == t.path + "/cache/hepml-compile/verilator")
        #expect(mode(t.path + "/cache/hepml-compile") == 0o700)
        #expect(mode(dir) == 0o700)
        chmod(t.path + "/cache/hepml-compile", 0o777)
        #expect(throws: FileSafetyError.self) { try PrivateFolder.userCache("verilator", environment: env) }
    }

    @Test func aRelativeCacheHomeIsIgnored() throws {
        let t = try TestFolder()
        let dir = try PrivateFolder.userCache("csim", environment: ["XDG_CACHE_HOME": "relative/cache", "HOME": t.path])
        #expect(dir == t.path + "/.cache/hepml-compile/csim")
    }

    @Test func aPlantedBuildIsRefusedNotRun() throws {
        let t = try TestFolder()
        let cache = try BuildCache(component: "csim", chosen: t.path + "/work")
        #expect(try cache.reusable(cache.entry("absent"), executable: cache.entry("absent/csim")) == false)
        try t.write("work/model-123/csim", "#!/bin/sh\ntouch /tmp/PWNED\n")
        chmod(t.path + "/work/model-123/csim", 0o777)
        let error = #expect(throws: FileSafetyError.self) {
            _ = try cache.reusable(cache.entry("model-123"), executable: cache.entry("model-123/csim"))
        }
        #expect(error == .refused(path: t.path + "/work/model-123/csim",
                                  reason: "it is writable by other users (mode 777); a cached build is run; remove it or choose another --work folder"))
        chmod(t.path + "/work/model-123/csim", 0o755)
        #expect(try cache.reusable(cache.entry("model-123"), executable: cache.entry("model-123/csim")))
    }
}

import FileSafety
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The one staged, content-hashed build folder that the C and RTL
/// simulations build in (``StagedBuild``).
@Suite struct StagedBuildTests {
    static let files: [(path: String, contents: String)] = [("top.cpp", "int main() { return 0; }\n"), ("inc/top.h", "#pragma once\n")]
    static let tool = ["-std=c++17", "-O1"]

    /// Stages `files`, "builds" a product script into the staging folder and commits it.
    static func buildAndCommit(_ build: StagedBuild) throws {
        let staging = try build.stage()
        try Data("#!/bin/sh\nexit 0\n".utf8).write(to: URL(fileURLWithPath: staging.path + "/bin"))
        chmod(staging.path + "/bin", 0o755)
        try staging.commit()
    }

    @Test func theKeyDependsOnEveryFileAndFlagButNotOnTheOrderOfTheFiles() {
        let key = StagedBuild.key(files: Self.files, tool: Self.tool)
        #expect(key.count == 32)
        #expect(StagedBuild.key(files: Self.files, tool: Self.tool) == key)
        #expect(StagedBuild.key(files: Self.files.reversed(), tool: Self.tool) == key)
        let edited = [("top.cpp", "int main() { return 1; }\n"), Self.files[1]]
        #expect(StagedBuild.key(files: edited, tool: Self.tool) != key)
        let renamed = [("main.cpp", Self.files[0].contents), Self.files[1]]
        #expect(StagedBuild.key(files: renamed, tool: Self.tool) != key)
        #expect(StagedBuild.key(files: Self.files, tool: ["-std=c++17", "-O2"]) != key)
        #expect(StagedBuild.key(files: Self.files, tool: Self.tool + ["/opt/ap_types"]) != key)
        // Flags and files are separated: a flag cannot pass for a path.
        #expect(StagedBuild.key(files: [], tool: ["a", "b"]) != StagedBuild.key(files: [("a", "b")], tool: []))
    }

    @Test func aCommittedBuildIsFoundAgainAndItsFolderHoldsTheFiles() throws {
        let t = try TestFolder()
        let cache = try BuildCache(component: "csim", chosen: t.path + "/work")
        let build = try StagedBuild(name: "tagger", files: Self.files, tool: Self.tool, product: "bin", cache: cache)
        #expect(build.folder == t.path + "/work/tagger-" + StagedBuild.key(files: Self.files, tool: Self.tool))
        #expect(build.product == build.folder + "/bin")
        #expect(try build.isCached() == false)

        let staging = try build.stage()
        #expect(staging.path.hasPrefix(build.folder + ".tmp-\(getpid())-"))
        #expect(mode(staging.path) == 0o700)
        #expect(t.read("work/" + (staging.path as NSString).lastPathComponent + "/inc/top.h") == "#pragma once\n")
        staging.discard()
        #expect(FileKind.of(staging.path) == nil)
        #expect(try build.isCached() == false)

        try Self.buildAndCommit(build)
        #expect(t.listing("work") == ["tagger-\(build.key)", "tagger-\(build.key)/bin", "tagger-\(build.key)/inc",
                                      "tagger-\(build.key)/inc/top.h", "tagger-\(build.key)/top.cpp"])
        let again = try StagedBuild(name: "tagger", files: Self.files.reversed(), tool: Self.tool, product: "bin",
                                    cache: BuildCache(component: "csim", chosen: t.path + "/work"))
        #expect(again.folder == build.folder)
        #expect(try again.isCached())
        let edited = try StagedBuild(name: "tagger", files: [("top.cpp", "int main() { return 2; }\n")], tool: Self.tool,
                                     product: "bin", cache: cache)
        #expect(edited.folder != build.folder)
        #expect(try edited.isCached() == false)
    }

    @Test func aBuildWithoutItsProductIsNotCached() throws {
        let t = try TestFolder()
        let cache = try BuildCache(component: "csim", chosen: t.path + "/work")
        let build = try StagedBuild(name: "tagger", files: Self.files, tool: Self.tool, product: "bin", cache: cache)
        try build.stage().commit()
        #expect(FileKind.of(build.folder) == .directory)
        #expect(try build.isCached() == false)
        // A folder that is kept whole (no product) is cached once it is there.
        let objects = try StagedBuild(name: "runtime", files: [], tool: ["OPT=-O0"], product: nil, cache: cache)
        #expect(try objects.isCached() == false)
        try objects.stage().commit()
        #expect(try objects.isCached())
    }

    @Test func anEntryAlreadyThereIsNeverReplaced() throws {
        let t = try TestFolder()
        let cache = try BuildCache(component: "csim", chosen: t.path + "/work")
        let build = try StagedBuild(name: "tagger", files: Self.files, tool: Self.tool, product: "bin", cache: cache)
        // Something the tool did not make sits where the build goes.
        try t.write("work/tagger-\(build.key)/notes.txt", "mine")
        let staging = try build.stage()
        let error = #expect(throws: FileSafetyError.self) { try staging.commit() }
        #expect(error?.description.hasPrefix(build.folder + ": ") == true, "\(String(describing: error))")
        #expect(t.read("work/tagger-\(build.key)/notes.txt") == "mine")
        #expect(t.listing("work") == ["tagger-\(build.key)", "tagger-\(build.key)/notes.txt"], "the staging folder is removed")
    }

    @Test func aConcurrentRunsFinishedBuildIsUsed() throws {
        let t = try TestFolder()
        let cache = try BuildCache(component: "csim", chosen: t.path + "/work")
        let build = try StagedBuild(name: "tagger", files: Self.files, tool: Self.tool, product: "bin", cache: cache)
        let mine = try build.stage()
        try Self.buildAndCommit(build)  // the other run wins the race
        try mine.commit()
        #expect(try build.isCached())
        #expect(t.listing("work").filter { $0.contains(".tmp-") }.isEmpty)
    }

    @Test func aTamperedEntryIsRefusedNotRunAndNotReplaced() throws {
        let t = try TestFolder()
        let cache = try BuildCache(component: "csim", chosen: t.path + "/work")
        let build = try StagedBuild(name: "tagger", files: Self.files, tool: Self.tool, product: "bin", cache: cache)
        try Self.buildAndCommit(build)
        chmod(build.product!, 0o777)
        let error = #expect(throws: FileSafetyError.self) { try build.isCached() }
        #expect(error == .refused(path: build.product!, reason: "it is writable by other users (mode 777); "
                                    + "a cached build is run; remove it or choose another --work folder"))
        let staging = try build.stage()
        #expect(throws: FileSafetyError.self) { try staging.commit() }
        #expect(mode(build.product!) == 0o777, "the entry is left as it was")
    }

    @Test func anUnsafeCacheFolderIsRefused() throws {
        let t = try TestFolder()
        try FileManager.default.createDirectory(atPath: t.path + "/shared", withIntermediateDirectories: false)
        chmod(t.path + "/shared", 0o777)
        let error = #expect(throws: FileSafetyError.self) { try BuildCache(component: "csim", chosen: t.path + "/shared") }
        #expect(error?.description.contains("writable by other users (mode 777)") == true, "\(String(describing: error))")
        // The per-user cache is refused the same way.
        try FileManager.default.createDirectory(atPath: t.path + "/xdg/hepml-compile", withIntermediateDirectories: true)
        chmod(t.path + "/xdg/hepml-compile", 0o777)
        #expect(throws: FileSafetyError.self) {
            try BuildCache(component: "csim", chosen: nil, environment: ["XDG_CACHE_HOME": t.path + "/xdg"])
        }
    }

    @Test func namesAndPathsThatCouldLeaveTheCacheAreRefused() throws {
        let t = try TestFolder()
        let cache = try BuildCache(component: "verilator", chosen: t.path + "/work")
        for name in ["../x", "a/b", "", ".hidden", "a b"] {
            #expect(throws: FileSafetyError.self, "\(name)") {
                try StagedBuild(name: name, files: Self.files, tool: [], product: nil, cache: cache)
            }
        }
        #expect(throws: FileSafetyError.self) {
            try StagedBuild(name: "top", files: Self.files, tool: [], product: "../bin", cache: cache)
        }
        let escaping = try StagedBuild(name: "top", files: [("../../escaped.txt", "x")], tool: [], product: nil, cache: cache)
        #expect(throws: FileSafetyError.self) { try escaping.stage() }
        #expect(t.read("escaped.txt") == nil)
        #expect(t.listing("work").isEmpty, "the staging folder is removed")
    }
}

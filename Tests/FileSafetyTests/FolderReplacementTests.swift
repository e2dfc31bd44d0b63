import FileSafety
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct FolderReplacementTests {
    static let design: [(path: String, contents: String)] = [("rtl/top.v", "module top; endmodule\n"), ("lowered.txt", "model m\n")]

    @Test func writesANewFolderWithItsManifest() throws {
        let t = try TestFolder()
        try FolderReplacement.replace(t.path + "/out", with: Self.design, force: false)
        #expect(t.listing("out") == ["hepml-manifest.json", "lowered.txt", "rtl", "rtl/top.v"])
        #expect(FolderManifest.ownershipProblem(of: t.path + "/out") == nil)
        #expect(t.listing() == ["out", "out/hepml-manifest.json", "out/lowered.txt", "out/rtl", "out/rtl/top.v"],
                "no staging or backup folder is left beside it")
    }

    @Test func replacesItsOwnEarlierOutputCompletely() throws {
        let t = try TestFolder()
        try FolderReplacement.replace(t.path + "/out", with: Self.design + [("extra.txt", "gone soon\n")], force: false)
        try FolderReplacement.replace(t.path + "/out", with: [("rtl/top.v", "module top2; endmodule\n")], force: false)
        #expect(t.read("out/rtl/top.v") == "module top2; endmodule\n")
        #expect(t.listing("out") == ["hepml-manifest.json", "rtl", "rtl/top.v"])
        #expect(t.listing().filter { $0.hasPrefix(".") }.isEmpty)
    }

    @Test(arguments: [
        ("notes.txt", "notes.txt is not a file hepml-compile wrote"),
        ("rtl/top.v", "rtl/top.v was changed since hepml-compile wrote it"),
        ("lowered.txt", "lowered.txt was changed since hepml-compile wrote it"),
    ])
    func refusesAFolderWithTheUsersFiles(file: String, problem: String) throws {
        let t = try TestFolder()
        try FolderReplacement.replace(t.path + "/out", with: Self.design, force: false)
        try t.write("out/" + file, "the user's own text\n")
        let before = t.contents("out")
        let error = #expect(throws: FileSafetyError.self) {
            try FolderReplacement.replace(t.path + "/out", with: Self.design, force: false)
        }
        #expect(error == .refused(path: t.path + "/out",
                                  reason: "\(problem). Choose a new folder, or pass --force to replace it and everything in it"))
        #expect(t.contents("out") == before)
        #expect(t.listing().filter { $0.hasPrefix(".") }.isEmpty, "the refused run leaves no staging folder")
    }

    @Test func refusesAFolderWithoutManifestAndAFile() throws {
        let t = try TestFolder()
        try t.write("mine/model.json", "{}")
        #expect(throws: FileSafetyError.refused(path: t.path + "/mine",
                                                reason: "it has no hepml-manifest.json, so hepml-compile did not create it. Choose a new folder, or pass --force to replace it and everything in it")) {
            try FolderReplacement.replace(t.path + "/mine", with: Self.design, force: false)
        }
        #expect(t.read("mine/model.json") == "{}")
        try t.write("file", "data")
        #expect(throws: FileSafetyError.refused(path: t.path + "/file", reason: "it exists and is a regular file, not a folder hepml-compile wrote")) {
            try FolderReplacement.replace(t.path + "/file", with: Self.design, force: true)
        }
        #expect(t.read("file") == "data")
    }

    @Test func aSymbolicLinkOrForeignManifestInsideMakesTheFolderTheUsers() throws {
        let t = try TestFolder()
        try FolderReplacement.replace(t.path + "/out", with: Self.design, force: false)
        try FileManager.default.createSymbolicLink(atPath: t.path + "/out/link", withDestinationPath: "/etc")
        #expect(FolderManifest.ownershipProblem(of: t.path + "/out") == "link (a symbolic link) is not something hepml-compile wrote")
        try FileManager.default.removeItem(atPath: t.path + "/out/link")
        try t.write("out/hepml-manifest.json", #"{"generator": "someone else", "files": []}"#)
        #expect(FolderManifest.ownershipProblem(of: t.path + "/out") == "its hepml-manifest.json is not one hepml-compile wrote")
    }

    @Test func forceReplacesTheUsersFolder() throws {
        let t = try TestFolder()
        try t.write("mine/notes.txt", "x")
        try FolderReplacement.replace(t.path + "/mine", with: Self.design, force: true)
        #expect(t.listing("mine") == ["hepml-manifest.json", "lowered.txt", "rtl", "rtl/top.v"])
    }

    @Test func aManifestPathCannotLeaveTheFolder() {
        #expect(!FolderManifest.isSafeRelativePath("../x"))
        #expect(!FolderManifest.isSafeRelativePath("/etc/passwd"))
        #expect(!FolderManifest.isSafeRelativePath("a//b"))
        #expect(!FolderManifest.isSafeRelativePath("a/./b"))
        #expect(FolderManifest.isSafeRelativePath("rtl/top.v"))
        let hostile = Data(#"{"generator": "hepml-compile", "files": [{"path": "../victim", "bytes": 1, "hash": "0"}]}"#.utf8)
        #expect(FolderManifest.parse(hostile) == nil)
    }

    @Test func theManifestRoundTrips() {
        let m = FolderManifest(files: [("b\"quote.v", "x"), ("a/tab\t.v", "yy")])
        #expect(FolderManifest.parse(Data(m.text.utf8)) == m)
        #expect(m.entries.map(\.path) == ["a/tab\t.v", "b\"quote.v"])
    }

    /// A run killed between its renames leaves `.out.tmp-PID-…` (a staging
    /// folder) or `.out.old-PID` (the previous output, moved aside); the next
    /// run removes the first and puts the second back if `out` is missing.
    @Test func recoversWhatAKilledRunLeft() throws {
        let t = try TestFolder()
        let dead: pid_t = 999_999  // above the default pid_max: no such process
        try FolderReplacement.replace(t.path + "/out", with: Self.design, force: false)
        try FileManager.default.moveItem(atPath: t.path + "/out", toPath: t.path + "/.out.old-\(dead)")
        try FolderReplacement.replace(t.path + "/elsewhere", with: Self.design, force: false)
        try FileManager.default.moveItem(atPath: t.path + "/elsewhere", toPath: t.path + "/.out.tmp-\(dead)-abcdef")
        try FileManager.default.createDirectory(atPath: t.path + "/.out.tmp-\(dead)-empty00", withIntermediateDirectories: false)
        try t.write(".out.tmp-\(dead)-foreign/user.txt", "not ours")
        try FolderReplacement.replace(t.path + "/out", with: [("rtl/top.v", "new\n")], force: false)
        #expect(t.read("out/rtl/top.v") == "new\n")
        #expect(t.listing().filter { !$0.hasPrefix("out") && !$0.contains("/") } == [".out.tmp-\(dead)-foreign"],
                "stale folders of ours are gone; the one holding a foreign file is left alone")
    }
}

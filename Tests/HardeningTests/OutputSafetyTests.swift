import FileSafety
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `--out` and `--output` never delete or replace what the user owns.
@Suite(.serialized) struct OutputSafetyTests {
    /// A project folder as a user has it: the model, its data, a `.git`.
    struct Project {
        let root: URL
        var path: String { root.path }

        init() throws {
            root = try CLI.temporaryDirectory()
            try FileManager.default.createDirectory(at: root.appendingPathComponent("proj/.git"), withIntermediateDirectories: true)
            try Data("ref: refs/heads/main\n".utf8).write(to: root.appendingPathComponent("proj/.git/HEAD"))
            try FileManager.default.copyItem(atPath: CLI.handModel, toPath: root.appendingPathComponent("proj/model.json").path)
            try FileManager.default.copyItem(atPath: CLI.handInputs, toPath: root.appendingPathComponent("proj/x.csv").path)
        }

        func remove() { try? FileManager.default.removeItem(at: root) }

        var proj: String { root.appendingPathComponent("proj").path }

        /// Every file below the scene with its contents.
        var snapshot: [String: Data] {
            var out: [String: Data] = [:]
            for case let p as String in FileManager.default.enumerator(atPath: path)! {
                if let d = FileManager.default.contents(atPath: path + "/" + p) { out[p] = d }
            }
            return out
        }

        func run(_ args: [String], home: String? = nil) throws -> CLI.Result {
            var env = ProcessInfo.processInfo.environment
            if let home { env["HOME"] = home }
            return try CLI.run(args, environment: env, directory: proj)
        }
    }

    @Test(arguments: [
        (["model.json", "--out", "."], "refusing .: it is the working folder"),
        (["model.json", "--out", ".."], "refusing ..: it holds the working folder"),
        (["model.json", "--out", ""], "refusing \"\" (an empty path): an output folder is required"),
        (["model.json", "--out", "/"], "refusing /: it is the root folder"),
        (["model.json", "--out", "./"], "refusing ./: it is the working folder"),
        (["model.json", "--out", "model.json"], "refusing model.json: it holds the input file model.json"),
        (["model.json", "--out", ".", "--force"], "refusing .: it is the working folder"),
    ])
    func outNeverReplacesTheWorkingFolderOrAbove(args: [String], message: String) throws {
        let p = try Project()
        defer { p.remove() }
        let before = p.snapshot
        let r = try p.run(args)
        #expect(r.code == 2, "exit \(r.code): \(r.err)")
        #expect(r.err.contains(message), "\(r.err)")
        #expect(p.snapshot == before, "files changed")
    }

    @Test func outNeverReplacesHomeOrTheModelsFolder() throws {
        let p = try Project()
        defer { p.remove() }
        let before = p.snapshot
        let home = try p.run(["model.json", "--out", p.proj, "--force"], home: p.proj)
        #expect(home.code == 2 && home.err.contains("it is your home folder") || home.err.contains("working folder"), "\(home.err)")
        let elsewhere = try CLI.run([p.proj + "/model.json", "--out", p.proj, "--force"], directory: "/")
        #expect(elsewhere.code == 2, "exit \(elsewhere.code)")
        #expect(elsewhere.err.contains("it holds the input file \(p.proj)/model.json"), "\(elsewhere.err)")
        let home2 = try CLI.run([p.proj + "/model.json", "--out", p.root.path + "/h", "--force"],
                                environment: ProcessInfo.processInfo.environment.merging(["HOME": p.root.path + "/h"]) { $1 },
                                directory: "/")
        #expect(home2.code == 2 && home2.err.contains("it is your home folder"), "\(home2.err)")
        #expect(p.snapshot == before)
    }

    @Test func aFolderOfTheUsersIsRefusedUnlessForced() throws {
        let p = try Project()
        defer { p.remove() }
        try FileManager.default.createDirectory(atPath: p.proj + "/out", withIntermediateDirectories: true)
        try Data("mine\n".utf8).write(to: URL(fileURLWithPath: p.proj + "/out/notes.txt"))
        let refused = try p.run(["model.json", "--out", "out"])
        #expect(refused.code == 2)
        #expect(refused.err.contains("refusing out: it has no hepml-manifest.json, so hepml-compile did not create it"), "\(refused.err)")
        #expect(FileManager.default.contents(atPath: p.proj + "/out/notes.txt") == Data("mine\n".utf8))
        let forced = try p.run(["model.json", "--out", "out", "--force", "--target", "verilog"])
        #expect(forced.code == 0, "\(forced.err)")
        #expect(!FileManager.default.fileExists(atPath: p.proj + "/out/notes.txt"))
        #expect(FolderManifest.ownershipProblem(of: p.proj + "/out") == nil)
    }

    @Test func anEarlierOutputIsReplacedButAnEditedOneIsNot() throws {
        let p = try Project()
        defer { p.remove() }
        #expect(try p.run(["model.json", "--out", "out", "--target", "verilog"]).code == 0)
        #expect(try p.run(["model.json", "--out", "out", "--target", "hls"]).code == 0)
        #expect(!FileManager.default.fileExists(atPath: p.proj + "/out/rtl"), "the earlier output was replaced whole")
        let lowered = p.proj + "/out/lowered.txt"
        try Data("edited by hand\n".utf8).write(to: URL(fileURLWithPath: lowered))
        let r = try p.run(["model.json", "--out", "out"])
        #expect(r.code == 2 && r.err.contains("lowered.txt was changed since hepml-compile wrote it"), "\(r.err)")
        #expect(FileManager.default.contents(atPath: lowered) == Data("edited by hand\n".utf8))
    }

    @Test func outputsWriteThroughLinksAndStreamToDevices() throws {
        let p = try Project()
        defer { p.remove() }
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: p.proj + "/real.csv"))
        try FileManager.default.createSymbolicLink(atPath: p.proj + "/link.csv", withDestinationPath: "real.csv")
        let viaLink = try p.run(["predict", "model.json", "--input", "x.csv", "--output", "link.csv"])
        #expect(viaLink.code == 0, "\(viaLink.err)")
        #expect(FileKind.of(p.proj + "/link.csv") == .symbolicLink)
        #expect(String(decoding: FileManager.default.contents(atPath: p.proj + "/real.csv") ?? Data(), as: UTF8.self).hasPrefix("x0") == false)
        let toNull = try p.run(["predict", "model.json", "--input", "x.csv", "--output", "/dev/null"])
        #expect(toNull.code == 0 && FileKind.of("/dev/null") == .characterDevice, "\(toNull.err)")
        let toStdout = try p.run(["predict", "model.json", "--input", "x.csv", "--output", "-"])
        #expect(toStdout.code == 0)
        let expected = String(decoding: FileManager.default.contents(atPath: p.proj + "/real.csv") ?? Data(), as: UTF8.self)
        #expect(toStdout.out == expected, "standard output holds exactly the table")
        #expect(toStdout.err.contains("written to standard output"))
        let toFolder = try p.run(["predict", "model.json", "--input", "x.csv", "--output", "."])
        #expect(toFolder.code == 2 && toFolder.err.contains("it is a folder; give a file name"), "\(toFolder.err)")
    }
}

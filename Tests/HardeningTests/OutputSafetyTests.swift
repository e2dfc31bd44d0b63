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

    // MARK: links (issue 21, class 4)

    @Test func trainNeverWritesThroughALinkOutOfItsConfigFolder() throws {
        let p = try Project()
        defer { p.remove() }
        let cfg = p.root.appendingPathComponent("cfg").path
        try FileManager.default.createDirectory(atPath: cfg, withIntermediateDirectories: true)
        try Data(#"{"name": "m", "task": "classification", "data": {"generator": "jet_tagging", "events": 200}, "layers": [{"dense": 5}], "training": {"epochs": 1}}"#.utf8)
            .write(to: URL(fileURLWithPath: cfg + "/train.json"))
        // The default output names, as a cloned repository could hold them.
        try FileManager.default.createSymbolicLink(atPath: cfg + "/model.json", withDestinationPath: "../proj/model.json")
        try FileManager.default.createSymbolicLink(atPath: cfg + "/losses.csv", withDestinationPath: p.proj + "/x.csv")
        let before = p.snapshot.filter { $0.key.hasPrefix("proj/") }
        let r = try CLI.run(["train", "--config", cfg + "/train.json", "--quiet"], timeout: 120)
        #expect(r.code == 2, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("it leads to \(p.proj)/model.json, outside \(cfg)"), "\(r.err)")
        #expect(p.snapshot.filter { $0.key.hasPrefix("proj/") } == before, "a file outside the config folder changed")
    }

    @Test(.enabled(if: geteuid() == 0)) func predictNeverFollowsALinkAnotherUserPlantedInASharedFolder() throws {
        let p = try Project()
        defer { p.remove() }
        let shared = p.root.appendingPathComponent("shared").path
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        chmod(shared, 0o1777)
        try Data("precious\n".utf8).write(to: URL(fileURLWithPath: p.root.path + "/victim.txt"))
        try FileManager.default.createSymbolicLink(atPath: shared + "/out.csv", withDestinationPath: p.root.path + "/victim.txt")
        lchown(shared + "/out.csv", 65534, 65534)
        let r = try p.run(["predict", "model.json", "--input", "x.csv", "--output", shared + "/out.csv"])
        #expect(r.code == 2, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("\(shared)/out.csv: a symbolic link of user 65534 (not yours) in \(shared)"), "\(r.err)")
        #expect(FileManager.default.contents(atPath: p.root.path + "/victim.txt") == Data("precious\n".utf8))
        // The same through simulate's and csim's --output, the events writer they share.
        let csv = try p.run(["csim", "model.json", "--input", "x.csv", "--output", shared + "/out.csv"])
        #expect(csv.code == 2 && csv.err.contains("not yours"), "exit \(csv.code): \(csv.err)")
        #expect(FileManager.default.contents(atPath: p.root.path + "/victim.txt") == Data("precious\n".utf8))
        // Your own link in the same folder is followed.
        lchown(shared + "/out.csv", 0, 0)
        let own = try p.run(["predict", "model.json", "--input", "x.csv", "--output", shared + "/out.csv"])
        #expect(own.code == 0, "exit \(own.code): \(own.err)")
        #expect(FileManager.default.contents(atPath: p.root.path + "/victim.txt") != Data("precious\n".utf8))
    }

    // MARK: report --out (issue 21, class 5)

    func report(_ p: Project, _ extra: [String], model: String = "model.json", input: String = "x.csv", home: String? = nil) throws -> CLI.Result {
        try p.run(["report", model, "--input", input] + extra, home: home)
    }

    @Test(arguments: [
        (["--out", "."], "refusing .: it is the working folder"),
        (["--out", "/"], "refusing /: it is the root folder"),
        (["--out", ".."], "refusing ..: it holds the working folder"),
        (["--out", ".", "--force"], "refusing .: it is the working folder"),
    ])
    func reportOutFollowsTheOutRules(args: [String], message: String) throws {
        let p = try Project()
        defer { p.remove() }
        let before = p.snapshot
        let r = try report(p, args)
        #expect(r.code == 2, "exit \(r.code): \(r.err)")
        #expect(r.err.contains(message), "\(r.err)")
        #expect(p.snapshot == before, "files changed")
    }

    @Test func reportNeverOverwritesItsInputsHomeOrAUsersFolder() throws {
        let p = try Project()
        defer { p.remove() }
        try FileManager.default.copyItem(atPath: p.proj + "/model.json", toPath: p.proj + "/report.json")
        try FileManager.default.copyItem(atPath: p.proj + "/x.csv", toPath: p.proj + "/summary.txt")
        let before = p.snapshot
        let inputs = try report(p, ["--out", "."], model: "report.json", input: "summary.txt")
        #expect(inputs.code == 2 && inputs.err.contains("working folder"), "exit \(inputs.code): \(inputs.err)")
        let home = try CLI.run(["report", p.proj + "/model.json", "--input", p.proj + "/x.csv", "--out", p.root.path, "--force"],
                               environment: ProcessInfo.processInfo.environment.merging(["HOME": p.root.path]) { $1 }, directory: "/")
        #expect(home.code == 2 && home.err.contains("it is your home folder"), "exit \(home.code): \(home.err)")
        // A folder holding the user's own report.html.
        try FileManager.default.createDirectory(atPath: p.proj + "/mine", withIntermediateDirectories: true)
        try Data("my notes\n".utf8).write(to: URL(fileURLWithPath: p.proj + "/mine/report.html"))
        let snapshot = p.snapshot
        let mine = try report(p, ["--out", "mine"])
        #expect(mine.code == 2 && mine.err.contains("refusing mine: it has no hepml-manifest.json"), "exit \(mine.code): \(mine.err)")
        #expect(p.snapshot == snapshot)
        #expect(before.allSatisfy { snapshot[$0.key] == $0.value })
    }

    @Test func aReportFolderHasAManifestAndIsReplacedWhole() throws {
        let p = try Project()
        defer { p.remove() }
        let first = try report(p, ["--out", "rep"])
        #expect(first.code == 0, "exit \(first.code): \(first.err)")
        #expect(FolderManifest.ownershipProblem(of: p.proj + "/rep") == nil)
        #expect(FileManager.default.fileExists(atPath: p.proj + "/rep/report.html"))
        let again = try report(p, ["--out", "rep"])
        #expect(again.code == 0, "an earlier report is replaced: \(again.err)")
        try Data("edited\n".utf8).write(to: URL(fileURLWithPath: p.proj + "/rep/summary.txt"))
        let edited = try report(p, ["--out", "rep"])
        #expect(edited.code == 2 && edited.err.contains("summary.txt was changed since hepml-compile wrote it"), "\(edited.err)")
        let forced = try report(p, ["--out", "rep", "--force"])
        #expect(forced.code == 0 && FolderManifest.ownershipProblem(of: p.proj + "/rep") == nil, "\(forced.err)")
    }
}

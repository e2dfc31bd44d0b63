import FileSafety
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 21, classes 3, 4, 7 and 10 at the unit level: executables are
/// trust-checked through their links, outputs are not written through a
/// link another user planted in a shared folder nor out of their folder,
/// build caches are private whatever the umask, a killed run's temporary
/// file is removed by the next one, and `$TMPDIR` is named when it fails.
@Suite struct LinkAndModeTests {
    static let script = "#!/bin/sh\nexit 0\n"

    // MARK: executables

    @Test func anExecutableIsCheckedThroughItsLinks() throws {
        let t = try TestFolder()
        try t.write("shared/tool", Self.script)
        chmod(t.path + "/shared/tool", 0o755)
        chmod(t.path + "/shared", 0o777)
        try t.write("bin/.keep", "")
        try FileManager.default.createSymbolicLink(atPath: t.path + "/bin/tool", withDestinationPath: "../shared/tool")
        let problem = Trust.executableProblem(t.path + "/bin/tool", foundIn: t.path + "/bin")
        #expect(problem == "\(t.path)/shared: the folder is writable by other users (mode 777)", "\(problem ?? "nil")")

        chmod(t.path + "/shared", 0o755)
        #expect(Trust.executableProblem(t.path + "/bin/tool", foundIn: t.path + "/bin") == nil)
        chmod(t.path + "/shared/tool", 0o757)
        #expect(Trust.executableProblem(t.path + "/bin/tool")?.contains("it is writable by other users (mode 757)") == true)
        chmod(t.path + "/shared/tool", 0o755)
        // The PATH folder itself, sticky or not.
        chmod(t.path + "/bin", 0o1777)
        #expect(Trust.executableProblem(t.path + "/bin/tool", foundIn: t.path + "/bin")?.contains("writable by other users (mode 1777)") == true)
    }

    @Test func theSystemCompilerChainIsTrusted() {
        for tool in ["/usr/bin/g++", "/usr/bin/make", "/bin/sh"] where FileManager.default.isExecutableFile(atPath: tool) {
            #expect(Trust.executableProblem(tool, foundIn: (tool as NSString).deletingLastPathComponent) == nil, "\(tool)")
        }
    }

    @Test(.enabled(if: runningAsRoot)) func anotherUsersLinkOrToolIsNotTrusted() throws {
        let t = try TestFolder()
        try t.write("bin/real", Self.script)
        chmod(t.path + "/bin/real", 0o755)
        try FileManager.default.createSymbolicLink(atPath: t.path + "/bin/tool", withDestinationPath: "real")
        lchown(t.path + "/bin/tool", 65534, 65534)
        #expect(Trust.executableProblem(t.path + "/bin/tool")
                == "\(t.path)/bin/tool: the symbolic link belongs to user 65534, not to you (user 0) or root")
        chown(t.path + "/bin/real", 65534, 65534)
        #expect(Trust.executableProblem(t.path + "/bin/real") == "it belongs to user 65534, not to you (user 0) or root")
    }

    // MARK: outputs through links

    @Test(.enabled(if: runningAsRoot)) func aLinkOfAnotherUserInASharedFolderIsNotFollowed() throws {
        let t = try TestFolder()
        try t.write("victim.txt", "precious\n")
        try t.write("shared/.keep", "")
        chmod(t.path + "/shared", 0o1777)
        let link = t.path + "/shared/out.csv"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: t.path + "/victim.txt")
        lchown(link, 65534, 65534)
        #expect(throws: FileSafetyError.self) { try OutputFile.write("pwned\n", to: link) }
        do { try OutputFile.write("pwned\n", to: link) } catch {
            #expect(error.description.contains("\(link): a symbolic link of user 65534 (not yours) in \(t.path)/shared"), "\(error)")
        }
        // A folder link planted the same way.
        try FileManager.default.createSymbolicLink(atPath: t.path + "/shared/d", withDestinationPath: t.path)
        lchown(t.path + "/shared/d", 65534, 65534)
        #expect(throws: FileSafetyError.self) { try OutputFile.write("pwned\n", to: t.path + "/shared/d/victim.txt") }
        // Output folders have the same rule.
        #expect(throws: FileSafetyError.self) { try FolderReplacement.replace(t.path + "/shared/d/gen", with: [("a.txt", "x")], force: false) }
        #expect(FileKind.of(t.path + "/gen") == nil)
        #expect(t.read("victim.txt") == "precious\n")
        // Your own link there is followed.
        lchown(link, 0, 0)
        try OutputFile.write("mine\n", to: link)
        #expect(t.read("victim.txt") == "mine\n")
        #expect(FileKind.of(link) == .symbolicLink)
    }

    @Test func anOutputConfinedToAFolderCannotLeaveItThroughALink() throws {
        let t = try TestFolder()
        try t.write("elsewhere/file.json", "precious\n")
        try t.write("cfg/.keep", "")
        try FileManager.default.createSymbolicLink(atPath: t.path + "/cfg/model.json", withDestinationPath: "../elsewhere/file.json")
        do {
            try OutputFile.write("x", to: t.path + "/cfg/model.json", within: t.path + "/cfg")
            Issue.record("written through the link")
        } catch {
            #expect(error.description.contains("it leads to \(t.path)/elsewhere/file.json, outside \(t.path)/cfg"), "\(error)")
        }
        #expect(t.read("elsewhere/file.json") == "precious\n")
        // A link that stays inside is followed.
        try t.write("cfg/real.json", "old\n")
        try FileManager.default.createSymbolicLink(atPath: t.path + "/cfg/inner.json", withDestinationPath: "real.json")
        try OutputFile.write("new\n", to: t.path + "/cfg/inner.json", within: t.path + "/cfg")
        #expect(t.read("cfg/real.json") == "new\n")
    }

    // MARK: modes

    @Test func aBuildMadeUnderAGroupWritableUmaskIsReusable() throws {
        let t = try TestFolder()
        let cache = try BuildCache(component: "csim", chosen: t.path + "/work")
        let build = try StagedBuild(name: "tagger", files: [("top.cpp", "int main() {}\n")], tool: [], product: "bin", cache: cache)
        let staging = try build.stage()
        // What the tools leave under umask 002.
        try FileManager.default.createDirectory(atPath: staging.path + "/obj_dir", withIntermediateDirectories: true)
        chmod(staging.path + "/obj_dir", 0o775)
        try Data(Self.script.utf8).write(to: URL(fileURLWithPath: staging.path + "/bin"))
        chmod(staging.path + "/bin", 0o775)
        chmod(staging.path + "/top.cpp", 0o664)
        try staging.commit()
        #expect(try build.isCached())
        #expect(mode(build.folder + "/obj_dir") == 0o700 && mode(build.folder + "/bin") == 0o700 && mode(build.folder + "/top.cpp") == 0o600)
    }

    @Test func anExplicitModeHoldsWhateverTheUmask() throws {
        let t = try TestFolder()
        try OutputFile.write("{}", to: t.path + "/entry.json", mode: 0o600)
        #expect(mode(t.path + "/entry.json") == 0o600)
    }

    // MARK: leftovers and messages

    @Test func aKilledRunsTemporaryFileIsRemovedByTheNextRun() throws {
        let t = try TestFolder()
        var dead: pid_t = 4_194_000
        while kill(dead, 0) == 0 || errno == EPERM { dead += 1 }
        let stale = ".out.csv.tmp-\(dead)-Ab12Cd", live = ".out.csv.tmp-\(getpid())-Ab12Cd"
        let odd = ".out.csv.tmp-\(dead)-notours", other = ".other.csv.tmp-\(dead)-Ab12Cd"
        for name in [stale, live, odd, other] { try t.write(name, "half\n") }
        try OutputFile.write("1\n", to: t.path + "/out.csv")
        #expect(t.listing() == [live, odd, other, "out.csv"].sorted())
        if runningAsRoot {
            try t.write(stale, "someone else's\n")
            chown(t.path + "/" + stale, 65534, 65534)
            try OutputFile.write("2\n", to: t.path + "/out.csv")
            #expect(t.read(stale) == "someone else's\n", "another user's file is never removed")
        }
    }

    @Test func aTMPDIROthersCanReplaceFoldersInIsRefused() throws {
        let t = try TestFolder()
        try t.write("open/.keep", "")
        chmod(t.path + "/open", 0o777)
        do {
            _ = try PrivateFolder.makeTemporary("probe", environment: ["TMPDIR": t.path + "/open"])
            Issue.record("made a scratch folder in a world-writable, non-sticky TMPDIR")
        } catch {
            #expect(error.description.contains("$TMPDIR (\(t.path)/open)") && error.description.contains("not sticky (mode 777)"), "\(error)")
        }
        for allowed: mode_t in [0o1777, 0o775] {
            chmod(t.path + "/open", allowed)
            let made = try PrivateFolder.makeTemporary("probe", environment: ["TMPDIR": t.path + "/open"])
            #expect(mode(made) == 0o700)
        }
        if runningAsRoot {
            chmod(t.path + "/open", 0o755)
            chown(t.path + "/open", 65534, 65534)
            #expect(throws: FileSafetyError.self) { try PrivateFolder.makeTemporary("probe", environment: ["TMPDIR": t.path + "/open"]) }
        }
    }

    @Test func aTMPDIRThatCannotBeUsedIsNamed() {
        do {
            _ = try PrivateFolder.makeTemporary("probe", environment: ["TMPDIR": "/nonexistent/hepml-tmp"])
            Issue.record("made a folder in a missing TMPDIR")
        } catch {
            #expect(error.description.contains("$TMPDIR (/nonexistent/hepml-tmp)"), "\(error)")
        }
    }
}

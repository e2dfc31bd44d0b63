import FileSafety
import Foundation
import Testing

/// The hostile-input corpus: command lines a careless or malicious user
/// could type (HostileCorpus/cases.tsv), plus every defective model and event
/// file of the other corpora, each run through the CLI in a scene of its own:
///
/// ```
/// scene/home   $HOME          scene/tmp    $TMPDIR
/// scene/work   the working folder: model.json, x.csv, notes/todo.txt,
///              existing.txt and HostileCorpus/files/*
/// ```
///
/// For each case: the exit code, a message naming the problem, a peak
/// memory under ``maxMegabytes``, no file anywhere in the scene changed
/// except under the case's declared outputs, and an empty `$TMPDIR` after.
@Suite struct HostileCorpusTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var id: String
        var exit: Int32
        var message: String
        /// Paths (relative to the working folder) the case may create or change.
        var outputs: [String]
        var arguments: [String]
        var testDescription: String { id }
        /// The corpus model a `model …` case compiles.
        var modelFile: String? { id.hasPrefix("model ") ? String(id.dropFirst(6)) : nil }
    }

    static let maxMegabytes = 400.0
    static let folder = CLI.repoRoot.appendingPathComponent("Tests/HardeningTests/HostileCorpus")

    /// cases.tsv: `id  exit  message  outputs  arg...`, tab-separated; `-`
    /// for no outputs; `#` starts a comment line.
    static let listed: [Case] = {
        let text = (try? String(contentsOf: folder.appendingPathComponent("cases.tsv"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line -> Case? in
            guard !line.hasPrefix("#"), !line.allSatisfy(\.isWhitespace) else { return nil }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 5, let code = Int32(f[1]) else { return Case(id: "malformed line: \(line)", exit: -1, message: "", outputs: [], arguments: []) }
            return Case(id: f[0], exit: code, message: f[2], outputs: f[3] == "-" ? [] : f[3].split(separator: ",").map(String.init),
                        arguments: Array(f[4...]))
        }
    }()

    /// Every defective model of Tests/ModelFormatTests/Corpus, compiled.
    static let models: [Case] = {
        let decoder = CLI.manifest(CLI.corpus.appendingPathComponent("manifest.tsv"))
        let lowering = CLI.manifest(CLI.corpus.appendingPathComponent("lowering/manifest.tsv")).map { ("lowering/" + $0.file, $0.expected) }
        return (decoder + lowering).map { file, expected in
            Case(id: "model " + file, exit: 2, message: expected, outputs: [],
                 arguments: ["{corpus}/" + file, "--out", "out"])
        }
    }()

    /// Every malformed event file of CSVCorpus, predicted.
    static let eventFiles: [Case] = CLI.manifest(CLI.csvCorpus.appendingPathComponent("manifest.tsv")).map { file, expected in
        Case(id: "csv " + file, exit: 2, message: expected, outputs: [],
             arguments: ["predict", "model.json", "--input", "{csvcorpus}/" + file, "--output", "y.csv"])
    }

    static var all: [Case] { listed + models + eventFiles }

    @Test func theCorpusHasAtLeastAHundredCasesOfEachKind() {
        #expect(Self.all.count >= 100)
        #expect(Self.listed.filter { $0.id.hasPrefix("out ") || $0.id.hasPrefix("output ") }.count >= 10)
        #expect(Self.listed.filter { $0.id.hasPrefix("option ") }.count >= 15)
        #expect(Self.listed.filter { $0.id.hasPrefix("train ") }.count >= 10)
        #expect(Self.listed.allSatisfy { $0.exit >= 0 }, "\(Self.listed.filter { $0.exit < 0 }.map(\.id))")
        #expect(Set(Self.all.map(\.id)).count == Self.all.count, "case ids are unique")
    }

    @Test(arguments: all)
    func hostileCase(_ c: Case) throws {
        let scene = try Scene()
        defer { scene.remove() }
        let before = scene.snapshot()
        let r = try CLI.run(c.arguments.map(scene.expand), environment: scene.environment, directory: scene.work, timeout: 60)
        #expect(!r.timedOut, "\(c.id): hung (killed by the hang guard)")
        #expect(r.code == c.exit, "\(c.id): exit \(r.code)\n\(r.err.prefix(600))")
        #expect((r.err + r.out).contains(scene.expand(c.message)), "\(c.id): \(r.err.prefix(600))")
        if c.exit != 0 {
            // Ours ("hepml-compile: error:", "hepml-compile train: error:") or ArgumentParser's usage errors.
            #expect(r.err.hasPrefix("hepml-compile") || r.err.hasPrefix("Error: "), "\(c.id): \(r.err.prefix(300))")
        }
        if let file = c.modelFile {
            #expect(r.err.contains("\((file as NSString).lastPathComponent): "), "\(c.id): the message names the file: \(r.err)")
            #expect(r.err.split(separator: "\n").count == 1, "\(c.id): one line: \(r.err)")
        }
        #expect(r.peakMegabytes < Self.maxMegabytes, "\(c.id): peak \(Int(r.peakMegabytes)) MB")
        let after = scene.snapshot()
        let allowed = c.outputs.map { scene.expand($0) }.map { $0.hasPrefix("/") ? $0 : scene.work + "/" + $0 }
        let changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }
        let unexpected = changed.filter { path in !allowed.contains { path == $0 || path.hasPrefix($0 + "/") } }.sorted()
        #expect(unexpected.isEmpty, "\(c.id) changed files outside its outputs: \(unexpected.prefix(10))")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: scene.tmp)) ?? []).isEmpty, "\(c.id) left files in TMPDIR")
    }

    /// A scene for one case.
    struct Scene {
        let root: String
        var work: String { root + "/work" }
        var home: String { root + "/home" }
        var tmp: String { root + "/tmp" }

        init() throws {
            root = try CLI.temporaryDirectory().path
            let fm = FileManager.default
            for d in ["work", "home", "tmp", "cache"] { try fm.createDirectory(atPath: root + "/" + d, withIntermediateDirectories: true) }
            try fm.copyItem(atPath: CLI.handModel, toPath: work + "/model.json")
            try fm.copyItem(atPath: CLI.handInputs, toPath: work + "/x.csv")
            for name in try fm.contentsOfDirectory(atPath: HostileCorpusTests.folder.appendingPathComponent("files").path) {
                try fm.copyItem(atPath: HostileCorpusTests.folder.appendingPathComponent("files/" + name).path, toPath: work + "/" + name)
            }
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }

        var environment: [String: String] {
            var env = ProcessInfo.processInfo.environment
            env["HOME"] = home
            env["TMPDIR"] = tmp
            env["XDG_CACHE_HOME"] = root + "/cache"
            return env
        }

        func expand(_ s: String) -> String {
            s.replacingOccurrences(of: "{scene}", with: root)
                .replacingOccurrences(of: "{work}", with: work)
                .replacingOccurrences(of: "{home}", with: home)
                .replacingOccurrences(of: "{corpus}", with: CLI.corpus.path)
                .replacingOccurrences(of: "{csvcorpus}", with: CLI.csvCorpus.path)
        }

        /// Every entry of the scene but the build cache: kind, size and hash.
        func snapshot() -> [String: String] {
            var out: [String: String] = [:]
            let fm = FileManager.default
            for case let rel as String in fm.enumerator(atPath: root)! where !rel.hasPrefix("cache") && !rel.hasPrefix("tmp/") {
                let path = root + "/" + rel
                let kind = FileKind.of(path)
                if kind == .regular, let data = fm.contents(atPath: path) {
                    var h = ContentHash()
                    h.add(bytes: data)
                    out[path] = "file \(data.count) \(h.hex)"
                } else {
                    out[path] = kind?.description ?? "gone"
                }
            }
            return out
        }
    }
}

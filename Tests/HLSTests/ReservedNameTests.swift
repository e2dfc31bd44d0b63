import Foundation
import Testing
import FixedPoint
@testable import HLSBackend
import ModelIR
import ModelZoo
import Passes
import Simulation
import Templates
import TensorIO
import Toolchain
@testable import VerilogBackend

/// Every name a model can have gives a C++ project that compiles: names that
/// are keywords, macros or library names of either language, names of our
/// own files and macros, and awkward underscores. g++ checks the testbench
/// and the C simulation harness (which includes the firmware) of each.
@Suite("HLS projects compile whatever the model and layers are called", .serialized)
struct ReservedNameTests {
    /// The names under test, sorted: both backends' reserved lists and ModelZoo's tricky names.
    static let names: [String] = Array(CPPReservedWords.all.union(VerilogReservedWords.all).union(ModelZoo.trickyNames)).sorted()

    @Test("every reserved word as a layer (tensor) name: one model, g++ -fsyntax-only")
    func layerNames() async throws {
        let start = Date()
        // Model "A": its include guards are A_H_ and A_PARAMETERS_H_, which are layer names too.
        let model = try Pipeline.lower(ModelZoo.namedLayers(Self.names, modelName: "A"))
        let tensorNames = Set(model.tensors.map(\.name) + model.ops.map(\.name))
        #expect(Set(Self.names).isSubset(of: tensorNames), "\(Set(Self.names).subtracting(tensorNames).sorted().prefix(20))")
        let project = try Self.project(model)
        #expect(Set(project.map(\.path)).count == project.count)
        let folder = ProjectFiles.temporaryFolder("reserved-layers")
        try ProjectFiles.write(project, to: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let f = HLSEmitter.topFunction(model)
        try await Self.syntaxCheck(["\(f)_test.cpp", "csim_harness.cpp"], in: folder)
        print("reserved names as \(Self.names.count) layer names: g++ -fsyntax-only clean, \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
    }

    @Test("every reserved word as a model name: projects batched into a few translation units")
    func modelNames() async throws {
        let start = Date()
        let folder = ProjectFiles.temporaryFolder("reserved-models")
        try? FileManager.default.removeItem(atPath: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // ~2700 projects, emitted by two tasks (one per core). Each becomes
        // two blocks of a unit (harness, testbench) with the project's own
        // includes written inline: one file per unit instead of thousands.
        let templates = try TemplateLibrary.locate()
        let count = Self.names.count
        let blocks = try await withThrowingTaskGroup(of: [(Int, String, String)].self) { group in
            for part in 0..<2 {
                group.addTask {
                    var out: [(Int, String, String)] = []
                    for k in stride(from: part, to: count, by: 2) {
                        let model = try Pipeline.lower(Self.tinyGraph(name: Self.names[k], index: k))
                        let project = try Self.project(model, templates: templates)
                        let f = HLSEmitter.topFunction(model)
                        try Self.checkPaths(project, function: f, model: Self.names[k])
                        if k == 0 { try ProjectFiles.write(project, toExisting: "\(folder)/p0") }
                        // The layer library stays an include, found through -I p0/firmware.
                        let files = Dictionary(uniqueKeysWithValues: project.filter { !$0.path.hasPrefix("firmware/nnet_utils/") }
                            .map { ($0.path, $0.contents) })
                        let block = ["#define main hepml_csim_main_\(k)", Self.inlined("csim_harness.cpp", files, label: "p\(k)"), "#undef main",
                                     "#define main hepml_tb_main_\(k)", "#define tb_read_line hepml_tb_read_line_\(k)",
                                     Self.inlined("\(f)_test.cpp", files, label: "p\(k)"), "#undef main", "#undef tb_read_line"]
                        out.append((k, f, block.joined(separator: "\n")))
                    }
                    return out
                }
            }
            return try await group.reduce(into: [(Int, String, String)]()) { $0 += $1 }.sorted { $0.0 < $1.0 }
        }
        let emitted = Date().timeIntervalSince(start)
        var units: [[String]] = Array(repeating: [], count: 2)
        var guards: [Set<String>] = Array(repeating: [], count: units.count)
        for (k, f, block) in blocks {
            // Names that differ only in underscores (`_x`, `x_x`) may share a
            // top function (they are different projects); case-variants share
            // guards. Either kind goes to another unit, a new one if need be.
            let preferred = k % 2
            let unit = ([preferred] + units.indices.filter { $0 != preferred }).first { !guards[$0].contains(f.uppercased()) } ?? units.count
            if unit == units.count { units.append([]); guards.append([]) }
            guards[unit].insert(f.uppercased())
            units[unit].append(block)
        }
        // One g++ per unit, side by side: the two cores each take one.
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, blocks) in units.enumerated() {
                try (blocks.joined(separator: "\n") + "\n").write(toFile: "\(folder)/unit\(i).cpp", atomically: true, encoding: .utf8)
                group.addTask { try await Self.syntaxCheck(["unit\(i).cpp"], in: folder, include: ["p0/firmware"]) }
            }
            try await group.waitForAll()
        }
        print("reserved names as \(Self.names.count) model names: g++ -fsyntax-only clean, \(String(format: "%.1f", Date().timeIntervalSince(start))) s"
              + " (emission \(String(format: "%.1f", emitted)) s)")
    }

    @Test("names are kept unless they must change, and then change visibly")
    func escapes() throws {
        func names(_ model: String, _ tensors: [String] = ["x"]) -> HLSNames {
            let t = Zoo.type("ap_fixed<8,3>")
            return HLSNames(LoweredModel(name: model, tensors: tensors.map { TensorInfo(name: $0, size: 1, type: t) },
                                         inputs: [TensorID(0)], outputs: [TensorID(0)], ops: []))
        }
        #expect(names("jet_tagger").function == "jet_tagger")
        #expect(names("jet_tagger").headerGuard == "JET_TAGGER_H_")
        #expect(names("jet_tagger").parametersGuard == "JET_TAGGER_PARAMETERS_H_")
        #expect(names("int").function == "int_2")
        #expect(names("EOF").function == "EOF_2")
        #expect(names("size_t").function == "size_t_2")
        #expect(names("parameters").function == "parameters_2")
        #expect(names("Parameters").function == "Parameters_2")
        #expect(names("ap_fixed").function == "x_ap_fixed")
        #expect(names("_x").function == "x_x")
        #expect(names("a__b").function == "a_b")
        #expect(names("nnet_common").headerGuard == "NNET_COMMON_H2_")
        #expect(names("ap").headerGuard == "X_AP_H_")
        #expect(names("m", ["errno", "x_", "M_H_", "tb_x", "sin"]).tensorVariables == ["errno_2", "x_", "M_H_2", "t_tb_x", "sin"])
        var n = names("m", ["index", "size"])
        #expect(n.make("index_t") == "index_t_2")
        #expect(n.make("size_t") == "size_t_2")
        #expect(n.make("x__t") == "x_t")
        #expect(n.make("x_t") == "x_t_2")
    }

    @Test("a model called like a library macro, with such layers, computes what the reference computes")
    func keywordModelSimulates() async throws {
        let names = ["errno", "EOF", "size", "int", "NULL", "assert", "index", "stdout", "table", "scale", "FILE", "tb_x",
                     "nnet", "std", "sin", "exp", "INFINITY", "main", "softmax", "A_PARAMETERS_H_", "x__y", "_"]
        let model = try Pipeline.lower(ModelZoo.namedLayers(names, modelName: "errno"))
        let sim = try CSimulation(model: model)
        let report = try await sim.run(StressEvents.make(model, events: 300, seed: 17))
        #expect(report.compared.events == 300)
        #expect(report.compared.mismatchCount == 0, "\(report.compared.mismatches.prefix(3).map(\.description))")
    }

    @Test("the lists cover every macro and global name the generated C++ sees on this system")
    func listsCoverTheHeaders() async throws {
        let folder = ProjectFiles.temporaryFolder("reserved-scan")
        try ProjectFiles.write(try Self.project(Zoo.oneLayer), to: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // The system and ap_types headers the generated files include, and our layer library.
        var includes = Set<String>()
        for path in try FileManager.default.subpathsOfDirectory(atPath: folder) where path.hasSuffix(".cpp") || path.hasSuffix(".h") {
            let text = try String(contentsOfFile: "\(folder)/\(path)", encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("#include <") || line.hasPrefix("#include \"ap_") {
                includes.insert(String(line))
            }
        }
        includes.formUnion(HLSEmitter.libraryHeaders.map { "#include \"firmware/nnet_utils/\($0)\"" })
        try (includes.sorted().joined(separator: "\n") + "\n").write(toFile: "\(folder)/scan.cpp", atomically: true, encoding: .utf8)
        let apTypes = try #require(APTypes.locate(), "the ap_types headers are missing: \(APTypes.installHint)")
        let flags = ["-std=c++17", "-isystem", apTypes, "-I", folder]
        func visible(_ name: Substring) -> Bool { !name.hasPrefix("_") && !name.contains("__") }

        let defines = try await ToolRunner.run("g++", flags + ["-dM", "-E", "scan.cpp"], in: folder, installHint: "install g++")
        let macros = defines.standardOutput.split(separator: "\n").compactMap { line -> Substring? in
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, parts[0] == "#define" else { return nil }
            return parts[1].prefix { $0 != "(" }
        }.filter(visible)
        let missingMacros = macros.filter { !CPPReservedWords.isReserved(String($0), at: .local) }
        #expect(missingMacros.isEmpty, "macros not reserved: \(missingMacros.sorted().prefix(40))")

        // A global typedef of each identifier in the preprocessed headers: the
        // ones g++ rejects are declared at global scope (or are keywords).
        let preprocessed = try await ToolRunner.run("g++", flags + ["-E", "-P", "scan.cpp"], in: folder, installHint: "install g++")
        var tokens = Set<Substring>()
        let text = preprocessed.standardOutput
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c.isASCII && (c.isLetter || c.isNumber || c == "_") {
                var j = i
                while j < text.endIndex, text[j].isASCII, text[j].isLetter || text[j].isNumber || text[j] == "_" { j = text.index(after: j) }
                let word = text[i..<j]
                if word.first!.isLetter && visible(word) { tokens.insert(word) }
                i = j
            } else {
                i = text.index(after: i)
            }
        }
        let candidates = tokens.sorted()
        let probe = ["#include \"scan.cpp\""] + candidates.map { "typedef int \($0);" }
        try (probe.joined(separator: "\n") + "\n").write(toFile: "\(folder)/probe.cpp", atomically: true, encoding: .utf8)
        let log = "\(folder)/probe.log"
        var rejected = Set<Int>()
        do {
            try await ToolRunner.run("g++", flags + ["-fsyntax-only", "-fmax-errors=0", "probe.cpp"], in: folder, log: log, installHint: "install g++")
        } catch {
            guard case .failed = error else { throw error }
            for line in try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n") where line.hasPrefix("probe.cpp:") {
                if let n = Int(line.dropFirst("probe.cpp:".count).prefix { $0.isNumber }) { rejected.insert(n) }
            }
        }
        let globals = rejected.filter { $0 >= 2 && $0 - 2 < candidates.count }.map { String(candidates[$0 - 2]) }
        #expect(globals.count > 1000, "the probe found only \(globals.count) global names")
        let missing = globals.filter { !CPPReservedWords.isReserved($0, at: .global) }
        #expect(missing.isEmpty, "global names not reserved: \(missing.sorted().prefix(40))")
        print("reserved-name scan: \(macros.count) macros, \(globals.count) global names checked")
    }

    // MARK: - Helpers

    /// One ReLU layer with names unique to project `index`, so that many
    /// projects can share one translation unit. The model's name is what
    /// is under test; the layer is kept as cheap to compile as possible.
    static func tinyGraph(name: String, index k: Int) -> Graph {
        let type = FixedType.fixed(10, 4, .rnd, .sat)
        return Graph(name: name, inputs: [GraphInput(name: "in\(k)", shape: [2], type: type)],
                     nodes: [Node(name: "a\(k)", op: .activation(.relu), inputs: ["in\(k)"])],
                     outputs: ["a\(k)"], defaults: PrecisionDefaults(result: type))
    }

    /// The C++ files of the project (no test vectors) and the C simulation harness.
    static func project(_ model: LoweredModel, templates: TemplateLibrary? = nil) throws -> [GeneratedFile] {
        let templates = try templates ?? TemplateLibrary.locate()
        let none = EventTable(rows: 0, columns: model.inputWidth, values: [])
        let files = try HLSEmitter.emit(model, options: HLSOptions(), testInputs: none, templates: templates)
            + [try HLSEmitter.csimHarness(model, options: HLSOptions(), templates: templates)]
        return files.filter { $0.path.hasSuffix(".h") || $0.path.hasSuffix(".cpp") }
    }

    /// Paths stay inside the project, are unique without case, and the
    /// model's own files never take the name of one of ours.
    static func checkPaths(_ files: [GeneratedFile], function f: String, model: String) throws {
        let paths = files.map(\.path)
        #expect(Set(paths.map { $0.lowercased() }).count == paths.count, "model \(model): paths collide without case")
        for p in paths {
            #expect(!p.hasPrefix("/") && !p.split(separator: "/").contains(".."), "model \(model): \(p)")
        }
        #expect(!HLSNames.firmwareStems.contains(f.lowercased()), "model \(model): firmware/\(f).h is a file of ours")
    }

    /// The text of project file `path` with the `#include "..."` of other
    /// project files replaced by their text (include guards still decide
    /// what is compiled), between `#line` markers that name the files as
    /// `label/<path>`. Includes of files outside the project stay.
    static func inlined(_ path: String, _ files: [String: String], label: String) -> String {
        let directory = path.split(separator: "/").dropLast().joined(separator: "/")
        var out = ["#line 1 \"\(label)/\(path)\""]
        for (n, line) in (files[path] ?? "").split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard line.hasPrefix("#include \""), let target = line.split(separator: "\"").dropFirst().first else { out.append(String(line)); continue }
            var parts: [Substring] = directory.isEmpty ? [] : directory.split(separator: "/")
            for part in target.split(separator: "/") {
                if part == ".." { parts.removeLast() } else { parts.append(part) }
            }
            let resolved = parts.joined(separator: "/")
            guard files[resolved] != nil else { out.append(String(line)); continue }
            out.append(inlined(resolved, files, label: label))
            out.append("#line \(n + 2) \"\(label)/\(path)\"")
        }
        return out.joined(separator: "\n")
    }

    static func syntaxCheck(_ sources: [String], in folder: String, include: [String] = []) async throws {
        let apTypes = try #require(APTypes.locate(), "the ap_types headers are missing: \(APTypes.installHint)")
        let log = "\(folder)/\(sources[0]).log"
        do {
            try await ToolRunner.run("g++", ["-std=c++17", "-fsyntax-only", "-isystem", apTypes, "-I", folder]
                                        + include.flatMap { ["-I", "\(folder)/\($0)"] } + sources,
                                     in: folder, log: log, installHint: "install g++")
        } catch {
            Issue.record("g++ rejects \(sources): \(error)")
        }
    }
}

extension ProjectFiles {
    /// Writes generated files below `folder`, leaving what is already there.
    static func write(_ files: [GeneratedFile], toExisting folder: String) throws {
        for f in files {
            let url = URL(fileURLWithPath: folder).appendingPathComponent(f.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(f.contents.utf8).write(to: url)
        }
    }
}

import Foundation
import Testing
import FixedPoint
@testable import HLSBackend
import ModelIR
import ModelZoo
import Passes
import Simulation
import Templates
import Toolchain
@testable import VerilogBackend

/// Every name a model can have gives Verilog that Verilator's lint accepts:
/// names that are keywords of SystemVerilog or C++, library names, names of
/// the signals a module declares, and names Verilator reads specially.
@Suite("Verilog designs lint clean whatever the model and layers are called", .serialized)
struct ReservedNameTests {
    /// The names under test, sorted: both backends' reserved lists and ModelZoo's tricky names.
    static let names: [String] = Array(VerilogReservedWords.all.union(CPPReservedWords.all).union(ModelZoo.trickyNames)).sorted()

    @Test("every reserved word as a layer (tensor) name: two designs, verilator --lint-only -Wall")
    func layerNames() async throws {
        let start = Date()
        // Both designs are called `s`: `s` + `_` + a layer called `always`,
        // `until`, ... is a keyword, so those op modules must move aside.
        let half = Self.names.count / 2
        let parts = [("s", Array(Self.names[..<half])), ("s", Array(Self.names[half...]))]
        let templates = try TemplateLibrary.locate()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (name, names) in parts {
                group.addTask {
                    let model = try Pipeline.lower(ModelZoo.namedLayers(names, modelName: name))
                    let design = try VerilogEmitter.emit(model, options: VerilogOptions(templates: templates))
                    Self.checkFileNames(design, model: name)
                    for m in design.modules where ["always", "eventually", "nexttime", "until", "until_with"].contains(m.op) {
                        #expect(m.module == "s_\(m.op)_op")
                    }
                    let folder = try Self.write([design], "reserved-layers-\(names[0])")
                    defer { try? FileManager.default.removeItem(atPath: folder) }
                    try await Self.lint(design.simulationModels + design.verilogFiles, top: design.topModule, in: folder)
                }
            }
            try await group.waitForAll()
        }
        print("reserved names as \(Self.names.count) layer names: lint clean, \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
    }

    @Test("every reserved word as a model name: all designs in a few Verilator runs")
    func modelNames() async throws {
        let start = Date()
        let templates = try TemplateLibrary.locate()
        let count = Self.names.count
        let designs = try await withThrowingTaskGroup(of: [(Int, VerilogDesign)].self) { group in
            for part in 0..<2 {
                group.addTask {
                    try stride(from: part, to: count, by: 2).map { k in
                        let model = try Pipeline.lower(Self.tinyGraph(name: Self.names[k], index: k))
                        return (k, try VerilogEmitter.emit(model, options: VerilogOptions(templates: templates)))
                    }
                }
            }
            return try await group.reduce(into: [(Int, VerilogDesign)]()) { $0 += $1 }.sorted { $0.0 < $1.0 }.map(\.1)
        }
        // Designs go to two runs (one per core); models whose files would
        // share a name without case (`NAN`, `nan`) go to another run.
        var runs: [[VerilogDesign]] = [[], []]
        var files: [Set<String>] = [[], []]
        for (k, design) in designs.enumerated() {
            Self.checkFileNames(design, model: Self.names[k])
            let names = Set(design.verilogFiles.map { $0.lowercased() })
            let preferred = k % 2
            let run = ([preferred] + runs.indices.filter { $0 != preferred }).first { files[$0].isDisjoint(with: names) } ?? runs.count
            if run == runs.count { runs.append([]); files.append([]) }
            runs[run].append(design)
            files[run].formUnion(names)
        }
        var folders: [String] = []
        defer { for f in folders { try? FileManager.default.removeItem(atPath: f) } }
        for (i, run) in runs.enumerated() { folders.append(try Self.write(run, "reserved-models-\(i)")) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (run, folder) in zip(runs, folders) {
                let models = run.flatMap(\.simulationModels).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                group.addTask { try await Self.lint(models + run.flatMap(\.verilogFiles), top: nil, in: folder) }
            }
            try await group.waitForAll()
        }
        print("reserved names as \(count) model names: \(runs.count) Verilator runs lint clean, \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
    }

    @Test("a model named like a keyword, with keyword layers, simulates bit-exactly")
    func keywordModelSimulates() async throws {
        let names = ["wire", "reg", "module", "int", "end", "x0", "y", "clk", "valid_pipe", "t_wire", "s_always", "index",
                     "exp_rom", "uwire", "void", "y0_sum", "verilator", "reg_d1", "u_wire", "table"]
        let model = try Pipeline.lower(ModelZoo.namedLayers(names, modelName: "do"))
        let (design, result) = try await RTLTest.simulate(model, count: 300, seed: 23)
        #expect(design.topModule == "do_top")
        // `reg` is delayed (t_reg_d1, ...) and a layer is called `reg_d1`: both wires exist, apart.
        let top = try #require(design.files.first { $0.path == "do_top.v" }?.contents)
        #expect(top.contains("wire [23:0] t_reg_d1;"))
        #expect(top.contains("reg [23:0] t_reg_d1_2;"))
        #expect(result.compared.mismatchCount == 0)
    }

    @Test("names that Verilator or the other modules would misread are changed, others kept")
    func escapes() throws {
        func top(_ name: String) throws -> VerilogDesign {
            try VerilogEmitter.emit(try Pipeline.lower(Self.tinyGraph(name: name, index: 0)), options: VerilogOptions())
        }
        #expect(try top("jet_tagger").topModule == "jet_tagger")
        #expect(try top("wire").topModule == "wire_top")
        #expect(try top("verilator").topModule == "verilator")
        #expect(try top("erilated").topModule == "m_erilated")
        #expect(try top("lWide").topModule == "m_lWide")
        #expect(try top("clk").topModule == "clk_top")
        #expect(try top("t_in0").topModule == "t_in0_top")
        // "s" + "_" + "always" is a keyword: the op module moves aside.
        let s = try VerilogEmitter.emit(try Pipeline.lower(ModelZoo.namedLayers(["x", "z", "always"], modelName: "s")),
                                        options: VerilogOptions())
        #expect(s.modules.map(\.module) == ["s_always_op"])
    }

    // MARK: - Helpers

    /// One ReLU on one element, names unique to design `index`: the
    /// model's name is under test, the layer is as cheap to lint as can be.
    static func tinyGraph(name: String, index k: Int) -> Graph {
        let type = FixedType.fixed(10, 4, .rnd, .sat)
        return Graph(name: name, inputs: [GraphInput(name: "in\(k)", shape: [1], type: type)],
                     nodes: [Node(name: "a\(k)", op: .activation(.relu), inputs: ["in\(k)"])],
                     outputs: ["a\(k)"], defaults: PrecisionDefaults(result: type))
    }

    /// File names are unique without case and are the module names.
    static func checkFileNames(_ design: VerilogDesign, model: String) {
        let paths = design.files.map(\.path)
        #expect(Set(paths.map { $0.lowercased() }).count == paths.count, "model \(model): file names collide without case")
        #expect(design.verilogFiles == design.helperModules + design.modules.map { "\($0.module).v" } + ["\(design.topModule).v"],
                "model \(model)")
    }

    /// Writes the designs' Verilog files into a fresh folder of that name.
    static func write(_ designs: [VerilogDesign], _ name: String) throws -> String {
        let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("hepml-rtl-names-\(ProcessInfo.processInfo.processIdentifier)/\(name)")
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for design in designs {
            for file in design.files where file.path.hasSuffix(".v") {
                let path = "\(folder)/\(file.path)"
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                FileManager.default.createFile(atPath: path, contents: Data(file.contents.utf8))
            }
        }
        return folder
    }

    /// `verilator --lint-only -Wall`, with several tops allowed when `top` is nil.
    static func lint(_ files: [String], top: String?, in folder: String) async throws {
        let selection = top.map { ["--top-module", $0] } ?? ["-Wno-MULTITOP"]
        let log = "\(folder)/lint-\((files.last ?? "").replacingOccurrences(of: "/", with: "_")).log"
        do {
            let result = try await ToolRunner.run("verilator", ["--lint-only", "-Wall", "-D\(VerilogEmitter.behavioralAddersMacro)"] + selection + files, in: folder, log: log,
                                                  installHint: VerilatorSimulation.installHint)
            #expect(result.standardError.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(result.standardError.prefix(3000))")
        } catch {
            Issue.record("verilator rejects the designs: \(error)")
        }
    }
}

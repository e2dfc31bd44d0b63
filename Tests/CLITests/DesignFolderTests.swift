import Foundation
import Testing

/// `simulate DIR` and `csim DIR`: the files of a compiled folder are built
/// as they are, against the reference of its lowered.txt; files edited by
/// hand are named on stderr, missing ones are exit 2, and the folder is only read.
@Suite struct DesignFolderTests {
    static let shippedTagger = CLI.repoRoot.appendingPathComponent("hls-out/jet_tagger").path
    static let taggerInputs = CLI.repoRoot.appendingPathComponent("examples/jet_tagger/test_inputs.csv").path
    static let handModel = CLI.fixtures.appendingPathComponent("hand_model.json").path
    static let handInputs = CLI.fixtures.appendingPathComponent("hand_inputs.csv").path

    /// The hand model compiled into a fresh folder.
    static func compiledHand(in dir: URL) throws -> URL {
        let out = dir.appendingPathComponent("hand")
        let r = try CLI.run([handModel, "--target", "fpga", "--out", out.path])
        try #require(r.code == 0, "\(r.err)")
        return out
    }

    /// Every path below `folder` with its contents.
    static func snapshot(_ folder: URL) -> [String: Data] { ShippedModelGoldenTests.files(under: folder) }

    /// `latency N cycles (design.json: M)`: the measured and reported latencies.
    static func latencies(in output: String) -> (measured: Int, reported: Int)? {
        guard let line = output.split(separator: "\n").first(where: { $0.contains("(design.json: ") }),
              let measured = line.split(separator: "latency ").last?.split(separator: " ").first.flatMap({ Int($0) }),
              let reported = line.split(separator: "(design.json: ").last?.split(separator: ")").first.flatMap({ Int($0) })
        else { return nil }
        return (measured, reported)
    }

    /// design.json records every RTL option the design was built with,
    /// `--ternary-adders` included (it was dropped before).
    @Test(arguments: ["all", "latency", "off"])
    func designJSONRecordsTheTernaryAdderChoice(choice: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("hand")
        let r = try CLI.run([Self.handModel, "--target", "verilog", "--ternary-adders", choice, "--out", out.path])
        try #require(r.code == 0, "\(r.err)")
        let data = try Data(contentsOf: out.appendingPathComponent("design.json"))
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let rtl = json?["rtl"] as? [String: Any]
        #expect(rtl?["ternary_adders"] as? String == choice, "\(String(decoding: data, as: UTF8.self))")
    }

    @Test func simulatingTheShippedTaggerFolderMatchesTheReferenceAndItsLatency() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = Self.snapshot(URL(fileURLWithPath: Self.shippedTagger))
        let r = try CLI.run(["simulate", Self.shippedTagger, "--input", Self.taggerInputs,
                             "--output", dir.appendingPathComponent("y.csv").path, "--quick-build"])
        #expect(r.code == 0, "exit \(r.code): \(r.err)")
        #expect(r.out.contains("bit mismatches vs the Swift reference: 0\n"), "\(r.out)")
        let latency = try #require(Self.latencies(in: r.out), "\(r.out)")
        #expect(latency.measured == latency.reported)
        #expect(latency.reported == 10)
        #expect(!r.err.contains("differ"), "the shipped folder is unedited: \(r.err)")
        #expect(Self.snapshot(URL(fileURLWithPath: Self.shippedTagger)) == before, "simulate wrote into the folder")
    }

    @Test func cSimulatingTheShippedTaggerFolderMatchesTheReference() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["csim", Self.shippedTagger, "--input", Self.taggerInputs, "--output", dir.appendingPathComponent("y.csv").path])
        #expect(r.code == 0, "exit \(r.code): \(r.err)")
        #expect(r.out.contains("simulated 200 events"), "\(r.out)")
        #expect(r.out.contains("bit mismatches vs the Swift reference: 0\n"), "\(r.out)")
        #expect(!r.err.contains("differ"), "\(r.err)")
    }

    /// Turns the first addition of the hand model's adder tree into a
    /// subtraction (a binary adder's `+`, or a ternary adder's second
    /// operand negated): the RTL computes another function.
    @Test func anAdderEditedByHandGivesMismatchesAndIsNamed() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = try Self.compiledHand(in: dir)
        let file = folder.appendingPathComponent("rtl/hand_fc.v")
        let verilog = try String(contentsOf: file, encoding: .utf8)
        var lines = verilog.components(separatedBy: "\n")
        let k = try #require(lines.firstIndex { ($0.contains("wire") && $0.contains("_acc_s") && $0.contains(" + "))
                                 || ($0.contains("_add3 #(") && $0.contains(".NEG_B(0)")) },
                             "no addition in the fixture's adder tree")
        lines[k] = lines[k].replacingOccurrences(of: " + ", with: " - ").replacingOccurrences(of: ".NEG_B(0)", with: ".NEG_B(1)")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let before = Self.snapshot(folder)
        let r = try CLI.run(["simulate", folder.path, "--input", Self.handInputs, "--output", dir.appendingPathComponent("y.csv").path,
                             "--quick-build", "--work", dir.appendingPathComponent("cache").path])
        #expect(r.code == 5, "exit \(r.code): \(r.err)")
        #expect(!r.out.contains("bit mismatches vs the Swift reference: 0\n"), "\(r.out)")
        #expect(r.err.contains("output codes differ from the reference"), "\(r.err)")
        #expect(r.err.contains("differs from") && r.err.contains("rtl/hand_fc.v"), "\(r.err)")
        #expect(Self.snapshot(folder) == before, "simulate wrote into the folder")
    }

    @Test func aCommentAddedByHandChangesNothingButIsNamed() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = try Self.compiledHand(in: dir)
        let handle = try FileHandle(forWritingTo: folder.appendingPathComponent("rtl/hand_fc.v"))
        handle.seekToEndOfFile()
        handle.write(Data("// reviewed by hand\n".utf8))
        try handle.close()
        let r = try CLI.run(["simulate", folder.path, "--input", Self.handInputs, "--output", dir.appendingPathComponent("y.csv").path,
                             "--quick-build", "--work", dir.appendingPathComponent("cache").path])
        #expect(r.code == 0, "exit \(r.code): \(r.err)")
        #expect(r.out.contains("bit mismatches vs the Swift reference: 0\n"), "\(r.out)")
        let latency = try #require(Self.latencies(in: r.out), "\(r.out)")
        #expect(latency.measured == latency.reported)
        #expect(r.err.contains("differs from") && r.err.contains("rtl/hand_fc.v"), "\(r.err)")
    }

    /// A weight edited in the HLS firmware: the C simulation compiles it.
    @Test func aWeightEditedByHandInTheFirmwareGivesCSimMismatches() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = try Self.compiledHand(in: dir)
        let file = folder.appendingPathComponent("hls/firmware/weights/fc.h")
        let header = try String(contentsOf: file, encoding: .utf8)
        try #require(header.contains("    -1.25,"))
        try header.replacingOccurrences(of: "    -1.25,", with: "    1.25,").write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["csim", folder.path, "--input", Self.handInputs, "--output", dir.appendingPathComponent("y.csv").path,
                             "--work", dir.appendingPathComponent("cache").path])
        #expect(r.code == 5, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("hls/firmware/weights/fc.h"), "\(r.err)")
        #expect(!r.out.contains("bit mismatches vs the Swift reference: 0\n"), "\(r.out)")
    }

    @Test(arguments: ["lowered.txt", "design.json"], ["simulate", "csim"])
    func aFolderWithoutAFileTheSimulationNeedsIsExit2NamingIt(missing: String, command: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = try Self.compiledHand(in: dir)
        try FileManager.default.removeItem(at: folder.appendingPathComponent(missing))
        let output = dir.appendingPathComponent("y.csv")
        let r = try CLI.run([command, folder.path, "--input", Self.handInputs, "--output", output.path])
        #expect(r.code == 2, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("\(missing) is missing"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test func aVerilogFileTheDescriptorListsIsExit2WhenMissing() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = try Self.compiledHand(in: dir)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("rtl/hand_fc.v"))
        let r = try CLI.run(["simulate", folder.path, "--input", Self.handInputs, "--output", dir.appendingPathComponent("y.csv").path])
        #expect(r.code == 2, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("rtl/hand_fc.v is missing"), "\(r.err)")
    }

    /// Options that shape an emitted design do not apply to a compiled one.
    @Test(arguments: [["simulate", "--clock-ns", "5"], ["simulate", "--family", "xc7"], ["simulate", "--family", "xcup"],
                      ["simulate", "--ternary-adders", "all"], ["simulate", "--softmax-dsp"],
                      ["simulate", "--max-rtl-size", "1000"], ["csim", "--reuse", "2"]])
    func emittingOptionsAreRefusedForAFolder(arguments: [String]) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run([arguments[0], Self.shippedTagger, "--input", Self.taggerInputs,
                             "--output", dir.appendingPathComponent("y.csv").path] + arguments.dropFirst())
        #expect(r.code == 2, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("\(arguments[1]) applies to a model file, not to a compiled folder"), "\(r.err)")
    }

    @Test func anOutputInsideTheFolderIsRefused() throws {
        let r = try CLI.run(["simulate", Self.shippedTagger, "--input", Self.taggerInputs, "--output", Self.shippedTagger + "/y.csv"])
        #expect(r.code == 2, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("inside the design folder"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: Self.shippedTagger + "/y.csv"))
    }
}

extension DesignFolderTests {
    @Test func aFolderCompiledWithoutTheHLSProjectIsExit2ForCSim() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("hand")
        try #require(try CLI.run([Self.handModel, "--target", "verilog", "--out", folder.path]).code == 0)
        let r = try CLI.run(["csim", folder.path, "--input", Self.handInputs, "--output", dir.appendingPathComponent("y.csv").path])
        #expect(r.code == 2, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("holds no HLS project"), "\(r.err)")
    }

    @Test func aFolderWithoutAManifestIsNeitherAModelNorADesign() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["simulate", dir.path, "--input", Self.handInputs, "--output", dir.appendingPathComponent("y.csv").path])
        #expect(r.code == 2, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("is a folder without hepml-manifest.json"), "\(r.err)")
    }

    @Test func aDescriptorOfANewerFormatIsExit2() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = try Self.compiledHand(in: dir)
        let file = folder.appendingPathComponent("design.json")
        let text = try String(contentsOf: file, encoding: .utf8)
        try #require(text.contains("\"format_version\" : 2,"))
        try text.replacingOccurrences(of: "\"format_version\" : 2,", with: "\"format_version\" : 99,")
            .write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["simulate", folder.path, "--input", Self.handInputs, "--output", dir.appendingPathComponent("y.csv").path])
        #expect(r.code == 2, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("design.json: format_version 99 is newer"), "\(r.err)")
    }
}

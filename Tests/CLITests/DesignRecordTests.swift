import Foundation
import Testing

/// design.json stores each backend's record as the backend returned it:
/// every option the design was emitted with, the files relative to their
/// own folder; `simulate DIR` and `csim DIR` read nothing else. Folders of
/// format 1 (paths with their folder, fewer options) are still read.
@Suite struct DesignRecordTests {
    static func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    @Test func everyOptionOfBothBackendsIsRecorded() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("hand")
        let r = try CLI.run([DesignFolderTests.handModel, "--family", "xc7", "--softmax-dsp", "--ternary-adders", "latency",
                             "--clock-ns", "4", "--reuse", "2", "--out", out.path])
        try #require(r.code == 0, "\(r.err)")
        let descriptor = try Self.json(out.appendingPathComponent("design.json"))
        #expect(descriptor["format_version"] as? Int == 2)
        let rtl = try #require(descriptor["rtl"] as? [String: Any])
        #expect(rtl["family"] as? String == "xc7")
        #expect(rtl["dsp_multipliers"] as? Bool == true)
        #expect(rtl["ternary_adders"] as? String == "latency")
        #expect(rtl["share_subexpressions"] as? Bool == true)
        #expect(rtl["clock_ns"] as? Double == 4)
        #expect(rtl["initiation_interval"] as? Int == 1)
        let budget = try #require(rtl["stage_budget_ps"] as? Int)
        #expect(budget > 0 && budget < 4000, "\(budget) ps of logic in a 4 ns stage")
        // Files relative to rtl/, each one the compiler wrote there.
        let verilog = try #require(rtl["verilog_files"] as? [String])
        let testbench = try #require(rtl["testbench"] as? String)
        for file in verilog + [testbench] {
            #expect(!file.hasPrefix("rtl/") && FileManager.default.fileExists(atPath: out.appendingPathComponent("rtl/" + file).path), "\(file)")
        }
        #expect(verilog.last == (rtl["top_module"] as? String).map { $0 + ".v" })
        let hls = try #require(descriptor["hls"] as? [String: Any])
        #expect(hls["reuse_factor"] as? Int == 2)
        #expect(hls["clock_ns"] as? Double == 4)
        #expect((hls["part"] as? String)?.isEmpty == false)
        let firmware = try #require(hls["firmware"] as? [String])
        #expect(!firmware.isEmpty && firmware.allSatisfy { $0.hasPrefix("firmware/") })
        for file in firmware { #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("hls/" + file).path), "\(file)") }
    }

    /// A folder written with format 1 names its files with `rtl/`; it
    /// simulates as before, and a path outside `rtl/` is exit 2 naming the field.
    @Test func aFormatOneFolderIsStillRead() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("hand")
        var r = try CLI.run([DesignFolderTests.handModel, "--target", "verilog", "--out", out.path])
        try #require(r.code == 0, "\(r.err)")
        let file = out.appendingPathComponent("design.json")
        var descriptor = try Self.json(file)
        var rtl = try #require(descriptor["rtl"] as? [String: Any])
        descriptor["format_version"] = 1
        rtl["verilog_files"] = (rtl["verilog_files"] as? [String] ?? []).map { "rtl/" + $0 }
        rtl["testbench"] = "rtl/" + (rtl["testbench"] as? String ?? "")
        for key in ["helper_modules", "simulation_models", "share_subexpressions", "initiation_interval"] { rtl[key] = nil }
        descriptor["rtl"] = rtl
        try JSONSerialization.data(withJSONObject: descriptor, options: [.prettyPrinted, .sortedKeys]).write(to: file)
        let output = dir.appendingPathComponent("y.csv").path
        r = try CLI.run(["simulate", out.path, "--input", DesignFolderTests.handInputs, "--output", output, "--quick-build"])
        #expect(r.code == 0, "exit \(r.code): \(r.err)")
        #expect(r.out.contains("bit mismatches vs the Swift reference: 0\n"), "\(r.out)")

        rtl["testbench"] = "hand_tb.cpp"
        descriptor["rtl"] = rtl
        try JSONSerialization.data(withJSONObject: descriptor, options: [.prettyPrinted, .sortedKeys]).write(to: file)
        r = try CLI.run(["simulate", out.path, "--input", DesignFolderTests.handInputs, "--output", output])
        #expect(r.code == 2, "exit \(r.code): \(r.err)")
        #expect(r.err.contains(".rtl.testbench: 'hand_tb.cpp' is not a path inside the folder's rtl/"), "\(r.err)")
    }
}

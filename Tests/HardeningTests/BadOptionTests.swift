import Foundation
import Testing

/// Option values that used to trap: `--clock-ns 1e20` overflowed the
/// Double-to-Int conversion of the adders per stage (exit 132). Every command
/// with a clock refuses a period outside 0.1 ... 1000 ns with exit 2.
@Suite struct BadOptionTests {
    static let clocks = ["1e20", "1001", "0.05", "nan", "inf"]

    @Test(arguments: clocks)
    func compileRefusesAnAbsurdClock(clock: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out").path
        let r = try CLI.run([CLI.handModel, "--target", "verilog", "--clock-ns", clock, "--out", out], timeout: 30)
        #expect(r.code == 2, "\(clock): exit \(r.code): \(r.err)")
        #expect(r.err.contains("hepml-compile: error: --clock-ns: "), "\(r.err)")
        #expect(r.err.contains("ns is outside the accepted range 0.1...1000.0 ns"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func compileNamesTheValue() throws {
        let r = try CLI.run([CLI.handModel, "--target", "verilog", "--clock-ns", "1e20", "--out", "/nonexistent/never"], timeout: 30)
        #expect(r.err.contains("--clock-ns: 1e+20 ns is outside the accepted range 0.1...1000.0 ns"), "\(r.err)")
    }

    @Test(arguments: [["simulate", "--output", "/nonexistent/y.csv"], ["report", "--out", "/nonexistent/report"]])
    func simulateAndReportRefuseAnAbsurdClock(command: [String]) throws {
        let r = try CLI.run([command[0], CLI.handModel, "--input", CLI.handInputs, "--clock-ns", "1e20"] + command.dropFirst(), timeout: 30)
        #expect(r.code == 2, "\(command[0]): exit \(r.code): \(r.err)")
        #expect(r.err.contains("--clock-ns: 1e+20 ns is outside the accepted range 0.1...1000.0 ns"), "\(r.err)")
    }

    /// The ends of the range are accepted and give a design.
    @Test(arguments: ["0.1", "1000"])
    func theEndsOfTheClockRangeCompile(clock: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run([CLI.handModel, "--target", "verilog", "--clock-ns", clock, "--out", dir.appendingPathComponent("out").path], timeout: 60)
        #expect(r.code == 0, "\(clock): \(r.err)")
    }
}

import FileSafety
import Foundation
import ModelIR
import Toolchain
import VerilogBackend

/// Static checks of a generated design with Verilator's lint. Yosys runs
/// through ``Yosys`` (Toolchain).
public enum RTLChecks {
    /// The outcome of `verilator --lint-only -Wall`.
    public struct LintReport: Sendable {
        /// No warning and no error.
        public var clean: Bool
        /// Verilator's messages (empty when clean).
        public var messages: String
    }

    /// Runs `verilator --lint-only -Wall` on the design's Verilog files.
    public static func lint(_ design: VerilogDesign) async throws(RTLSimulationError) -> LintReport {
        let scratch = try scratch("lint")
        defer { scratch.remove() }
        let directory = scratch.path
        do { try GeneratedFiles.write(design.files.map { ($0.path, $0.contents) }, into: directory) } catch {
            throw .io("cannot write the design to \(directory): \(error.reason)")
        }
        let log = "\(directory)/lint.log"
        do {
            let result = try await ToolRunner.run("verilator", ["--lint-only", "-Wall", "--top-module", design.topModule]
                                                  + design.simulationModels + design.verilogFiles,
                                                  in: directory, log: log, installHint: VerilatorSimulation.installHint)
            let messages = result.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
            return LintReport(clean: messages.isEmpty, messages: messages)
        } catch {
            if case .failed = error, let text = try? String(contentsOfFile: log, encoding: .utf8) {
                return LintReport(clean: false, messages: text)
            }
            throw .tool(error)
        }
    }

    static func scratch(_ label: String) throws(RTLSimulationError) -> ScratchFolder {
        do { return try ScratchFolder(label) } catch { throw .refused(error) }
    }
}

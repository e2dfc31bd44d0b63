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
    /// With `behavioralAdders`, the ternary adders are read in their
    /// behavioural form (`HEPML_BEHAVIORAL_ADDERS`), as the simulations build
    /// them: every other line is the same, and Verilator elaborates each
    /// adder's primitives (one LUT6_2 and a carry per bit) no more, which is
    /// most of the time on a design of thousands of adders (tagger: 50 s of
    /// CPU against 5 s). The primitive form is the same module text at every
    /// width, so linting it on a small design covers it.
    public static func lint(_ design: VerilogDesign, behavioralAdders: Bool = false) async throws(RTLSimulationError) -> LintReport {
        let scratch = try scratch("lint")
        defer { scratch.remove() }
        let directory = scratch.path
        do { try GeneratedFiles.write(design.files.map { ($0.path, $0.contents) }, into: directory) } catch {
            throw .io("cannot write the design to \(directory): \(error.reason)")
        }
        let log = "\(directory)/lint.log"
        do {
            let result = try await ToolRunner.run("verilator", ["--lint-only", "-Wall", "--top-module", design.topModule]
                                                  + (behavioralAdders ? ["-D\(VerilogEmitter.behavioralAddersMacro)"] : [])
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

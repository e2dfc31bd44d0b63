import FileSafety
import Foundation
import ModelIR
import Toolchain
import VerilogBackend

/// Static checks of a generated design with external tools: Verilator's
/// lint and a Yosys synthesis (acceptance, and LUT/FF/DSP estimates).
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
        try VerilatorSimulation.write(design.files, to: directory)
        let log = "\(directory)/lint.log"
        do {
            let result = try await ToolRunner.run("verilator", ["--lint-only", "-Wall", "--top-module", design.topModule] + design.verilogFiles,
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

    /// Cell counts after a Yosys synthesis.
    public struct SynthesisReport: Sendable {
        /// LUT1...LUT6 cells (synth_xilinx), or 0.
        public var luts: Int
        /// Flip-flops (FD* cells for synth_xilinx, $_DFF_* / $_SDFF_* for synth).
        public var flipFlops: Int
        /// DSP48 cells (synth_xilinx), or 0.
        public var dsps: Int
        /// CARRY4/CARRY8 cells (synth_xilinx), or 0.
        public var carries: Int
        /// Every cell type and its count, from the final `stat`.
        public var cells: [String: Int]
        public var seconds: Double
    }

    public static let yosysInstallHint = "install Yosys (Debian/Ubuntu: apt-get install yosys) or run scripts/setup.sh"

    /// A Yosys synthesis script.
    public enum SynthesisFlow: Sendable {
        /// `synth`: generic gates; proves Yosys accepts the RTL end to end.
        case generic
        /// `hierarchy -check; proc; flatten; check -assert`: elaboration
        /// only, the part of synthesis that rejects bad RTL, in seconds
        /// where mapping large ROMs and adder arrays to gates takes minutes.
        case elaborate
        /// `synth_xilinx`: LUT/FF/DSP estimates for a Xilinx 7-series part.
        case xilinx
    }

    /// Synthesizes the design with Yosys (flattened).
    public static func synthesize(_ design: VerilogDesign, flow: SynthesisFlow) async throws(RTLSimulationError) -> SynthesisReport {
        let scratch = try scratch("yosys")
        defer { scratch.remove() }
        let directory = scratch.path
        try VerilatorSimulation.write(design.files, to: directory)
        let synth: String
        switch flow {
        case .generic: synth = "synth -flatten -top \(design.topModule)"
        case .elaborate: synth = "hierarchy -check -top \(design.topModule); proc; flatten; opt_clean; check -assert"
        case .xilinx: synth = "synth_xilinx -flatten -top \(design.topModule)"
        }
        let script = "read_verilog \(design.verilogFiles.joined(separator: " ")); \(synth); stat"
        let result: ToolResult
        do {
            result = try await ToolRunner.run("yosys", ["-p", script], in: directory, installHint: yosysInstallHint)
        } catch {
            throw .tool(error)
        }
        let cells = parseStat(result.standardOutput)
        func total(_ match: (String) -> Bool) -> Int { cells.filter { match($0.key) }.reduce(0) { $0 + $1.value } }
        return SynthesisReport(
            luts: total { $0.hasPrefix("LUT") },
            flipFlops: total { $0.hasPrefix("FD") || $0.hasPrefix("$_DFF") || $0.hasPrefix("$_SDFF") || $0.hasPrefix("$_DFFE") },
            dsps: total { $0.hasPrefix("DSP48") },
            carries: total { $0.hasPrefix("CARRY") },
            cells: cells, seconds: result.seconds)
    }

    /// The cell counts of the last `stat` in a Yosys log.
    static func parseStat(_ log: String) -> [String: Int] {
        let lines = log.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.lastIndex(where: { $0.contains("Number of cells:") }) else { return [:] }
        var cells: [String: Int] = [:]
        for line in lines[(start + 1)...] {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 2, let n = Int(fields[1]) else {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                break
            }
            cells[String(fields[0]), default: 0] += n
        }
        return cells
    }

    static func scratch(_ label: String) throws(RTLSimulationError) -> ScratchFolder {
        do { return try ScratchFolder(label) } catch { throw .refused(error) }
    }
}

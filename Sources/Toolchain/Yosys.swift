import FileSafety
import Foundation

/// FPGA primitives counted from a synthesized netlist.
public struct PrimitiveCounts: Codable, Sendable, Equatable {
    /// Look-up tables: logic, LUTRAM and shift registers (as Vivado counts them).
    public var lut = 0
    /// Flip-flops and latches.
    public var ff = 0
    /// CARRY4 (7-series) or CARRY8 (UltraScale/UltraScale+) primitives.
    public var carry = 0
    public var dsp = 0
    /// Block RAM tiles; an 18 Kb half counts 0.5.
    public var bram: Double = 0

    public init(lut: Int = 0, ff: Int = 0, carry: Int = 0, dsp: Int = 0, bram: Double = 0) {
        self.lut = lut
        self.ff = ff
        self.carry = carry
        self.dsp = dsp
        self.bram = bram
    }

    /// The one classifier of yosys cell names: LUT1–6 (and SRL/LUTRAM) → LUT,
    /// FD*/LD* (and generic `$_DFF*`, `$_SDFF*`) → FF, CARRY4/8 → carry,
    /// DSP48* → DSP, RAMB36 → 1 and RAMB18 → ½ BRAM. Anything else (MUXF7/8,
    /// buffers, generic gates, submodule instances) is not counted.
    public init(cells: [String: Int]) {
        for (cell, n) in cells {
            if cell.hasPrefix("LUT") || cell.hasPrefix("SRL") || cell.hasPrefix("RAM32") || cell.hasPrefix("RAM64")
                || cell.hasPrefix("RAM128") || cell.hasPrefix("RAM256") {
                lut += n
            } else if cell.hasPrefix("FD") || cell.hasPrefix("LD") || cell.hasPrefix("$_DFF") || cell.hasPrefix("$_SDFF") {
                ff += n
            } else if cell == "CARRY4" || cell == "CARRY8" {
                carry += n
            } else if cell.hasPrefix("DSP48") {
                dsp += n
            } else if cell.hasPrefix("RAMB36") {
                bram += Double(n)
            } else if cell.hasPrefix("RAMB18") {
                bram += Double(n) / 2
            }
        }
    }
}

/// Cell counts from yosys `stat -json`: per module (one instance each) and
/// for the whole design (hierarchy expanded).
public struct YosysStatistics: Sendable, Equatable {
    /// Module name (without yosys's leading backslash) → cell type → count.
    public var modules: [String: [String: Int]]
    public var design: [String: Int]

    public init(modules: [String: [String: Int]], design: [String: Int]) {
        self.modules = modules
        self.design = design
    }

    /// The design's primitives, classified.
    public var counts: PrimitiveCounts { PrimitiveCounts(cells: design) }

    private struct Entry: Decodable { var num_cells_by_type: [String: Int]? }
    private struct Stat: Decodable { var modules: [String: Entry]?; var design: Entry? }

    /// Parses the output of `stat -json` (log lines before the JSON object are skipped).
    public static func parse(json text: String) -> YosysStatistics? {
        guard let start = text.firstIndex(of: "{"),
              let stat = try? JSONDecoder().decode(Stat.self, from: Data(text[start...].utf8)) else { return nil }
        var modules: [String: [String: Int]] = [:]
        for (name, entry) in stat.modules ?? [:] {
            modules[name.hasPrefix("\\") ? String(name.dropFirst()) : name] = entry.num_cells_by_type ?? [:]
        }
        return YosysStatistics(modules: modules, design: stat.design?.num_cells_by_type ?? [:])
    }
}

/// The one way yosys is run: Verilog sources in a folder, a script that
/// ends in `stat -json`, the statistics parsed.
public enum Yosys {
    public static let installHint = "install yosys (Debian/Ubuntu: apt-get install yosys, or scripts/setup.sh) or add it to PATH"

    /// What the script does after reading the sources.
    public enum Flow: Sendable, Equatable, Hashable {
        /// `synth_xilinx -family F -noiopad`, hierarchy kept: the design is a
        /// block inside a larger firmware, so no I/O buffers.
        case xilinx(family: String)
        /// `synth -flatten`: generic gates; proves yosys accepts the RTL end
        /// to end. In this flow and the next two, the Xilinx primitives of
        /// the ternary adders are black boxes (yosys's `cells_sim.v` read with `-lib`).
        case generic
        /// `hierarchy -check; proc; flatten; check -assert`: elaboration only,
        /// the part of synthesis that rejects bad RTL, in seconds.
        case elaborate
        /// Elaboration, then yosys's word-level arithmetic extraction
        /// (`wreduce; alumacc`, as `synth` runs them): shows whether each
        /// adder stays one `$alu` or was merged into a multi-operand `$macc`.
        case arithmetic
        /// Elaboration, then a SAT proof that the 1-bit output `output` of
        /// the top is 1 for every input (`sat -prove -verify`: yosys fails
        /// otherwise, printing a counterexample). With `xilinxCells`, yosys's
        /// own simulation models of the Xilinx primitives are read first, so
        /// a design built of primitives is proved as synthesis reads it.
        case prove(output: String, xilinxCells: Bool)
    }

    /// The outcome of one run.
    public struct Result: Sendable {
        public var statistics: YosysStatistics
        public var seconds: Double
        /// The full yosys output.
        public var log: String
    }

    /// The script. Paths are relative to the work folder and must hold no
    /// space (yosys takes quotes in `-p` scripts literally).
    public static func script(files: [String], top: String, flow: Flow, statFile: String = "stat.json") -> String {
        var reads = files.map { "read_verilog -sv \($0)" }.joined(separator: "; ")
        let synth: String
        if flow == .generic || flow == .elaborate || flow == .arithmetic {
            // The Xilinx primitives a ternary adder instantiates, as black boxes.
            reads = "read_verilog -lib +/xilinx/cells_sim.v; " + reads
        }
        switch flow {
        case .xilinx(let family): synth = "synth_xilinx -family \(family) -top \(top) -noiopad"
        case .generic: synth = "synth -flatten -top \(top)"
        case .elaborate: synth = "hierarchy -check -top \(top); proc; flatten; opt_clean; check -assert"
        case .arithmetic:
            synth = "hierarchy -check -top \(top); proc; flatten; opt_expr; opt_clean; wreduce; peepopt; opt_clean; alumacc"
        case let .prove(output, xilinxCells):
            if xilinxCells { reads = "read_verilog +/xilinx/cells_sim.v; " + reads }
            synth = "hierarchy -check -top \(top); proc; flatten; opt; sat -prove \(output) 1 -verify"
        }
        return "\(reads); \(synth); tee -q -o \(statFile) stat -json"
    }

    /// Writes `sources` (relative path, text) into `folder`, runs yosys there
    /// (its log is `folder/yosys.log`) and reads the statistics. Without a
    /// folder, a private scratch folder is used, removed after success and
    /// kept after a failure so that its log can be read. Errors:
    /// ``ToolError/notInstalled`` without yosys; ``ToolError/failed`` or
    /// ``ToolError/unreadableOutput`` naming the log; ``ToolError/timedOut``
    /// past `timeLimit` seconds (yosys and its ABC children are killed).
    /// `executable`: yosys's absolute path, found once by a caller that runs
    /// it many times (``ToolRunner/require(_:installHint:environment:)``);
    /// nil looks it up on PATH.
    public static func run(_ sources: [(path: String, contents: String)], top: String, flow: Flow, in folder: String? = nil,
                           timeLimit: Double? = nil, executable: String? = nil) async throws(ToolError) -> Result {
        guard let folder else {
            let scratch: ScratchFolder
            do { scratch = try ScratchFolder("yosys") } catch { throw .launch(tool: "yosys", reason: "\(error)") }
            let result = try await run(sources, top: top, flow: flow, in: scratch.path, timeLimit: timeLimit, executable: executable)
            scratch.remove()
            return result
        }
        let log = folder + "/yosys.log"
        if let bad = sources.map(\.path).first(where: { $0.contains(where: \.isWhitespace) || $0.hasPrefix("/") }) {
            throw .launch(tool: "yosys", reason: "the source path '\(bad)' must be relative and without spaces")
        }
        do { try GeneratedFiles.write(sources, into: folder) } catch {
            throw .launch(tool: "yosys", reason: "cannot write the Verilog to \(folder): \(error.reason)")
        }
        let result = try await ToolRunner.run(executable ?? "yosys", ["-q", "-p", script(files: sources.map(\.path), top: top, flow: flow)],
                                              in: folder, log: log, installHint: installHint, timeLimit: timeLimit)
        guard let text = try? String(contentsOfFile: folder + "/stat.json", encoding: .utf8) else {
            throw .unreadableOutput(tool: "yosys", reason: "no stat.json was written", log: log)
        }
        guard let statistics = YosysStatistics.parse(json: text) else {
            throw .unreadableOutput(tool: "yosys", reason: "stat.json holds no statistics", log: log)
        }
        return Result(statistics: statistics, seconds: result.seconds, log: result.standardOutput + result.standardError)
    }

    /// `yosys -V` (e.g. "Yosys 0.23 (git sha1 7ce5011c24b)"): part of every
    /// cache key, since another version maps differently.
    public static func version(executable: String? = nil) async throws(ToolError) -> String {
        let r = try await ToolRunner.run(executable ?? "yosys", ["-V"], installHint: installHint, timeLimit: 30)
        return r.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

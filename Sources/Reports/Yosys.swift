import Foundation
import Toolchain

/// Cell counts from yosys `stat -json`: per module (one instance each) and
/// for the whole design (hierarchy expanded).
public struct YosysStat: Sendable, Equatable {
    public var modules: [String: [String: Int]]
    public var design: [String: Int]

    public init(modules: [String: [String: Int]], design: [String: Int]) {
        self.modules = modules
        self.design = design
    }

    /// Parses the output of `stat -json`. Module names lose yosys's leading
    /// backslash.
    public static func parse(json text: String) throws(ReportError) -> YosysStat {
        // yosys may print log lines before the JSON object.
        guard let start = text.firstIndex(of: "{"),
              let object = try? JSONSerialization.jsonObject(with: Data(text[start...].utf8)) as? [String: Any] else {
            throw .io("yosys stat: no JSON object in the output")
        }
        func cells(_ entry: Any?) -> [String: Int] {
            guard let dict = entry as? [String: Any], let byType = dict["num_cells_by_type"] as? [String: Any] else { return [:] }
            return byType.compactMapValues { ($0 as? NSNumber)?.intValue }
        }
        var modules: [String: [String: Int]] = [:]
        for (name, entry) in (object["modules"] as? [String: Any]) ?? [:] {
            modules[name.hasPrefix("\\") ? String(name.dropFirst()) : name] = cells(entry)
        }
        return YosysStat(modules: modules, design: cells(object["design"]))
    }

    /// Maps Xilinx cell names to counts. LUTRAM and shift registers count as
    /// LUTs (Vivado does the same); MUXF7/8 and I/O buffers are not counted.
    public static func counts(_ cells: [String: Int]) -> ResourceCounts {
        var c = ResourceCounts()
        for (cell, n) in cells {
            switch cell {
            case let s where s.hasPrefix("LUT"): c.lut += n
            case let s where s.hasPrefix("SRL"), let s where s.hasPrefix("RAM32"), let s where s.hasPrefix("RAM64"),
                 let s where s.hasPrefix("RAM128"), let s where s.hasPrefix("RAM256"):
                c.lut += n
            case "FDRE", "FDSE", "FDCE", "FDPE", "LDCE", "LDPE": c.ff += n
            case let s where s.hasPrefix("DSP48"): c.dsp += n
            case "CARRY4", "CARRY8": c.carry += n
            case let s where s.hasPrefix("RAMB36"): c.bram += Double(n)
            case let s where s.hasPrefix("RAMB18"): c.bram += Double(n) / 2
            default: break
            }
        }
        return c
    }
}

/// Synthesis of the generated Verilog with yosys `synth_xilinx`, for LUT,
/// FF, DSP and CARRY counts. Not a Vivado result: yosys maps to the same
/// primitives but optimizes differently, so treat the counts as close
/// estimates of what Vivado reports.
public enum YosysSynthesis {
    public static let installHint = "apt-get install yosys (or add it to PATH); without it the report gives an analytic estimate"

    /// The yosys script: read the files, synthesize for the family without
    /// I/O buffers (the design is a block inside a larger firmware), keep the
    /// hierarchy so that each op's module is counted, and print statistics.
    /// Yosys takes quotes in `-p` scripts literally, so paths are passed bare
    /// (the generated files and the work folder have no spaces in their names).
    public static func script(files: [String], top: String, family: String, statFile: String) -> String {
        let reads = files.map { "read_verilog -sv \($0)" }.joined(separator: "; ")
        return "\(reads); synth_xilinx -family \(family) -top \(top) -noiopad; tee -q -o \(statFile) stat -json"
    }

    /// Runs yosys in `workDirectory` (the log and statistics are kept there).
    public static func run(files: [String], top: String, family: String, workDirectory: String,
                           progress: ProgressReporter? = nil) async throws(ReportError) -> (stat: YosysStat, seconds: Double) {
        if let bad = (files + [workDirectory]).first(where: { $0.contains(where: \.isWhitespace) }) {
            throw .io("yosys: the path '\(bad)' contains a space, which yosys scripts cannot quote")
        }
        let statFile = workDirectory + "/yosys-stat.json"
        let task = progress?.start("synthesizing \(files.count) Verilog files with yosys synth_xilinx -family \(family)")
        let result: ToolResult
        do {
            result = try await ToolRunner.run("yosys", ["-q", "-p", script(files: files, top: top, family: family, statFile: statFile)],
                                              in: workDirectory, log: workDirectory + "/yosys.log", installHint: installHint)
        } catch {
            task?.finish(success: false)
            throw .io("\(error)")
        }
        task?.finish(success: true)
        guard let text = try? String(contentsOfFile: statFile, encoding: .utf8) else {
            throw .io("yosys did not write \(statFile)")
        }
        return (try YosysStat.parse(json: text), result.seconds)
    }

    /// The report for a synthesized design: one row per op module, in the
    /// order of `opModules` (module name, lowered op name), then any other
    /// module, then the top's own cells; the total is the expanded hierarchy.
    public static func report(_ stat: YosysStat, top: String, family: String, opModules: [(module: String, op: String)],
                              part: FPGAPart?) -> ResourceReport {
        var modules: [ModuleResources] = []
        var seen: Set<String> = [top]
        for (module, op) in opModules {
            guard let cells = stat.modules[module] else { continue }
            modules.append(ModuleResources(module: module, op: op, counts: YosysStat.counts(cells)))
            seen.insert(module)
        }
        for name in stat.modules.keys.sorted() where !seen.contains(name) {
            modules.append(ModuleResources(module: name, op: nil, counts: YosysStat.counts(stat.modules[name]!)))
        }
        if let topCells = stat.modules[top] {
            modules.append(ModuleResources(module: top + " (top)", op: nil, counts: YosysStat.counts(topCells)))
        }
        return ResourceReport(method: "yosys synth_xilinx -family \(family)", isEstimate: false,
                              total: YosysStat.counts(stat.design), modules: modules, part: part,
                              notes: ["yosys counts, not Vivado: expect the same order of magnitude, not the same numbers"])
    }
}

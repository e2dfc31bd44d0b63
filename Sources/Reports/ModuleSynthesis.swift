import FileSafety
import Foundation
import Toolchain

/// One emitted Verilog module, synthesized on its own (it is its own top).
public struct SynthesisUnit: Sendable, Equatable {
    /// The module name (a Verilog identifier; also the file name).
    public var module: String
    /// The lowered op it implements.
    public var op: String?
    /// The module's Verilog text.
    public var verilog: String

    public init(module: String, op: String?, verilog: String) {
        self.module = module
        self.op = op
        self.verilog = verilog
    }
}

/// Settings of ``ModuleSynthesis/run(_:estimate:options:)``.
public struct ModuleSynthesisOptions: Sendable {
    /// `synth_xilinx -family` (``FPGAPart/yosysFamily``).
    public var family: String
    /// Wall-clock seconds for the whole synthesis: modules still running
    /// then are killed, modules not started are skipped; both keep their
    /// analytic estimate.
    public var budgetSeconds: Double
    /// yosys processes at once (default: the core count).
    public var parallelism: Int
    /// The cache folder; nil: `$XDG_CACHE_HOME/hepml-compile/yosys`.
    public var cacheFolder: String?
    public var progress: ProgressReporter?

    public init(family: String, budgetSeconds: Double = 600, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
                cacheFolder: String? = nil, progress: ProgressReporter? = nil) {
        self.family = family
        self.budgetSeconds = budgetSeconds
        self.parallelism = max(1, parallelism)
        self.cacheFolder = cacheFolder
        self.progress = progress
    }
}

/// What happened to one module.
public struct SynthesizedModule: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// Synthesized now, in `seconds`.
        case synthesized(seconds: Double)
        /// Found in the cache (same Verilog, yosys version and script).
        case cached
        /// Killed at the budget, or never started before it ran out.
        case overBudget
        /// yosys failed; the message names the log.
        case failed(String)
    }
    public var module: String
    public var outcome: Outcome
    /// yosys's counts; nil unless synthesized or cached.
    public var counts: ResourceCounts?
}

/// Synthesis of each op module separately, in parallel, cached by content.
/// The top module only wires the op modules together and holds the delay
/// lines; its row keeps the estimate (the delay-line bits as flip-flops),
/// which is what synthesizing it would add to the op modules.
public enum ModuleSynthesis {
    /// Synthesizes `units` and merges the counts into `estimate` (rows
    /// matched by module name): a row yosys finished shows yosys's counts,
    /// the others keep the estimate and say so. Throws only when yosys is
    /// not installed (``ToolError/notInstalled``) or only untrusted ones are on
    /// PATH (``ToolError/untrusted(tool:candidates:)``), or the cache folder is refused.
    public static func run(_ units: [SynthesisUnit], estimate: ResourceReport,
                           options: ModuleSynthesisOptions) async throws(ToolError) -> (report: ResourceReport, modules: [SynthesizedModule]) {
        // Found once: one warning for a skipped untrusted yosys, not one per module.
        let yosys = try ToolRunner.require("yosys", installHint: Yosys.installHint)
        let version = try await Yosys.version(executable: yosys)
        let cache: BuildCache
        do { cache = try BuildCache(component: "yosys", chosen: options.cacheFolder) } catch {
            throw .launch(tool: "yosys", reason: "\(error)")
        }
        let scratch: ScratchFolder
        do { scratch = try ScratchFolder("yosys-modules") } catch { throw .launch(tool: "yosys", reason: "\(error)") }
        let deadline = Date().addingTimeInterval(options.budgetSeconds)
        // Largest first, so that the long runs start at once.
        let order = units.indices.sorted { units[$0].verilog.utf8.count > units[$1].verilog.utf8.count }
        var results = [SynthesizedModule?](repeating: nil, count: units.count)
        await withTaskGroup(of: (Int, SynthesizedModule).self) { group in
            var next = 0
            func start() {
                guard next < order.count else { return }
                let i = order[next], unit = units[i]
                next += 1
                group.addTask {
                    (i, await synthesize(unit, version: version, yosys: yosys, family: options.family, cache: cache,
                                         folder: scratch.path + "/" + unit.module, deadline: deadline, progress: options.progress))
                }
            }
            for _ in 0..<options.parallelism { start() }
            while let (i, done) = await group.next() {
                results[i] = done
                start()
            }
        }
        let modules = results.map { $0! }
        if !modules.contains(where: { if case .failed = $0.outcome { return true } else { return false } }) { scratch.remove() }
        return (merge(modules, units: units, into: estimate, family: options.family), modules)
    }

    /// The cache key: the module's text, the yosys version and the script.
    public static func cacheKey(_ unit: SynthesisUnit, version: String, family: String) -> String {
        var h = ContentHash()
        h.add("hepml-compile yosys module statistics v1")
        h.add(version)
        h.add(Yosys.script(files: [unit.module + ".v"], top: unit.module, flow: .xilinx(family: family)))
        h.add(unit.verilog)
        return h.hex
    }

    static func synthesize(_ unit: SynthesisUnit, version: String, yosys: String, family: String, cache: BuildCache, folder: String,
                           deadline: Date, progress: ProgressReporter?) async -> SynthesizedModule {
        let entry = cache.entry(cacheKey(unit, version: version, family: family) + ".json")
        if Trust.problem(with: entry) == nil, let text = try? String(contentsOfFile: entry, encoding: .utf8),
           let stat = YosysStatistics.parse(json: text) {
            return SynthesizedModule(module: unit.module, outcome: .cached, counts: ResourceCounts(stat.counts))
        }
        let remaining = deadline.timeIntervalSinceNow
        guard remaining > 0 else { return SynthesizedModule(module: unit.module, outcome: .overBudget) }
        let step = progress?.start("yosys synth_xilinx -family \(family) of \(unit.module)")
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let r = try await Yosys.run([(unit.module + ".v", unit.verilog)], top: unit.module, flow: .xilinx(family: family),
                                        in: folder, timeLimit: remaining, executable: yosys)
            step?.finish(success: true)
            if let text = try? String(contentsOfFile: folder + "/stat.json", encoding: .utf8) {
                try? OutputFile.write(text, to: entry, mode: 0o600)
            }
            return SynthesizedModule(module: unit.module, outcome: .synthesized(seconds: r.seconds), counts: ResourceCounts(r.statistics.counts))
        } catch let error as ToolError {
            step?.finish(success: false)
            if case .timedOut = error { return SynthesizedModule(module: unit.module, outcome: .overBudget) }
            return SynthesizedModule(module: unit.module, outcome: .failed("\(error)"))
        } catch {
            step?.finish(success: false)
            return SynthesizedModule(module: unit.module, outcome: .failed("cannot create \(folder): \(error.localizedDescription)"))
        }
    }

    /// The estimate with yosys's rows in place of the estimated ones.
    static func merge(_ done: [SynthesizedModule], units: [SynthesisUnit], into estimate: ResourceReport,
                      family: String) -> ResourceReport {
        let byModule = Dictionary(done.map { ($0.module, $0) }, uniquingKeysWith: { a, _ in a })
        var rows: [ModuleResources] = []
        var estimated: [String] = []
        for var row in estimate.modules {
            if let m = byModule[row.module], let counts = m.counts {
                row.counts = counts
                row.source = .yosys
            } else {
                row.source = .estimate
                if byModule[row.module] != nil { estimated.append(row.module) }
            }
            rows.append(row)
        }
        let synthesized = done.count - estimated.count
        var notes = ["each op module synthesized on its own with yosys synth_xilinx -family \(family) -noiopad "
                     + "(\(synthesized) of \(done.count) modules; the top's delay lines are counted as flip-flops)",
                     "yosys counts, not Vivado: expect the same order of magnitude, not the same numbers"]
        let over = done.filter { $0.outcome == .overBudget }.map(\.module)
        if !over.isEmpty { notes.append("over the synthesis budget, analytic estimate kept: " + over.joined(separator: ", ")) }
        for m in done { if case .failed(let why) = m.outcome { notes.append("yosys failed on \(m.module), analytic estimate kept: \(why)") } }
        let method = estimated.isEmpty ? "yosys synth_xilinx -family \(family), per module"
                                       : "yosys synth_xilinx -family \(family), per module; \(estimated.count) module(s) estimated"
        let total = rows.reduce(ResourceCounts()) { $0 + $1.counts }
        return ResourceReport(method: method, isEstimate: !estimated.isEmpty, total: total, modules: rows,
                              part: estimate.part?.part, notes: notes)
    }
}

extension ResourceCounts {
    /// Counts of the primitives yosys mapped to.
    public init(_ p: PrimitiveCounts) {
        self.init(lut: p.lut, ff: p.ff, dsp: p.dsp, carry: p.carry, bram: p.bram)
    }
}

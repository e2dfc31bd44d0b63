import FixedPoint
import ModelIR
import NetlistLowering
import NetlistIR
import Templates

/// The FPGA families the pipeliner has delays for (``NetlistIR/DelayModel``).
public typealias FPGAFamily = DelayModel.Family

extension DelayModel.Family {
    /// UltraScale+, the family of the current L1 trigger boards.
    public static let standard = DelayModel.Family.xcup
}

/// Settings of the Verilog backend.
public struct VerilogOptions: Sendable {
    /// Target clock period; with ``family`` it sets how much logic a
    /// pipeline stage may hold.
    public var clockNs: Double
    /// The FPGA family whose delays the pipeliner uses (``DelayModel``).
    public var family: DelayModel.Family
    /// Picoseconds of logic per stage; nil derives it from ``clockNs``
    /// (``DelayModel/stageBudget(clockNs:)``). Set by a latency search.
    public var stageBudget: Int?
    /// Where the templates are; nil finds `templates/` as the CLI does.
    public var templates: TemplateLibrary?
    /// Compute signed-digit pairs that several outputs of a dense layer
    /// share once (``SubexpressionSharing``); off gives one adder per digit.
    public var shareSubexpressions: Bool
    /// The softmax's products on DSP blocks; by default they are built
    /// from adders, so a classifier with a softmax uses no DSP. (A multiply
    /// layer's products, wide and often many, always go to a multiplier.)
    public var dspMultipliers: Bool
    /// Where pairs of adders become ternary adders (``TernaryAdders``).
    public var ternaryAdders: TernaryAdderUse

    public init(clockNs: Double = 5.0, family: DelayModel.Family = .xcup, stageBudget: Int? = nil,
                templates: TemplateLibrary? = nil, shareSubexpressions: Bool = true, dspMultipliers: Bool = false,
                ternaryAdders: TernaryAdderUse = .all) {
        self.clockNs = clockNs
        self.family = family
        self.stageBudget = stageBudget
        self.templates = templates
        self.shareSubexpressions = shareSubexpressions
        self.dspMultipliers = dspMultipliers
        self.ternaryAdders = ternaryAdders
    }

    public var delayModel: DelayModel { .of(family) }

    /// The picoseconds of logic per stage actually used: at least 1.
    public var effectiveStageBudget: Int {
        min(max(1, stageBudget ?? delayModel.stageBudget(clockNs: clockNs)), DelayModel.maxBudget)
    }

    /// The clock period the stages need: ``clockNs``, or what a set
    /// ``stageBudget`` implies.
    public var impliedClockNs: Double {
        stageBudget.map { delayModel.clockNs(stageBudget: $0) } ?? clockNs
    }
}

/// Where the Verilog uses ternary adders (``NetlistIR/TernaryAdders``): one
/// LUT6_2 and carry bit per result bit for three operands, instantiated as
/// Xilinx primitives, against two LUTs per bit for two binary adders. A
/// ternary adder is slower than a binary one (one more LUT level), so LUTs
/// trade against latency (docs/verilog-backend.md, "Ternary adders").
public enum TernaryAdderUse: String, Sendable, CaseIterable, Codable {
    /// Every sum built as a tree of ternary adds wherever one is no deeper
    /// than binary adds of the same terms (``NetlistIR/Netlist/ternarySums``):
    /// about a third fewer adder bits; the longest path may grow by a
    /// little, and with it the latency.
    case all
    /// Binary sums, then pairs of adds merged into ternary ones
    /// (``NetlistIR/TernaryAdders``) only as far as the pipeline keeps the
    /// latency, the output depth and the register bits of binary adders.
    case latency
    /// None: every adder is binary, and the Verilog holds no vendor primitive.
    case off
}

/// Where one element sits in the flattened `in_data` / `out_data` bus.
public struct VerilogPortField: Sendable, Equatable {
    /// Lowest bit of the element.
    public var offset: Int
    public var width: Int
    public var isSigned: Bool
}

/// A generated RTL design: its files, its record (what `design.json`
/// stores), and what reports read (per-module stages and logic, port layout).
public struct VerilogDesign: Sendable {
    /// The top module, schedule, options and file list, as `design.json` stores them.
    public var record: RTLRecord
    /// Paths relative to `hls-out/<model>/rtl/`: the `.v` files and the testbench.
    public var files: [GeneratedFile]
    /// One entry per op module, in op order (``StageInfo/cycles`` is the module's latency).
    public var modules: [StageInfo]
    /// The logic of each op module's netlist, in op order (beside ``modules``):
    /// what the resource estimate prices, counted once when the design is emitted.
    public var costs: [NetlistCost]
    public var inputLayout: [VerilogPortField]
    public var outputLayout: [VerilogPortField]
    /// Delay-line register bits in the top (aligning branches and outputs).
    public var delayRegisterBits: Int

    /// The top module's name (the model's name, made a legal identifier).
    public var topModule: String { record.topModule }
    /// Clock cycles from `in_valid` to the matching `out_valid`.
    public var latency: Int { record.latencyCycles }
    /// The Verilog files, in a valid compile order (helper modules, ops,
    /// then the top): what synthesis reads.
    public var verilogFiles: [String] { record.verilogFiles }
    /// The modules op modules instantiate (the ternary adder).
    public var helperModules: [String] { record.helperModules }
    /// Simulation models of the vendor primitives, for Verilator only.
    public var simulationModels: [String] { record.simulationModels }
    /// The Verilator C++ testbench.
    public var testbenchFile: String { record.testbench }
    /// The family whose delays set the pipeline, and the picoseconds of
    /// logic each stage may hold.
    public var family: DelayModel.Family { record.family }
    public var stageBudget: Int { record.stageBudgetPs }
    public var clockNs: Double { record.clockNs }
    /// Cycles between events the design accepts: 1, or the largest reuse
    /// factor of a time-multiplexed convolution (the top's `in_ready` is low
    /// in between and refuses an event).
    public var initiationInterval: Int { record.initiationInterval }

    /// ``stageBudget`` in nanoseconds, three decimals.
    public var stageBudgetNs: String { DelayModel.nanoseconds(stageBudget) }
    /// The schedule and logic counts, for reports.
    public var summary: DesignSummary {
        DesignSummary(latencyCycles: latency, initiationInterval: initiationInterval, delayRegisterBits: delayRegisterBits, stages: modules)
    }

    /// What synthesizing op module `module` alone reads: its file, then the
    /// helper modules; nil for a module the design does not have.
    public func synthesisSource(module: String) -> String? {
        guard let own = files.first(where: { $0.path == module + ".v" }) else { return nil }
        return ([own.contents] + helperModules.compactMap { path in files.first { $0.path == path }?.contents }).joined(separator: "\n")
    }

    public var inputBits: Int { inputLayout.reduce(0) { $0 + $1.width } }
    public var outputBits: Int { outputLayout.reduce(0) { $0 + $1.width } }
}

/// Why a model cannot be emitted as Verilog.
public enum VerilogError: Error, Sendable, CustomStringConvertible {
    case template(TemplateError)
    case unsupported(op: String, String)
    /// A netlist pass broke a rule of the netlist (``NetlistVerifier``): a
    /// bug of the compiler, never of the model.
    case invalidNetlist(op: String, NetlistVerifyError)

    public var description: String {
        switch self {
        case .template(let e): return "Verilog backend: \(e)"
        case let .unsupported(op, message): return "Verilog backend, op '\(op)': \(message)"
        case let .invalidNetlist(op, e): return "internal error in the Verilog backend, op '\(op)': \(e) (please report it with the model)"
        }
    }
}

/// A latency asked for instead of a clock (`--latency-cycles`): the
/// smallest stage budget that reaches it, and the clock period it implies.
public struct LatencyTarget: Sendable, Equatable {
    public var cycles: Int
    /// Picoseconds of logic per stage.
    public var stageBudget: Int
    public var clockNs: Double
    /// The design's latency at that budget (at most `cycles`).
    public var latency: Int

    /// Searches the stage budget to the picosecond (binary search: a larger
    /// budget never lengthens the pipeline); nil when even the largest
    /// budget considered (a 100 ns clock) needs more than `cycles` cycles,
    /// with the fewest cycles reachable in `fewest`. The op netlists are
    /// built once and only re-pipelined.
    public static func search(_ model: LoweredModel, cycles: Int, base: VerilogOptions,
                              fewest: inout Int) throws(VerilogError) -> LatencyTarget? {
        let built = try NetlistModel.buildOps(model, options: base)
        let delay = base.delayModel
        func latency(_ budget: Int) throws(VerilogError) -> Int {
            var o = base
            o.stageBudget = budget
            return try NetlistModel(model, built: built, options: o).latency
        }
        var hi = delay.stageBudget(clockNs: 100)
        fewest = try latency(hi)
        guard fewest <= cycles else { return nil }
        var lo = 1
        if try latency(lo) <= cycles { hi = lo }
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if try latency(mid) <= cycles { hi = mid } else { lo = mid }
        }
        return LatencyTarget(cycles: cycles, stageBudget: hi, clockNs: delay.clockNs(stageBudget: hi), latency: try latency(hi))
    }
}

/// The Verilog backend: lowered IR in, pipelined RTL text out. Pure apart
/// from reading the templates; the same model and options give the same bytes.
public enum VerilogEmitter {
    public static func emit(_ model: LoweredModel, options: VerilogOptions) throws(VerilogError) -> VerilogDesign {
        let templates: TemplateLibrary
        if let given = options.templates {
            templates = given
        } else {
            do { templates = try TemplateLibrary.locate() } catch { throw .template(error) }
        }
        let budget = options.effectiveStageBudget
        // Netlists first: the module names depend on what each declares (VerilogNames).
        let netlists = try NetlistModel(model, options: options)
        let schedule = netlists.schedule
        let layouts = model.ops.map(NetlistModel.multiplex)
        // A time-multiplexed op's module reads its input on `x` (its netlist's is `held`) and a `start`.
        let topPrinter = TopPrinter(model: model, schedule: schedule,
                                    ports: zip(layouts, netlists.ops).map { $0 != nil ? ["x"] : $1.netlist.ports.map(\.name) },
                                    startPorts: layouts.map { $0 != nil }, initiationInterval: netlists.initiationInterval)
        let top = VerilogNames.top(model.name, declared: topPrinter.declaredNames)
        var taken: Set<String> = VerilogNames.primitives.union([top.lowercased()])
        let moduleNames = model.ops.indices.map { i in
            let built = netlists.ops[i]
            let shell = layouts[i].map { MultiplexModule.declaredNames(layout: $0, opLatency: built.latency) } ?? []
            return VerilogNames.opModule(top: top, op: model.ops[i].name, declared: VerilogNames.declared(in: built.netlist).union(shell),
                                         taken: &taken)
        }
        let ternary = netlists.ops.contains { $0.netlist.nodes.contains { if case .add3 = $0.operation { return true } else { return false } } }
        let ternaryModule = ternary ? VerilogNames.helperModule(top: top, stem: "add3", taken: &taken) : ""

        var files: [GeneratedFile] = []
        var helperModules: [String] = []
        var simulationModels: [String] = []
        if ternary {
            files.append(GeneratedFile(path: "\(ternaryModule).v",
                                       contents: try ternaryAdderSource(module: ternaryModule, family: options.family, templates: templates)))
            do {
                files.append(GeneratedFile(path: Self.primitiveModels, contents: try templates.render("verilog/xilinx_primitives_sim.v", [:])))
            } catch { throw .template(error) }
            helperModules.append("\(ternaryModule).v")
            simulationModels.append(Self.primitiveModels)
        }
        var modules: [StageInfo] = []
        var costs: [NetlistCost] = []
        for (i, (op, built)) in zip(model.ops, netlists.ops).enumerated() {
            var cost = NetlistCost(built.netlist)
            if let m = layouts[i] {
                let input = model[op.inputs[0]]
                cost.registerBits += MultiplexModule.registerBits(layout: m, inputBits: input.size * input.type.width,
                                                                  outputWidth: model[op.output].type.width,
                                                                  kernelLatency: built.latency - m.reuse - 1)
            }
            let text = try renderOpModule(op, moduleName: moduleNames[i], netlist: built.netlist, cost: cost, notes: built.notes,
                                          latency: built.latency, model: model, budget: budget, ternaryAdder: ternaryModule,
                                          templates: templates, multiplex: layouts[i])
            files.append(GeneratedFile(path: "\(moduleNames[i]).v", contents: text))
            costs.append(cost)
            modules.append(StageInfo(
                module: moduleNames[i], op: op.name, kind: op.kind.kindName, sourceLayers: op.sourceLayers,
                startCycle: schedule.startCycles[i], cycles: built.latency, adders: cost.adders, adderBits: cost.adderBits,
                multipliers: cost.multipliers, romWords: cost.romWords, registerBits: cost.registerBits))
        }
        let inputLayout = layout(model.inputs.map { model[$0] })
        let outputLayout = layout(model.outputs.map { model[$0] })
        let topFile = GeneratedFile(path: "\(top).v", contents: try topPrinter.render(templates, top: top, modules: moduleNames, options: options,
                                                                                   inputLayout: inputLayout, outputLayout: outputLayout))
        files.append(topFile)
        let verilogFiles = files.map(\.path).filter { !simulationModels.contains($0) }
        let tb = try Testbench.render(top: top, latency: schedule.latency, initiationInterval: netlists.initiationInterval,
                                      inputs: inputLayout, outputs: outputLayout, templates: templates)
        let tbPath = "\(top)_tb.cpp"
        files.append(GeneratedFile(path: tbPath, contents: tb))
        files.append(GeneratedFile(path: Self.netlistFile, contents: Self.netlistText(modules: moduleNames, ops: model.ops, netlists: netlists)))
        let record = RTLRecord(topModule: top, latencyCycles: schedule.latency, initiationInterval: netlists.initiationInterval,
                               options: options, verilogFiles: verilogFiles, helperModules: helperModules,
                               simulationModels: simulationModels, testbench: tbPath)
        return VerilogDesign(record: record, files: files, modules: modules, costs: costs, inputLayout: inputLayout,
                             outputLayout: outputLayout, delayRegisterBits: schedule.delayRegisterBits)
    }

    /// The pipelined netlist of every op module, as text (`rtl/netlist.txt`).
    public static let netlistFile = "netlist.txt"

    /// Each op module's netlist (``NetlistPrinter``) after a line
    /// `module <name> op <op> latency <cycles>`: what the Verilog of each
    /// module was printed from, node by node; ``netlistSections(_:)`` splits it.
    static func netlistText(modules: [String], ops: [LoweredOp], netlists: NetlistModel) -> String {
        zip(modules, zip(ops, netlists.ops)).map { module, pair in
            "module \(module) op \(pair.0.name) latency \(pair.1.latency)\n" + NetlistPrinter.print(pair.1.netlist)
        }.joined(separator: "\n")
    }

    /// The sections of a `netlist.txt`: each module's name and netlist text.
    public static func netlistSections(_ text: String) -> [(module: String, text: String)] {
        var sections: [(module: String, text: String)] = []
        var current: (module: String, lines: [Substring])?
        func flush() {
            if let c = current { sections.append((c.module, c.lines.joined(separator: "\n") + "\n")) }
        }
        // A netlist's text has no blank line: blank lines only separate modules.
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("module ") {
                flush()
                current = (String(line.split(separator: " ")[1]), [])
            } else if !line.isEmpty {
                current?.lines.append(line)
            }
        }
        flush()
        return sections
    }

    /// The ternary adder module `module` for `family`
    /// (`templates/verilog/ternary_adder.v`): CARRY4 blocks on 7-series,
    /// CARRY8 on UltraScale+.
    public static func ternaryAdderSource(module: String, family: DelayModel.Family,
                                          templates: TemplateLibrary) throws(VerilogError) -> String {
        let context: [String: Any]
        switch family {
        case .xc7: context = ["familyName": "7-series", "carry": "CARRY4", "block": "4", "carry4": true, "carry8": false]
        case .xcup: context = ["familyName": "UltraScale+", "carry": "CARRY8", "block": "8", "carry4": false, "carry8": true]
        }
        do { return try templates.render("verilog/ternary_adder.v", context.merging(["module": module]) { a, _ in a }) } catch {
            throw .template(error)
        }
    }

    /// The primitives' simulation models, relative to `rtl/`.
    public static let primitiveModels = "sim/xilinx_primitives.v"
    /// Defined, the ternary adder module computes its sum with `+` and `-`
    /// instead of primitives (for fast simulation; never for synthesis).
    public static let behavioralAddersMacro = "HEPML_BEHAVIORAL_ADDERS"

    /// The module header's count line: the logic that is read (``NetlistCost``).
    static func headerCounts(_ c: NetlistCost) -> String {
        "\(c.adders) adders (" + (c.ternaryAdders > 0 ? "\(c.ternaryAdders) ternary, " : "") + "\(c.adderBits) adder bits)" + (c.roundingBits > 0 ? ", \(c.roundingBits) rounding bits" : "")
            + ", \(c.registerBits) register bits in use" + (c.romWords > 0 ? ", \(c.romWords) ROM words" : "")
            + (c.multipliers > 0 ? ", \(c.multipliers) multipliers" : "")
    }

    static func layout(_ tensors: [TensorInfo]) -> [VerilogPortField] {
        var fields: [VerilogPortField] = []
        var offset = 0
        for t in tensors {
            for _ in 0..<t.size {
                fields.append(VerilogPortField(offset: offset, width: t.type.width, isSigned: t.type.isSigned))
                offset += t.type.width
            }
        }
        return fields
    }

    static func renderOpModule(_ op: LoweredOp, moduleName: String, netlist: Netlist, cost: NetlistCost, notes: [String], latency: Int,
                               model: LoweredModel, budget: Int, ternaryAdder: String,
                               templates: TemplateLibrary, multiplex: MultiplexLayout? = nil) throws(VerilogError) -> String {
        var ports: [String] = []
        if latency > 0 { ports.append("    input  wire clk") }
        if multiplex != nil {
            let input = model[op.inputs[0]]
            ports.append("    input  wire start")
            ports.append("    input  wire [\(input.size * input.type.width - 1):0] x")
        } else {
            for port in netlist.ports {
                ports.append("    input  wire [\(port.size * port.type.width - 1):0] \(port.name)")
            }
        }
        let out = model[op.output]
        ports.append("    output wire [\(out.size * out.type.width - 1):0] y")
        var notes = notes
        notes.insert("y = tensor '\(out.name)', \(out.size) x \(out.type)", at: 0)
        notes.append(headerCounts(cost))
        let context: [String: Any] = [
            "module": moduleName, "kind": op.kind.kindName, "op": op.name,
            "layers": op.sourceLayers.joined(separator: ", "),
            "notes": notes.map { ["line": $0] },
            "latency": "\(latency)", "budget": DelayModel.nanoseconds(budget), "ii": "\(multiplex?.reuse ?? 1)",
            "ports": ports.joined(separator: ",\n"),
            "functions": VerilogPrinter.tableFunctions(netlist).joined(separator: "\n"),
            "body": multiplex.map { MultiplexModule.body(netlist, layout: $0, opLatency: latency, input: model[op.inputs[0]],
                                                         output: out, ternaryAdder: ternaryAdder) }
                ?? VerilogPrinter.body(netlist, outputPort: "y", ternaryAdder: ternaryAdder),
        ]
        do { return try templates.render("verilog/op_module.v", context) } catch { throw .template(error) }
    }
}

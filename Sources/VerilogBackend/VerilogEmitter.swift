import FixedPoint
import ModelIR
import NetlistIR
import Templates

/// Settings of the Verilog backend.
public struct VerilogOptions: Sendable {
    /// Target clock period; sets how much logic a pipeline stage may hold.
    public var clockNs: Double
    /// Logic depth per stage in adder-equivalents; nil derives it from
    /// ``clockNs`` (see ``addersPerStage(clockNs:)``).
    public var addersPerStage: Int?
    /// Where the templates are; nil finds `templates/` as the CLI does.
    public var templates: TemplateLibrary?
    /// Compute signed-digit pairs that several outputs of a dense layer
    /// share once (``SubexpressionSharing``); off gives one adder per digit.
    public var shareSubexpressions: Bool

    public init(clockNs: Double = 5.0, addersPerStage: Int? = nil, templates: TemplateLibrary? = nil,
                shareSubexpressions: Bool = true) {
        self.clockNs = clockNs
        self.addersPerStage = addersPerStage
        self.templates = templates
        self.shareSubexpressions = shareSubexpressions
    }

    /// Adders in series per stage for a clock: about 1 ns of the period goes
    /// to clock-to-out, setup and skew, and a carry-chain adder of trigger
    /// widths with its routing takes about 1.25 ns on a current FPGA
    /// (2.5 ns -> 1, 4 ns -> 2, 5 ns -> 3, 10 ns -> 7). Clamped to
    /// 1 ... ``maxAddersPerStage``, so that no clock (NaN, 1e20) traps
    /// in the conversion to Int.
    public static func addersPerStage(clockNs: Double) -> Int {
        let adders = ((clockNs - 1.0) / 1.25).rounded(.down)
        guard adders >= 1 else { return 1 } // also NaN
        return adders < Double(maxAddersPerStage) ? Int(adders) : maxAddersPerStage
    }

    /// More adders in series than any trigger design has levels (a clock
    /// of 1000 ns, the CLI's upper limit, gives 799).
    public static let maxAddersPerStage = 1 << 16

    /// The shortest clock period this model of adder delay gives `adders`
    /// levels per stage: the inverse of ``addersPerStage(clockNs:)``.
    public static func clockNs(addersPerStage adders: Int) -> Double { 1.0 + 1.25 * Double(adders) }

    /// The depth per stage actually used, clamped to 1 ... ``maxAddersPerStage``.
    public var effectiveAddersPerStage: Int {
        min(max(1, addersPerStage ?? Self.addersPerStage(clockNs: clockNs)), Self.maxAddersPerStage)
    }
}

/// Where one element sits in the flattened `in_data` / `out_data` bus.
public struct VerilogPortField: Sendable, Equatable {
    /// Lowest bit of the element.
    public var offset: Int
    public var width: Int
    public var isSigned: Bool
}

/// A generated RTL design.
public struct VerilogDesign: Sendable {
    /// The top module's name (the model's name, made a legal identifier).
    public var topModule: String
    /// Clock cycles from `in_valid` to the matching `out_valid`.
    public var latency: Int
    /// Paths relative to `hls-out/<model>/rtl/`: the `.v` files and the testbench.
    public var files: [GeneratedFile]
    /// The Verilog files, in a valid compile order (ops, then the top).
    public var verilogFiles: [String]
    /// The Verilator C++ testbench.
    public var testbenchFile: String
    /// One entry per op module, in op order (``StageInfo/cycles`` is the module's latency).
    public var modules: [StageInfo]
    public var inputLayout: [VerilogPortField]
    public var outputLayout: [VerilogPortField]
    public var addersPerStage: Int
    public var clockNs: Double
    /// Delay-line register bits in the top (aligning branches and outputs).
    public var delayRegisterBits: Int

    /// The schedule and logic counts, for reports (a fully pipelined design: II=1).
    public var summary: DesignSummary {
        DesignSummary(latencyCycles: latency, initiationInterval: 1, delayRegisterBits: delayRegisterBits, stages: modules)
    }

    public var inputBits: Int { inputLayout.reduce(0) { $0 + $1.width } }
    public var outputBits: Int { outputLayout.reduce(0) { $0 + $1.width } }
}

/// Why a model cannot be emitted as Verilog.
public enum VerilogError: Error, Sendable, CustomStringConvertible {
    case template(TemplateError)
    case unsupported(op: String, String)

    public var description: String {
        switch self {
        case .template(let e): return "Verilog backend: \(e)"
        case let .unsupported(op, message): return "Verilog backend, op '\(op)': \(message)"
        }
    }
}

/// A latency asked for instead of a clock (`--latency-cycles`): the fewest
/// adder levels per stage that reach it, and the clock period they imply.
public struct LatencyTarget: Sendable, Equatable {
    public var cycles: Int
    public var addersPerStage: Int
    public var clockNs: Double
    /// The design's latency at that depth (at most `cycles`).
    public var latency: Int

    /// Searches the depth per stage (binary search: a deeper stage never
    /// lengthens the pipeline); nil when even the deepest stage considered
    /// (64 adders, a 81 ns clock) needs more than `cycles` cycles, with the
    /// fewest cycles reachable in `fewest`.
    public static func search(_ model: LoweredModel, cycles: Int, base: VerilogOptions,
                              fewest: inout Int) throws(VerilogError) -> LatencyTarget? {
        func latency(_ adders: Int) throws(VerilogError) -> Int {
            var o = base
            o.addersPerStage = adders
            return try NetlistModel(model, options: o).latency
        }
        var hi = 64
        fewest = try latency(hi)
        guard fewest <= cycles else { return nil }
        var lo = 1
        if try latency(lo) <= cycles { hi = lo }
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if try latency(mid) <= cycles { hi = mid } else { lo = mid }
        }
        return LatencyTarget(cycles: cycles, addersPerStage: hi, clockNs: VerilogOptions.clockNs(addersPerStage: hi), latency: try latency(hi))
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
        let budget = options.effectiveAddersPerStage * LogicDepth.adder
        // Netlists first: the module names depend on what each declares (VerilogNames).
        let netlists = try NetlistModel(model, options: options)
        let topModule = try TopModule(model: model, ops: zip(model.ops, netlists.ops).map { ($0, $1.latency, $1.netlist.ports.map(\.name)) },
                                      options: options)
        let top = VerilogNames.top(model.name, declared: topModule.declaredNames)
        var taken: Set<String> = [top.lowercased()]
        let moduleNames = zip(model.ops, netlists.ops).map { op, built in
            VerilogNames.opModule(top: top, op: op.name, declared: VerilogNames.declared(in: built.netlist), taken: &taken)
        }

        var files: [GeneratedFile] = []
        var modules: [StageInfo] = []
        for (i, (op, built)) in zip(model.ops, netlists.ops).enumerated() {
            let text = try renderOpModule(op, moduleName: moduleNames[i], netlist: built.netlist, notes: built.notes, latency: built.latency,
                                          model: model, budget: budget, templates: templates)
            files.append(GeneratedFile(path: "\(moduleNames[i]).v", contents: text))
            let stats = NetlistStatistics(built.netlist)
            modules.append(StageInfo(
                module: moduleNames[i], op: op.name, kind: op.kind.kindName, sourceLayers: op.sourceLayers,
                startCycle: topModule.startCycles[i], cycles: built.latency, adders: stats.adders, adderBits: stats.adderBits,
                multipliers: stats.multipliers, romWords: stats.romWords, registerBits: stats.registerBits))
        }
        let inputLayout = layout(model.inputs.map { model[$0] })
        let outputLayout = layout(model.outputs.map { model[$0] })
        let topFile = GeneratedFile(path: "\(top).v", contents: try topModule.render(templates, top: top, modules: moduleNames,
                                                                                  inputLayout: inputLayout, outputLayout: outputLayout))
        files.append(topFile)
        let verilogFiles = files.map(\.path)
        let tb = try Testbench.render(top: top, latency: topModule.latency, inputs: inputLayout, outputs: outputLayout, templates: templates)
        let tbPath = "\(top)_tb.cpp"
        files.append(GeneratedFile(path: tbPath, contents: tb))
        return VerilogDesign(topModule: top, latency: topModule.latency, files: files, verilogFiles: verilogFiles,
                             testbenchFile: tbPath, modules: modules, inputLayout: inputLayout, outputLayout: outputLayout,
                             addersPerStage: options.effectiveAddersPerStage, clockNs: options.clockNs,
                             delayRegisterBits: topModule.delayRegisterBits)
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

    static func renderOpModule(_ op: LoweredOp, moduleName: String, netlist: Netlist, notes: [String], latency: Int,
                               model: LoweredModel, budget: Int, templates: TemplateLibrary) throws(VerilogError) -> String {
        var ports: [String] = []
        if latency > 0 { ports.append("    input  wire clk") }
        for port in netlist.ports {
            ports.append("    input  wire [\(port.size * port.type.width - 1):0] \(port.name)")
        }
        let out = model[op.output]
        ports.append("    output wire [\(out.size * out.type.width - 1):0] y")
        var notes = notes
        notes.insert("y = tensor '\(out.name)', \(out.size) x \(out.type)", at: 0)
        let stats = NetlistStatistics(netlist)
        notes.append("\(stats.adders) adders (\(stats.adderBits) adder bits), \(stats.registerBits) register bits"
                     + (stats.romWords > 0 ? ", \(stats.romWords) ROM words" : "") + (stats.multipliers > 0 ? ", \(stats.multipliers) multipliers" : ""))
        let context: [String: Any] = [
            "module": moduleName, "kind": op.kind.kindName, "op": op.name,
            "layers": op.sourceLayers.joined(separator: ", "),
            "notes": notes.map { ["line": $0] },
            "latency": "\(latency)", "budget": "\(budget)",
            "ports": ports.joined(separator: ",\n"),
            "functions": VerilogPrinter.tableFunctions(netlist).joined(separator: "\n"),
            "body": VerilogPrinter.body(netlist, outputPort: "y"),
        ]
        do { return try templates.render("verilog/op_module.v", context) } catch { throw .template(error) }
    }
}

import FixedPoint
import ModelIR
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
    /// (2.5 ns -> 1, 4 ns -> 2, 5 ns -> 3, 10 ns -> 7).
    public static func addersPerStage(clockNs: Double) -> Int {
        max(1, Int(((clockNs - 1.0) / 1.25).rounded(.down)))
    }

    /// The depth per stage actually used.
    public var effectiveAddersPerStage: Int { addersPerStage ?? Self.addersPerStage(clockNs: clockNs) }
}

/// Where one element sits in the flattened `in_data` / `out_data` bus.
public struct VerilogPortField: Sendable, Equatable {
    /// Lowest bit of the element.
    public var offset: Int
    public var width: Int
    public var isSigned: Bool
}

/// One op module of a design, for reports.
public struct VerilogModuleInfo: Sendable, Equatable {
    public var module: String
    public var op: String
    public var kind: String
    public var sourceLayers: [String]
    /// Cycle (after the top's `in_valid`) at which the op's inputs are read.
    public var startCycle: Int
    /// Register stages inside the module (0: pure wiring).
    public var latency: Int
    /// Adders and subtractors (constant multiplications included).
    public var adders: Int
    /// Their summed widths in bits.
    public var adderBits: Int
    public var multipliers: Int
    public var romWords: Int
    /// Pipeline register bits inside the module.
    public var registerBits: Int
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
    public var modules: [VerilogModuleInfo]
    public var inputLayout: [VerilogPortField]
    public var outputLayout: [VerilogPortField]
    public var addersPerStage: Int
    public var clockNs: Double
    /// Delay-line register bits in the top (aligning branches and outputs).
    public var delayRegisterBits: Int

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
        let cost = CostModel(addersPerStage: options.effectiveAddersPerStage)

        // Netlists and schedules first: the names of the modules depend on
        // what each declares (see VerilogNames).
        var built: [(netlist: OpNetlist, schedule: Schedule)] = []
        for op in model.ops {
            let netlist = try OpNetlists.build(op, in: model, sharing: options.shareSubexpressions)
            built.append((netlist, Schedule(netlist.netlist, outputs: netlist.outputs, cost: cost)))
        }
        let topModule = try TopModule(model: model, ops: zip(model.ops, built).map { ($0, $1.schedule.latency, $1.netlist.ports.map(\.name)) },
                                      options: options, cost: cost)
        let top = VerilogNames.top(model.name, declared: topModule.declaredNames)
        var taken: Set<String> = [top.lowercased()]
        let moduleNames = zip(model.ops, built).map { op, b in
            VerilogNames.opModule(top: top, op: op.name, declared: VerilogNames.declared(in: b.netlist, schedule: b.schedule), taken: &taken)
        }

        var files: [GeneratedFile] = []
        var modules: [VerilogModuleInfo] = []
        for (i, op) in model.ops.enumerated() {
            let (b, schedule) = built[i]
            let text = try renderOpModule(op, moduleName: moduleNames[i], built: b, schedule: schedule,
                                          model: model, budget: cost.budget, templates: templates)
            files.append(GeneratedFile(path: "\(moduleNames[i]).v", contents: text))
            modules.append(VerilogModuleInfo(
                module: moduleNames[i], op: op.name, kind: op.kind.kindName, sourceLayers: op.sourceLayers,
                startCycle: topModule.startCycles[i], latency: schedule.latency, adders: b.adders, adderBits: b.adderBits,
                multipliers: b.multipliers, romWords: b.romWords, registerBits: schedule.registerBits(b.netlist)))
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
                             addersPerStage: cost.budget / CostModel.adder, clockNs: options.clockNs,
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

    static func renderOpModule(_ op: LoweredOp, moduleName: String, built: OpNetlist, schedule: Schedule,
                               model: LoweredModel, budget: Int, templates: TemplateLibrary) throws(VerilogError) -> String {
        var ports: [String] = []
        if schedule.latency > 0 { ports.append("    input  wire clk") }
        for (name, tensor) in built.ports {
            ports.append("    input  wire [\(tensor.size * tensor.type.width - 1):0] \(name)")
        }
        let out = model[op.output]
        ports.append("    output wire [\(out.size * out.type.width - 1):0] y")
        var notes = built.notes
        notes.insert("y = tensor '\(out.name)', \(out.size) x \(out.type)", at: 0)
        let body = ModulePrinter(netlist: built.netlist, schedule: schedule).render(outputs: built.outputs, outputPort: "y")
        let context: [String: Any] = [
            "module": moduleName, "kind": op.kind.kindName, "op": op.name,
            "layers": op.sourceLayers.joined(separator: ", "),
            "notes": notes.map { ["line": $0] },
            "latency": "\(schedule.latency)", "budget": "\(budget)",
            "ports": ports.joined(separator: ",\n"),
            "functions": built.functions.joined(separator: "\n"),
            "body": body,
        ]
        do { return try templates.render("verilog/op_module.v", context) } catch { throw .template(error) }
    }
}

import FixedPoint
import ModelIR
import Reference
import Templates
import TensorIO

/// Writes the Vitis HLS C++ project of a lowered model (io_parallel, latency
/// or resource strategy) from the templates in `templates/hls/`.
///
/// The project computes exactly what ``FixedPointEvaluator`` computes: every
/// op is a call into the layer library (`firmware/nnet_utils/`) whose only
/// quantizations are assignments to the types the lowered IR declares.
public enum HLSEmitter {
    /// The layer library, copied verbatim into `firmware/nnet_utils/`.
    static let libraryHeaders = ["nnet_common.h", "nnet_activation.h", "nnet_batchnorm.h", "nnet_dense.h", "nnet_merge.h"]

    /// Events written as test vectors when the caller gives none.
    public static let defaultTestEvents = 100

    /// Files relative to `hls-out/<model>/hls/`. `testInputs`: events (real
    /// values) shipped as test vectors, with expected outputs computed by the
    /// Swift reference; nil ships ``defaultTestEvents`` seeded random events
    /// spanning each input's range. Pure apart from reading the templates;
    /// the same model gives the same bytes.
    public static func emit(_ model: LoweredModel, options: HLSOptions, testInputs: EventTable?) throws -> [GeneratedFile] {
        try emit(model, options: options, testInputs: testInputs, templates: locateTemplates())
    }

    /// The template folder, its failure as ``HLSError/template(_:)``.
    static func locateTemplates() throws(HLSError) -> TemplateLibrary {
        do { return try TemplateLibrary.locate() } catch { throw .template(error.description) }
    }

    /// ``emit(_:options:testInputs:)`` with an explicit template folder.
    public static func emit(_ model: LoweredModel, options: HLSOptions, testInputs: EventTable?,
                            templates: TemplateLibrary) throws(HLSError) -> [GeneratedFile] {
        let project = try HLSProject(model, options: options)
        let f = project.function
        var files: [GeneratedFile] = []
        files.append(GeneratedFile(path: "firmware/\(f).h", contents: try render(templates, "hls/firmware/top.h", topHeaderContext(project))))
        files.append(GeneratedFile(path: "firmware/\(f).cpp", contents: try render(templates, "hls/firmware/top.cpp", topContext(project))))
        files.append(GeneratedFile(path: "firmware/parameters.h", contents: try render(templates, "hls/firmware/parameters.h", parametersContext(project))))
        for placed in project.layers {
            guard let header = placed.layer.header else { continue }
            let context = weightsContext(placed.layer, header: header, guard: placed.headerGuard)
            files.append(GeneratedFile(path: "firmware/weights/\(header).h", contents: try render(templates, "hls/firmware/weights.h", context)))
        }
        for header in libraryHeaders {
            files.append(GeneratedFile(path: "firmware/nnet_utils/\(header)", contents: try text(templates, "hls/nnet_utils/\(header)")))
        }
        files.append(GeneratedFile(path: "build_prj.tcl", contents: try render(templates, "hls/build_prj.tcl", [
            "function": f, "part": options.part, "clockNs": HLSTestVectors.number(options.clockNs),
        ])))
        files.append(GeneratedFile(path: "\(f)_test.cpp", contents: try render(templates, "hls/testbench.cpp", harnessContext(project))))
        files.append(GeneratedFile(path: "README.md", contents: try render(templates, "hls/README.md", [
            "function": f, "model": model.name, "strategy": options.strategy, "reuseFactor": options.reuseFactor,
            "part": options.part, "clockNs": HLSTestVectors.number(options.clockNs),
        ])))
        let events = testInputs ?? HLSTestVectors.sample(model, events: defaultTestEvents)
        files += try HLSTestVectors.files(model, events: events)
        return files
    }

    /// What a C simulation compiles: the `firmware/` files of ``emit(_:options:testInputs:)``
    /// and `csim_harness.cpp`, a main that reads events of real values (one
    /// event a line) and writes the raw output codes.
    public static func csimSources(_ model: LoweredModel, options: HLSOptions) throws -> [GeneratedFile] {
        let templates = try locateTemplates()
        let none = EventTable(rows: 0, columns: model.inputWidth, values: [])
        let firmware = try emit(model, options: options, testInputs: none, templates: templates).filter { $0.path.hasPrefix("firmware/") }
        return firmware + [try csimHarness(model, options: options, templates: templates)]
    }

    /// What a C simulation of a compiled project compiles: its `firmware/`
    /// files as they are (perhaps edited by hand), and the harness emitted
    /// for `model`, whose top function they must define.
    public static func csimSources(_ model: LoweredModel, options: HLSOptions, firmware: [GeneratedFile]) throws -> [GeneratedFile] {
        firmware + [try csimHarness(model, options: options, templates: try locateTemplates())]
    }

    /// The C simulation harness (`csim_harness.cpp`, beside `firmware/`):
    /// reads events of real values, writes raw output codes.
    public static func csimHarness(_ model: LoweredModel, options: HLSOptions,
                                   templates: TemplateLibrary) throws(HLSError) -> GeneratedFile {
        let project = try HLSProject(model, options: options)
        return GeneratedFile(path: "csim_harness.cpp", contents: try render(templates, "hls/csim_harness.cpp", harnessContext(project)))
    }

    /// The name of the top function, also the stem of `firmware/<name>.cpp`.
    public static func topFunction(_ model: LoweredModel) -> String { HLSNames(model).function }

    // MARK: - Template contexts

    static func topHeaderContext(_ p: HLSProject) -> [String: Any] {
        ["function": p.function, "source": "model \(p.model.name)", "guard": p.headerGuard,
         "ports": portList(p)]
    }

    static func portList(_ p: HLSProject) -> [[String: Any]] {
        let declarations = p.portDeclarations
        return declarations.enumerated().map { ["declaration": $1, "last": $0 == declarations.count - 1] }
    }

    static func topContext(_ p: HLSProject) -> [String: Any] {
        let layers: [[String: Any]] = p.layers.map { placed in
            ["summary": placed.layer.summary,
             "locals": placed.locals.map { ["type": $0.type, "name": $0.name, "size": $0.size] as [String: Any] },
             "calls": placed.layer.calls]
        }
        var copies: [[String: Any]] = []
        if !p.outputCopies.isEmpty {
            copies.append(["summary": "outputs that later layers also read, or that repeat a tensor", "calls": p.outputCopies])
        }
        return ["function": p.function, "source": "model \(p.model.name)", "strategy": p.options.strategy,
                "reuseFactor": p.options.reuseFactor, "ports": portList(p),
                "weightHeaders": p.layers.compactMap { $0.layer.header.map { $0 + ".h" } },
                "inputPorts": p.inputs.map(\.name), "outputPorts": p.outputs.map(\.name),
                "allPorts": p.ports.map(\.name).joined(separator: ","),
                "layers": layers, "outputCopies": copies]
    }

    static func parametersContext(_ p: HLSProject) -> [String: Any] {
        let sizes = p.ports.map { ["name": $0.sizeMacro, "value": $0.size] as [String: Any] }
        let tensorTypes = p.model.tensors.indices.map { i -> [String: Any] in
            let t = p.model.tensors[i]
            return ["name": p.tensorTypes[i], "type": t.type.description, "comment": "\(t.name)[\(t.size)]"]
        }
        let layers = p.layers.map { placed -> [String: Any] in
            let l = placed.layer
            var context: [String: Any] = [
                "summary": l.summary,
                "typedefs": l.typedefs.map { ["name": $0.name, "type": $0.type, "comment": $0.comment] },
                "definitions": l.definitions,
            ]
            if let c = l.config { context["config"] = ["name": c.name, "base": c.base, "members": c.members] as [String: Any] }
            return context
        }
        return ["function": p.function, "source": "model \(p.model.name)", "guard": p.parametersGuard,
                "sizes": sizes, "tensorTypes": tensorTypes, "layers": layers]
    }

    static func weightsContext(_ l: HLSLayer, header: String, guard: String) -> [String: Any] {
        ["summary": l.summary, "layer": l.op.name, "guard": `guard`,
         "arrays": l.arrays.map { ["comment": $0.comment, "typeName": $0.typeName, "name": $0.name, "size": $0.size, "lines": $0.lines] as [String: Any] }]
    }

    /// The testbench and the C simulation harness share their holes.
    static func harnessContext(_ p: HLSProject) -> [String: Any] {
        func port(_ q: HLSProject.Port) -> [String: Any] {
            ["type": q.typeName, "name": q.name, "size": q.sizeMacro, "offset": q.offset]
        }
        return ["function": p.function, "inputWidth": p.model.inputWidth, "outputWidth": p.model.outputWidth,
                "inputs": p.inputs.map(port), "outputs": p.outputs.map(port), "arguments": p.callArguments]
    }

    static func render(_ t: TemplateLibrary, _ path: String, _ context: [String: Any]) throws(HLSError) -> String {
        do { return try t.render(path, context) } catch { throw .template(error.description) }
    }

    static func text(_ t: TemplateLibrary, _ path: String) throws(HLSError) -> String {
        do { return try t.text(path) } catch { throw .template(error.description) }
    }
}

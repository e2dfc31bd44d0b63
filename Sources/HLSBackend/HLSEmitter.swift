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
        files.append(GeneratedFile(path: "firmware/\(f).h", contents: try render(templates, "hls/firmware/top.h", HLSContexts.topHeader(project))))
        files.append(GeneratedFile(path: "firmware/\(f).cpp", contents: try render(templates, "hls/firmware/top.cpp", HLSContexts.top(project))))
        files.append(GeneratedFile(path: "firmware/parameters.h", contents: try render(templates, "hls/firmware/parameters.h", HLSContexts.parameters(project))))
        for placed in project.layers {
            guard let header = placed.layer.header else { continue }
            let context = HLSContexts.weights(placed.layer, guard: placed.headerGuard)
            files.append(GeneratedFile(path: "firmware/weights/\(header).h", contents: try render(templates, "hls/firmware/weights.h", context)))
        }
        let forests = model.ops.contains { if case .forest = $0.kind { return true } else { return false } }
        let tensors = model.ops.contains {
            switch $0.kind {
            case .maximum, .gather: return true
            case .dense(let d): return HLSLayerPlanner.usesSparse(d, nIn: model[$0.inputs[0]].size, reuseFactor: options.reuseFactor)
            default: return false
            }
        }
        let thresholds = model.ops.contains { if case .threshold = $0.kind { return true } else { return false } }
        for header in libraryHeaders + (forests ? [HLSLayerPlanner.forestHeader] : []) + (tensors ? [HLSLayerPlanner.tensorHeader] : [])
            + (thresholds ? [HLSLayerPlanner.thresholdHeader] : []) {
            files.append(GeneratedFile(path: "firmware/nnet_utils/\(header)", contents: try text(templates, "hls/nnet_utils/\(header)")))
        }
        files.append(GeneratedFile(path: "build_prj.tcl", contents: try render(templates, "hls/build_prj.tcl", HLSContexts.buildScript(project))))
        files.append(GeneratedFile(path: "\(f)_test.cpp", contents: try render(templates, "hls/testbench.cpp", HLSContexts.harness(project))))
        files.append(GeneratedFile(path: "README.md", contents: try render(templates, "hls/README.md", HLSContexts.readme(project))))
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
        return GeneratedFile(path: "csim_harness.cpp", contents: try render(templates, "hls/csim_harness.cpp", HLSContexts.harness(project)))
    }

    /// The name of the top function, also the stem of `firmware/<name>.cpp`.
    public static func topFunction(_ model: LoweredModel) -> String { HLSNames(model).function }

    static func render(_ t: TemplateLibrary, _ path: String, _ context: some TemplateContext) throws(HLSError) -> String {
        do { return try t.render(path, context) } catch { throw .template(error.description) }
    }

    static func text(_ t: TemplateLibrary, _ path: String) throws(HLSError) -> String {
        do { return try t.text(path) } catch { throw .template(error.description) }
    }
}

import Foundation
import Testing
import FixedPoint
@testable import HLSBackend
import ModelIR
import TensorIO
import Toolchain

@Suite("HLS project emitter")
struct HLSEmitterTests {
    @Test("the same model gives the same bytes")
    func deterministic() throws {
        for model in [Zoo.tagger, Zoo.branchy, Zoo.modes] {
            let a = try HLSEmitter.emit(model, options: HLSOptions(), testInputs: nil)
            let b = try HLSEmitter.emit(model, options: HLSOptions(), testInputs: nil)
            #expect(a == b)
        }
    }

    @Test("the project has the files a Vitis HLS user expects")
    func layout() throws {
        let paths = Set(try HLSEmitter.emit(Zoo.tagger, options: HLSOptions(), testInputs: nil).map(\.path))
        for p in ["firmware/tagger.cpp", "firmware/tagger.h", "firmware/parameters.h", "firmware/weights/fc1.h",
                  "firmware/nnet_utils/nnet_dense.h", "build_prj.tcl", "tagger_test.cpp",
                  "tb_data/tb_input_features.dat", "tb_data/tb_output_predictions.dat"] {
            #expect(paths.contains(p), "missing \(p)")
        }
    }

    @Test("parameters.h spells every tensor type exactly as Vitis does")
    func typeSpelling() throws {
        let files = try HLSEmitter.emit(Zoo.modes, options: HLSOptions(), testInputs: nil)
        let parameters = try #require(files.first { $0.path == "firmware/parameters.h" }).contents
        for t in Zoo.modes.tensors {
            #expect(parameters.contains("typedef \(t.type.description) "), "\(t.name): \(t.type)")
        }
        #expect(parameters.contains("typedef ap_fixed<7,2,AP_TRN_ZERO,AP_WRAP,2> y_t;"))
    }

    @Test("reuse factor > 1 selects the resource strategy and sets the initiation interval")
    func resourceStrategy() throws {
        let files = try HLSEmitter.emit(Zoo.tagger, options: HLSOptions(reuseFactor: 4), testInputs: nil)
        let top = try #require(files.first { $0.path == "firmware/tagger.cpp" }).contents
        #expect(top.contains("nnet::dense_resource<"))
        #expect(top.contains("#pragma HLS PIPELINE II=4"))
        let parameters = try #require(files.first { $0.path == "firmware/parameters.h" }).contents
        #expect(parameters.contains("static const unsigned n_mult = 256;"))  // 16 * 64 / 4
    }

    @Test("a convolution's own reuse factor sets its layer's interval and multipliers, and the top's interval")
    func convolutionReuse() throws {
        let files = try HLSEmitter.emit(Zoo.calorimeterConvReuse, options: HLSOptions(), testInputs: nil)
        let top = try #require(files.first { $0.path == "firmware/calorimeter_conv.cpp" }).contents
        #expect(top.contains("#pragma HLS PIPELINE II=3"))
        let parameters = try #require(files.first { $0.path == "firmware/parameters.h" }).contents
        // conv: 20 positions x 4 filters, 4 terms each, at 2; dw: 12 x 4, 2 terms each, at 3.
        #expect(parameters.contains("static const unsigned reuse_factor = 2;\n    static const unsigned multiplier_limit = 160;"))
        #expect(parameters.contains("static const unsigned reuse_factor = 3;\n    static const unsigned multiplier_limit = 32;"))
    }

    @Test("build_prj.tcl carries the part and the clock")
    func tcl() throws {
        let files = try HLSEmitter.emit(Zoo.oneLayer, options: HLSOptions(clockNs: 3.125, part: "xcku115-flvb2104-2-i"), testInputs: nil)
        let tcl = try #require(files.first { $0.path == "build_prj.tcl" }).contents
        #expect(tcl.contains("set part xcku115-flvb2104-2-i"))
        #expect(tcl.contains("set clock_period 3.125"))
        #expect(tcl.contains("csim_design") && tcl.contains("csynth_design") && tcl.contains("cosim_design") && tcl.contains("export_design"))
    }

    @Test("test vectors hold the given events and the reference's exact outputs")
    func vectors() throws {
        let events = StressEvents.make(Zoo.oneLayer, events: 7, seed: 9)
        let files = try HLSEmitter.emit(Zoo.oneLayer, options: HLSOptions(), testInputs: events)
        let inputs = try #require(files.first { $0.path == "tb_data/tb_input_features.dat" }).contents
        let outputs = try #require(files.first { $0.path == "tb_data/tb_output_predictions.dat" }).contents
        #expect(inputs.split(separator: "\n").count == 7)
        #expect(outputs.split(separator: "\n").count == 7)
        let firstRow = inputs.split(separator: "\n")[0].split(separator: " ").map { Double(String($0))! }
        #expect(firstRow == Array(events[row: 0]))
    }

    @Test("bad options and inputs are typed errors")
    func errors() throws {
        #expect(throws: HLSError.self) { try HLSEmitter.emit(Zoo.oneLayer, options: HLSOptions(reuseFactor: 0), testInputs: nil) }
        #expect(throws: HLSError.self) {
            try HLSEmitter.emit(Zoo.oneLayer, options: HLSOptions(), testInputs: EventTable(rows: 1, columns: 8, values: [.nan, 0, 0, 0, 0, 0, 0, 0]))
        }
        #expect(throws: HLSError.self) {
            try HLSEmitter.emit(Zoo.oneLayer, options: HLSOptions(), testInputs: EventTable(rows: 1, columns: 2, values: [0, 0]))
        }
    }

    @Test("a scale op is nnet::normalize with its weights, biases and fused activation")
    func scaleOps() throws {
        let files = try HLSEmitter.emit(Zoo.scales, options: HLSOptions(), testInputs: nil)
        let top = try #require(files.first { $0.path == "firmware/scales.cpp" }).contents
        let parameters = try #require(files.first { $0.path == "firmware/parameters.h" }).contents
        let weights = try #require(files.first { $0.path == "firmware/weights/bn_in.h" }).contents
        #expect(top.contains("// bn_in: per-element scale and bias on 8 elements, relu (from bn_in + r0)"))
        #expect(top.contains("nnet::normalize<x_t, r0_t, config_bn_in>(x, r0, bn_in_scale, bn_in_biases);"))
        #expect(top.contains("nnet::normalize<d2_t, diag_t, config_diag>(d2, diag, diag_scale, diag_biases);"))
        #expect(!top.contains("nnet::dense_latency<d2_t, diag_t"))
        // bn_mid keeps its declared result as the type before the ReLU.
        #expect(parameters.contains("""
            struct config_bn_mid : nnet::batchnorm_config {
                static const unsigned n_in = 6;
                static const unsigned reuse_factor = 1;
                typedef bn_mid_weight_t scale_t;
                typedef bn_mid_bias_t bias_t;
                typedef bn_mid_accum_t accum_t;
                typedef bn_mid_pre_t pre_t;
                typedef nnet::relu activation;
            };
            """))
        #expect(parameters.contains("typedef ap_fixed<12,5,AP_RND_CONV,AP_SAT> bn_mid_pre_t; // bn_mid result before its activation"))
        // The diagonal layer's scales 0.75, -1.25, 0.5 in ap_fixed<6,2>, one per element.
        let diag = try #require(files.first { $0.path == "firmware/weights/diag.h" }).contents
        #expect(diag.contains("static const diag_weight_t diag_scale[3] = {\n    0.75, -1.25, 0.5,\n};"))
        // bn_in's sixth scale is the zero its gamma gave.
        guard case .scale(let s) = Zoo.scales.ops[0].kind else { Issue.record("bn_in is not a scale op"); return }
        #expect(weights.contains("bn_in_scale[8]") && s.weights[5] == 0)
    }

    /// Every hole of every template in templates/hls is a property of the
    /// context struct the emitter renders it with, so no hole renders empty.
    @Test("every template hole is a property of its typed context", arguments: ["modes", "scales", "wide"])
    func templateHoles(_ name: String) throws {
        let model = ["modes": Zoo.modes, "scales": Zoo.scales, "wide": Zoo.wide][name]!
        let p = try HLSProject(model, options: HLSOptions())
        let templates = try HLSEmitter.locateTemplates()
        let layer = try #require(p.layers.first { $0.layer.header != nil })
        let cases: [(String, Any)] = [
            ("hls/firmware/top.h", HLSContexts.topHeader(p)), ("hls/firmware/top.cpp", HLSContexts.top(p)),
            ("hls/firmware/parameters.h", HLSContexts.parameters(p)),
            ("hls/firmware/weights.h", HLSContexts.weights(layer.layer, guard: layer.headerGuard)),
            ("hls/build_prj.tcl", HLSContexts.buildScript(p)), ("hls/README.md", HLSContexts.readme(p)),
            ("hls/testbench.cpp", HLSContexts.harness(p)), ("hls/csim_harness.cpp", HLSContexts.harness(p)),
        ]
        for (path, context) in cases {
            let holes = Self.holes(try templates.text(path))
            let properties = Self.propertyNames(context)
            #expect(!holes.isEmpty)
            #expect(holes.subtracting(properties).isEmpty, "\(path): \(holes.subtracting(properties).sorted()) are not properties")
        }
    }

    /// Names in `{{name}}`, `{{#name}}`, `{{^name}}` (not `{{.}}`, closings or pragmas).
    static func holes(_ text: String) -> Set<String> {
        var names = Set<String>()
        var rest = text[...]
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            var tag = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            rest = rest[close.upperBound...]
            if tag.hasPrefix("#") || tag.hasPrefix("^") { tag.removeFirst() }
            if tag.isEmpty || tag == "." || tag.hasPrefix("/") || tag.hasPrefix("%") || tag.hasPrefix("!") { continue }
            names.insert(tag)
        }
        return names
    }

    /// Every stored property name reachable from `value`, through arrays,
    /// optionals and nested structs.
    static func propertyNames(_ value: Any) -> Set<String> {
        var names = Set<String>()
        for child in Mirror(reflecting: value).children {
            if let label = child.label { names.insert(label) }
            names.formUnion(propertyNames(child.value))
        }
        return names
    }

    @Test("the generated project passes g++ -std=c++17 -Wall -Wextra -fsyntax-only", arguments: ["modes", "branchy_rf2", "scales"])
    func syntax(_ name: String) async throws {
        // Between them, they use every layer function and both dense strategies.
        let model = ["modes": Zoo.modes, "branchy_rf2": Zoo.branchy, "scales": Zoo.scales][name]!
        let files = try HLSEmitter.emit(model, options: HLSOptions(reuseFactor: name.hasSuffix("rf2") ? 2 : 1), testInputs: nil)
        let folder = ProjectFiles.temporaryFolder("syntax-\(name)")
        try ProjectFiles.write(files, to: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let apTypes = try #require(APTypes.locate(), "the ap_types headers are missing: \(APTypes.installHint)")
        let function = HLSEmitter.topFunction(model)
        // -Wno-unknown-pragmas: every `#pragma HLS` is unknown to g++, and
        // GCC 12 cannot silence that warning from inside the source.
        let result = try await ToolRunner.run("g++", [
            "-std=c++17", "-Wall", "-Wextra", "-Wno-unknown-pragmas", "-fsyntax-only", "-isystem", apTypes,
            "\(function)_test.cpp", "firmware/\(function).cpp",
        ], in: folder, installHint: "install g++")
        let diagnostics = result.standardError + result.standardOutput
        #expect(!diagnostics.contains("warning"), "\(diagnostics.prefix(4000))")
    }
}

@Suite("Exact literals")
struct HLSLiteralTests {
    @Test("decimals are exact and always read as doubles")
    func decimals() {
        #expect(HLSLiterals.decimal(0, fractionBits: 5) == "0.0")
        #expect(HLSLiterals.decimal(3, fractionBits: 4) == "0.1875")
        #expect(HLSLiterals.decimal(-201, fractionBits: 6) == "-3.140625")
        #expect(HLSLiterals.decimal(5, fractionBits: -3) == "40.0")
        #expect(HLSLiterals.decimal(1, fractionBits: 20) == "0.00000095367431640625")
        #expect(HLSLiterals.decimal(Int64.min, fractionBits: 0) == "-9223372036854775808.0")
    }

    @Test("every decimal parses back to the raw code it came from", arguments: [1, 8, 17, 30, 53])
    func roundTrip(width: Int) {
        var rng = SplitMix(seed: UInt64(width))
        for f in [-7, 0, 3, width, width + 9] {
            for _ in 0..<200 {
                let raw = Int64(bitPattern: rng.next()) >> (64 - width)
                let text = HLSLiterals.decimal(raw, fractionBits: f)
                let back = Double(text)! * pow2(f)
                #expect(back == Double(raw), "\(raw) F=\(f): \(text)")
            }
        }
    }

    @Test("codes wider than a double use the two-part form")
    func wide() {
        let t = FixedType.fixed(64, 20)
        let raw: Int64 = (1 << 60) + 12345
        let text = HLSLiterals.literal(raw, of: t, typeName: "w_t")
        #expect(text.hasPrefix("w_t(w_t("))
        #expect(HLSLiterals.literal(1 << 60, of: t, typeName: "w_t") == HLSLiterals.decimal(1 << 60, fractionBits: 44))
    }

    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}

@Suite("HLS names")
struct HLSNamesTests {
    /// A model whose names collide with C++ keywords, the project's own
    /// files and the testbench's `tb_` variables.
    static let awkward = LoweredModel(
        name: "parameters",
        tensors: [TensorInfo(name: "int", size: 2, type: .fixed(8, 3)),
                  TensorInfo(name: "tb_events", size: 2, type: .fixed(6, 3, .rnd, .sat)),
                  TensorInfo(name: "int_t", size: 2, type: .fixed(6, 3))],
        inputs: [TensorID(0)], outputs: [TensorID(1), TensorID(2)],
        ops: [LoweredOp(name: "q", sourceLayers: ["q"], kind: .quantize, inputs: [TensorID(0)], output: TensorID(1)),
              LoweredOp(name: "q2", sourceLayers: ["q2"], kind: .quantize, inputs: [TensorID(1)], output: TensorID(2))])

    @Test("keywords, the project's file names and the tb_ prefix are never used as names")
    func collisions() throws {
        let names = HLSNames(Self.awkward)
        #expect(names.function == "parameters_2")
        #expect(names.tensorVariables == ["int_2", "t_tb_events", "int_t"])
        let paths = try HLSEmitter.emit(Self.awkward, options: HLSOptions(), testInputs: nil).map(\.path)
        #expect(paths.contains("firmware/parameters_2.cpp"))
        let top = try #require(try HLSEmitter.emit(Self.awkward, options: HLSOptions(), testInputs: nil)
            .first { $0.path == "firmware/parameters_2.cpp" }).contents
        // `int` is a keyword: the tensor's variable and type take the next free names.
        #expect(top.contains("int_2_t int_2[N_IN_int_2]"))
        // t_tb_events is read by q2 and is an output: it is copied to its port at the end.
        #expect(top.contains("nnet::copy_into<t_tb_events_t, t_tb_events_t, 2, 0>(t_tb_events, t_tb_events_out);"))
    }
}

import Foundation
import Testing
import HLSBackend
import ModelIR
import Simulation
import TensorIO
import Toolchain

/// The generated C++, compiled with g++ against the open ap_types headers,
/// computes exactly what the Swift reference computes. These tests fail (they
/// do not skip) when g++ or the headers are missing: scripts/setup.sh
/// installs both on CI.
@Suite("HLS C simulation is bit-exact", .serialized)
struct CSimulationTests {
    static let vectors = 10_000

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var model: @Sendable () -> LoweredModel
        var reuseFactor: Int = 1
        var testDescription: String { reuseFactor == 1 ? name : "\(name), reuse factor \(reuseFactor)" }
    }

    static let cases: [Case] = [
        Case(name: "one_layer", model: { Zoo.oneLayer }),
        Case(name: "one_layer", model: { Zoo.oneLayer }, reuseFactor: 3),
        Case(name: "tagger", model: { Zoo.tagger }),
        Case(name: "autoencoder", model: { Zoo.autoencoder }),
        Case(name: "sigmoid_model", model: { Zoo.sigmoid }),
        Case(name: "tagger_softmax", model: { Zoo.taggerSoftmax }),
        Case(name: "modes", model: { Zoo.modes }),
        Case(name: "wide", model: { Zoo.wide }),
        Case(name: "deep_sets", model: { Zoo.deepSets }),
        Case(name: "calorimeter_conv", model: { Zoo.calorimeterConv }),
        Case(name: "sequence_conv", model: { Zoo.sequenceConv }, reuseFactor: 2),
    ]

    /// Left out of the default run (each is a g++ build of its own): the
    /// sigmoid table, the branches and the scale ops are simulated
    /// bit-exactly by the default run in Verilator (`EndToEndTests`), and the
    /// convolutions at their own reuse factors in the RTL (`ConvolutionReuseTests`).
    static let slowCases: [Case] = [
        Case(name: "sigmoid_model", model: { Zoo.sigmoid }),
        Case(name: "branchy", model: { Zoo.branchy }),
        Case(name: "scales", model: { Zoo.scales }),
        Case(name: "calorimeter_conv, convolutions at reuse 2 and 3", model: { Zoo.calorimeterConvReuse }),
    ]

    @Test("10,000 stress vectors, zero mismatching output codes", .serialized, arguments: cases)
    func bitExact(_ c: Case) async throws {
        try await expectBitExact(c)
    }

    @Test("10,000 stress vectors, zero mismatching output codes (slow cases)", .serialized, .slow, .tags(.slow), arguments: slowCases)
    func bitExactSlowCases(_ c: Case) async throws {
        try await expectBitExact(c)
    }

    func expectBitExact(_ c: Case) async throws {
        let model = c.model()
        let sim = try CSimulation(model: model, options: HLSOptions(reuseFactor: c.reuseFactor))
        let events = StressEvents.make(model, events: Self.vectors, seed: 0xC51A + UInt64(c.reuseFactor))
        let report = try await sim.run(events)
        #expect(report.compared.events == Self.vectors)
        #expect(report.compared.mismatchCount == 0, "\(report.compared.mismatches.prefix(5).map(\.description).joined(separator: "\n"))")
        print("csim \(c.testDescription): \(report.compared.events) events, \(report.compared.mismatchCount) mismatches, "
              + "\(Int(report.eventsPerSecond)) events/s, build \(String(format: "%.1f", report.build.seconds)) s\(report.build.cached ? " (cached)" : "")")
    }

    @Test("the project's own testbench passes on its shipped vectors, 64-bit outputs included")
    func projectTestbench() async throws {
        let model = Zoo.wide
        let events = StressEvents.make(model, events: 500, seed: 11)
        let files = try HLSEmitter.emit(model, options: HLSOptions(), testInputs: events)
        let folder = ProjectFiles.temporaryFolder("testbench-wide")
        try ProjectFiles.write(files, to: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let apTypes = try #require(APTypes.locate(), "the ap_types headers are missing: \(APTypes.installHint)")
        let f = HLSEmitter.topFunction(model)
        try await ToolRunner.run("g++", CSimulation.compilerFlags + ["-isystem", apTypes, "-o", "tb", "\(f)_test.cpp", "firmware/\(f).cpp"],
                                 in: folder, installHint: "install g++")
        let run = try await ToolRunner.run("\(folder)/tb", [], in: folder, installHint: "the testbench did not build")
        #expect(run.standardOutput.contains("500 events, 0 mismatching outputs"), "\(run.standardOutput)")
    }

    @Test("a second run of the same model reuses the compiled binary")
    func cache() async throws {
        let sim = try CSimulation(model: Zoo.oneLayer)
        _ = try await sim.build()
        let again = try await sim.build()
        #expect(again.cached)
    }

    @Test("a folder without ap_fixed.h is named in the error with the ways to fix it")
    func missingHeaders() throws {
        #expect {
            _ = try CSimulation(model: Zoo.oneLayer, apTypes: "/nonexistent/ap_types")
        } throws: { error in
            let text = "\(error)"
            return text.contains("--ap-types") && text.contains("HEPML_AP_TYPES") && text.contains("scripts/setup.sh")
        }
    }
}

import Foundation
import ModelFormat
import ModelIR
import Testing

/// QONNX models over tensors (issue 23; fixtures/make_tensor_fixtures.py):
/// NCHW/NCW convolutions, pools, reductions, per-particle MatMul,
/// broadcasting, layouts and torch shape arithmetic. Each imported model
/// computes exactly what the QONNX executor computes on its events (rows
/// flattened in the ONNX input's own layout), from the .onnx and from the
/// model.json that `import` writes.
@Suite(.enabled(if: Tool.oracleAvailable, "needs python3 with qonnx and onnxruntime (scripts/setup.sh)"))
struct TensorImportTests {
    static let events = 300

    @Test(arguments: Fixture.tensors)
    func importedTensorModelMatchesTheQONNXExecutor(fixture: Fixture) throws {
        let dir = try Tool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = Tool.fixtures.appendingPathComponent(fixture.file)
        let (inputs, outputs) = try OracleTests.oracle(model, fixture, in: dir, seed: 23, events: Self.events)
        let oracle = try Tool.readCSV(outputs)
        let ours = try OracleTests.predict(model.path, fixture, inputs: inputs, in: dir)
        let mismatches = OracleTests.compare(fixture, ours: ours, oracle: oracle, events: Self.events)
        #expect(mismatches.isEmpty, "\(fixture.file): mismatches per output \(mismatches)")
        // A mean, a sum and a max pool all on the grid: the outputs are not all zero.
        #expect(ours.joined().contains { $0 != 0 })

        let json = dir.appendingPathComponent("model.json")
        let r = try Tool.cli(["import", model.path, "--out", json.path])
        #expect(r.code == 0, "\(r.err)")
        let viaJSON = try OracleTests.predict(json.path, fixture, inputs: inputs, in: dir)
        #expect(OracleTests.compare(fixture, ours: viaJSON, oracle: oracle, events: Self.events).isEmpty)
    }
}

/// Where the importer moves data: only where an operator needs another
/// order than the tensor has (docs/import-export.md, "Layouts").
@Suite struct TensorLayoutTests {
    static func imported(_ file: String) throws -> Graph {
        let dir = try Tool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("model.json")
        let r = try Tool.cli(["import", Tool.fixtures.appendingPathComponent(file).path, "--out", json.path])
        #expect(r.code == 0, "\(r.err)")
        return try ModelDecoder.load(path: json.path)
    }

    @Test func anNCHWInputIsTransposedOnceBeforeTheFirstConvolutionAndBackBeforeFlatten() throws {
        let g = try Self.imported("tensors_conv2d.onnx")
        // The event row is the NCHW input flattened: [C, H, W] in the graph.
        #expect(g.inputs.map(\.shape) == [[2, 5, 7]])
        #expect(g.nodes.first?.op == .transpose([1, 2, 0]))
        #expect(g.nodes.first?.inputs == [g.inputs[0].name])
        let convs = g.nodes.filter { if case .conv = $0.op { return true } else { return false } }
        #expect(convs.count == 3)
        // The second and third convolutions read the first one's (channels-last) result as it is.
        // One at the input; one back to NCHW for the second convolution's
        // result, shared by the Flatten and the graph output that read it;
        // one for the 1×1 convolution's output.
        #expect(g.nodes.filter { if case .transpose = $0.op { return true } else { return false } }.count == 3,
                "\(g.nodes.map(\.op.kindName))")
        let shapes = try g.tensorShapes()
        #expect(shapes[convs[1].name] == [3, 4, 4])
        #expect(g.outputs.map { shapes[$0]!.reduce(1, *) } == [48, 5, 70])
    }

    @Test func aSingleChannelInputNeedsNoTransposeAndTorchShapeArithmeticFolds() throws {
        let g = try Self.imported("tensors_torch_flatten.onnx")
        // [1, 4, 5] and [4, 5, 1] hold the elements in the same order: a reshape, no transpose.
        #expect(g.nodes.first?.op == .reshape([4, 5, 1]))
        #expect(g.nodes.map(\.op.kindName) == ["reshape", "conv2d", "transpose", "dense"])
    }

    @Test func aChannelsLastGraphTransposedAroundItsConvolutionMovesNoData() throws {
        // Transpose(NHWC→NCHW), Conv, Transpose(NCHW→NHWC): only the recorded layout changes.
        let g = try Self.imported("tensors_nhwc.onnx")
        #expect(g.inputs.map(\.shape) == [[5, 4, 2]])
        #expect(g.nodes.map(\.op.kindName) == ["conv2d"])
    }

    @Test func perChannelScaleShiftAndBatchNormFoldExactlyIntoTheConvolution() throws {
        // Conv → Mul [C,1,1] → Add [1,C,1,1] → BatchNormalization → Quant: one conv2d, no batchnorm.
        let g = try Self.imported("tensors_layouts.onnx")
        #expect(g.nodes.filter { $0.op.kindName == "conv2d" }.count == 1)
        #expect(!g.nodes.contains { $0.op.kindName == "batchnorm" }, "\(g.nodes.map(\.op.kindName))")
    }

    @Test func aPerParticleMatMulIsOneDenseOverTheLastAxis() throws {
        let g = try Self.imported("tensors_deepsets.onnx")
        #expect(g.inputs.map(\.shape) == [[16, 3]])
        let shapes = try g.tensorShapes()
        let dense = g.nodes.filter { if case .dense = $0.op { return true } else { return false } }
        #expect(dense.map { shapes[$0.name]! } == [[16, 8], [16, 8], [5]])
        #expect(g.nodes.contains { $0.op == .reduce(Reduction(kind: .sum, axes: [0])) })
    }
}

import Foundation
import Testing
import ModelFormat
import Passes
import Reference
import TensorIO
import Datasets
@testable import Training

/// The tensor layers of train.json: decoded, range-checked naming the entry
/// and field, shape-checked against `input_shape` when the network is built,
/// and trained end to end into a model.json whose reference outputs are the
/// training side's fixed-point inference.
struct TensorConfigTests {
    static let base = #""name": "m", "task": "classification", "data": {"generator": "jet_tagging", "events": 200}"#

    static let refused: [(layers: String, message: String)] = [
        (#"[{"conv2d": {"filters": 2, "kernel_size": [3, 3, 3]}}]"#, "layers[0].conv2d.kernel_size: give one number or a list of 2 (one per spatial axis)"),
        (#"[{"conv1d": {"filters": 2, "kernel_size": 3, "strides": 0}}]"#, "layers[0].conv1d.strides: 0 is outside the accepted range 1...4096"),
        (#"[{"conv2d": {"filters": 2, "kernel_size": 3, "dilation_rate": [1, 5000]}}]"#, "layers[0].conv2d.dilation_rate[1]: 5000 is outside the accepted range 1...4096"),
        (#"[{"conv2d": {"filters": 2, "kernel_size": 3, "padding": "full"}}]"#, "layers[0].conv2d.padding: 'full' (valid, same"),
        (#"[{"conv1d": {"kernel_size": 3}}]"#, "layers[0].conv1d.filters: missing"),
        (#"[{"conv1d": {"filters": 0, "kernel_size": 3}}]"#, "layers[0].conv1d.filters: 0 is outside the accepted range 1...100000"),
        (#"[{"depthwise_conv2d": {"filters": 4, "kernel_size": 3}}]"#, "layers[0].depthwise_conv2d.filters: a depthwise convolution has one filter per channel"),
        (#"[{"maxpool2d": {"pool_size": [2]}}]"#, "layers[0].maxpool2d.pool_size: give one number or a list of 2"),
        (#"[{"reduce_sum": {"axes": [0, 0]}}]"#, "layers[0].reduce_sum.axes: [0, 0] must be distinct axes"),
        (#"[{"reshape": [4, 0]}]"#, "layers[0].reshape: [4, 0] must be a list of sizes"),
        (#"[{"flatten": false}]"#, "layers[0].flatten: write true"),
        (#"[{"transpose": [0, 2]}]"#, "layers[0].transpose: [0, 2] is not a permutation of the axes 0..<2"),
        (#"[{"dense": 4}, {"concatenate": [{"reduce_sum": {}}]}]"#, "layers[1].concatenate: give two or more branches"),
        (#"[{"concatenate": [{"dense": 3}, {"reduce_max": {}}]}]"#, "layers[0].concatenate[0]: a branch is one parameter-free layer"),
        (#"[{"concatenate": [{"reduce_sum": {}, "flatten": true}, {"reduce_max": {}}]}]"#, "layers[0].concatenate[0]: one layer per entry; this one has reduce_sum and flatten"),
        (#"[{"dense": 3, "conv1d": {"filters": 2, "kernel_size": 2}}]"#, "layers[0]: one layer per entry; this one has dense and conv1d"),
        (#"[{"depthwise_conv1d": {"kernel_size": [2, 2]}}]"#, "layers[0].depthwise_conv1d.kernel_size: give one number or a list of 1"),
    ]

    @Test(arguments: refused.indices)
    func aBadTensorLayerIsRefusedNamingTheEntryAndField(index: Int) throws {
        let c = Self.refused[index]
        let message = try TrainConfigLimitsTests.validationError(#"{\#(Self.base), "layers": \#(c.layers)}"#)
        #expect(message?.contains(c.message) == true, "\(message ?? "accepted")")
    }

    @Test func anInputShapeThatDoesNotHoldTheEventsIsRefused() throws {
        let message = try TrainConfigLimitsTests.validationError(#"{\#(Self.base), "input_shape": [5, 3], "layers": [{"dense": 2}]}"#)
        #expect(message == "input_shape: [5, 3] holds 15 values; the jet_tagging events have 16")
        let zero = try TrainConfigLimitsTests.validationError(#"{\#(Self.base), "input_shape": [16, 0], "layers": [{"dense": 2}]}"#)
        #expect(zero?.hasPrefix("input_shape: [16, 0] must be") == true)
    }

    @Test func aMisspeltTensorKeyIsNamedWithTheNearestOne() throws {
        let text = #"{\#(Self.base), "layers": [{"conv2d": {"filters": 2, "kernal_size": 3}}]}"#
        #expect(try TrainConfigTests.loadError(text) == "train.json: unknown key 'kernal_size' in 'layers[0].conv2d'; did you mean 'kernel_size'?")
        let branch = #"{\#(Self.base), "layers": [{"concatenate": [{"reduce_sum": {"axis": [0]}}, {"reduce_max": {}}]}]}"#
        #expect(try TrainConfigTests.loadError(branch) == "train.json: unknown key 'axis' in 'layers[0].concatenate[0].reduce_sum'; did you mean 'axes'?")
    }

    @Test func shapesThatDoNotFitAreRefusedWhenTheNetworkIsBuilt() throws {
        func error(_ shape: [Int], _ specs: [LayerSpec]) -> String? {
            do { _ = try NetworkBuilder.build(inputShape: shape, layers: specs, seed: 1); return nil } catch {
                guard case .invalidSetting(let m) = error else { return "\(error)" }
                return m
            }
        }
        #expect(error([3, 3, 1], [.dense(units: 2), .conv(filters: 2, window: WindowSpec(kernel: [5, 5]), depthwise: false)])
                == "layers[1].conv2d.kernel_size: the kernel spans 5 on spatial axis 0, larger than its padded input (3)")
        #expect(error([8, 3], [.conv(filters: 2, window: WindowSpec(kernel: [2, 2]), depthwise: false)])?
            .hasPrefix("layers[0].conv2d.kernel_size: a 2D convolution reads [spatial..., channels] (rank 3); its input has shape [8, 3]") == true)
        #expect(error([8, 3], [.dense(units: 4), .activation(.softmax)])?.hasPrefix("layers[1].activation: softmax is over a vector") == true)
        #expect(error([8, 3], [.reduce(.sum, axes: [2])])?.hasPrefix("layers[0].reduce_sum.axes:") == true)
        #expect(error([8, 3], [.reshape([5, 5])]) == "layers[0].reshape.shape: [5, 5] does not hold the 24 elements of [8, 3]")
        #expect(error([8, 3], [.transpose([2, 1, 0])]) == "layers[0].transpose.perm: [2, 1, 0] is not a permutation of the 2 axes of [8, 3]")
        #expect(error([8, 3], [.concatenate([.pool(.max, WindowSpec(kernel: [2])), .reshape([3, 8])])])?
            .hasPrefix("layers[0].concatenate.inputs: input 1 has shape [3, 8]; all but axis 1 must equal [4, 3]") == true)
    }

    /// train.json with particles x features from files, QAT or PTQ: the reference
    /// outputs the run writes for its test events equal the trained model's
    /// fake-quantized inference on them.
    @Test(arguments: ["qat", "ptq"])
    func aTensorConfigTrainsEndToEndAndItsTestVectorsAreTheModel(mode: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tensor-train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (events, labels) = TensorTrainingTests.particles(400, seed: 9)
        try CSVTable.format(events).write(to: dir.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
        try labels.map(String.init).joined(separator: "\n").appending("\n")
            .write(to: dir.appendingPathComponent("y.csv"), atomically: true, encoding: .utf8)
        let config = #"""
        { "name": "tiny_deep_sets", "task": "classification", "input_type": "ap_fixed<12,4,AP_RND,AP_SAT>",
          "data": { "features": "x.csv", "labels": "y.csv" }, "input_shape": [8, 3],
          "layers": [ { "dense": 8 }, { "batchnorm": true }, { "activation": "relu" },
                      { "conv1d": { "filters": 4, "kernel_size": 2, "padding": "same" } }, { "activation": "relu" },
                      { "concatenate": [ { "reduce_sum": { "axes": [0] } }, { "reduce_max": {} } ] },
                      { "dense": 3 }, { "activation": "softmax" } ],
          "training": { "epochs": 3, "batch_size": 32, "learning_rate": 0.01 },
          "quantization": { "mode": "\#(mode)", "weight_width": 8, "result_width": 14, "qat_epochs": 1 },
          "output": { "model": "model.json", "test_inputs": "in.csv", "test_outputs": "out.csv", "test_events": 50 } }
        """#
        let path = dir.appendingPathComponent("train.json").path
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try TrainingRun(config: try TrainConfig.load(path: path), baseDirectory: dir.path).run()
        #expect(result.writtenFiles == ["model.json", "losses.csv", "in.csv", "out.csv"])
        let graph = try ModelDecoder.decode(Data(contentsOf: dir.appendingPathComponent("model.json")))
        #expect(graph.inputs[0].shape == [8, 3])
        #expect(graph.nodes.map(\.name) == ["bn1", "relu1", "conv1", "relu2", "sum1", "max1", "concat1", "fc2", "softmax1"])
        let inputs = try CSVTable.parse(String(contentsOf: dir.appendingPathComponent("in.csv"), encoding: .utf8))
        let outputs = try CSVTable.parse(String(contentsOf: dir.appendingPathComponent("out.csv"), encoding: .utf8))
        #expect(inputs.rows == 50 && outputs.columns == 3)
        // Up to the softmax (a table in the design), the written reference is the training side's inference.
        var model = result.model
        model.network.layers.removeLast()
        var trimmed = graph
        trimmed.nodes.removeLast()
        trimmed.outputs = ["fc2"]
        let fixed = FixedPointEvaluator(try Pipeline.lower(trimmed)).run(inputs)
        for r in 0..<inputs.rows { #expect(Array(fixed[row: r]) == model.network.inferDouble(Array(inputs[row: r]))) }
    }
}

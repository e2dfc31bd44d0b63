import Foundation
import Testing
import Datasets
import ModelFormat
import Passes
import Reference
import TensorIO
@testable import Training

/// train.json's `model.forest`: keys, limits, exclusions, and a run end to end.
struct ForestConfigTests {
    static let base = #""name": "tq", "task": "classification", "data": {"generator": "track_quality", "events": 300}"#
    static func forest(_ settings: String) -> String { #"{\#(base), "model": {"forest": {\#(settings)}}}"# }

    @Test func theShippedConfigLoadsAndIsWithinTheLimits() throws {
        let config = try TrainConfig.load(path: TrainConfigTests.examples.appendingPathComponent("track_quality/train.json").path)
        try config.validate()
        #expect(config.layers.isEmpty)
        #expect(config.model?.forest?.options.trees == 50)
    }

    @Test func aMisspeltForestKeyIsNamed() throws {
        let error = try TrainConfigTests.loadError(Self.forest(#""trees": 3, "learning_rte": 0.1"#))
        #expect(error == "train.json: unknown key 'learning_rte' in 'model.forest'; did you mean 'learning_rate'?")
        let model = try TrainConfigTests.loadError(#"{\#(Self.base), "model": {"forrest": {}}}"#)
        #expect(model == "train.json: unknown key 'forrest' in 'model'; did you mean 'forest'?")
        // Without a model, a network's layers are still required.
        let layers = try TrainConfigTests.loadError(#"{\#(Self.base)}"#)
        #expect(layers == "train.json: missing key 'layers'")
    }

    static let refused: [(json: String, message: String)] = [
        (forest(#""trees": 0"#), "model.forest.trees: 0 is outside the accepted range 1...10000"),
        (forest(#""depth": 13"#), "model.forest.depth: 13 is outside the accepted range 1...12"),
        (forest(#""learning_rate": 0"#), "model.forest.learning_rate: 0.0 is outside the accepted range (0, 10]"),
        (forest(#""lambda": -1"#), "model.forest.lambda: -1.0 is outside the accepted range [0, 1000000]"),
        (forest(#""min_child_weight": -0.5"#), "model.forest.min_child_weight: -0.5 is outside the accepted range [0, 1000000]"),
        (forest(#""min_split_gain": -1"#), "model.forest.min_split_gain: -1.0 is outside the accepted range [0, 1000000]"),
        (forest(#""bins": 257"#), "model.forest.bins: 257 is outside the accepted range 2...256"),
        (forest(#""bins": 1"#), "model.forest.bins: 1 is outside the accepted range 2...256"),
        (forest(#""subsample": 0"#), "model.forest.subsample: 0.0 is outside the accepted range (0, 1]"),
        (forest(#""validation_fraction": 1"#), "model.forest.validation_fraction: 1.0 is outside the accepted range [0, 1)"),
        (forest(#""leaf_type": "ap_fixd<8,3>""#), "model.forest.leaf_type: "),
        (#"{\#(base), "input_type": "ap_fixed<8,2>; ap_fixed<8,3>", "model": {"forest": {}}}"#,
         "input_type: two types without a feature index ('ap_fixed<8,3>'); give one default at most"),
        (#"{\#(base), "model": {}}"#, "model: give 'forest' (the only model besides a network's 'layers')"),
        (#"{\#(base), "layers": [{"dense": 3}], "model": {"forest": {}}}"#, "layers: a forest (model.forest) takes no layers; give one or the other"),
        (#"{\#(base), "training": {"epochs": 3}, "model": {"forest": {}}}"#,
         "training: the network's settings do not apply to a forest; its settings go in model.forest"),
        (#"{\#(base), "quantization": {"mode": "ptq"}, "model": {"forest": {}}}"#,
         "quantization: a forest's types are input_type and model.forest.leaf_type"),
        (#"{"name": "tq", "task": "autoencoder", "data": {"generator": "track_quality"}, "model": {"forest": {}}}"#,
         "task: a forest is trained for binary classification ('classification'), not 'autoencoder'"),
        (#"{\#(base), "model": {"forest": {}}, "output": {"model": "../x.json"}}"#,
         "output.model: '../x.json' must be a file name relative to the config's folder, without '..'"),
    ]

    @Test(arguments: refused.indices)
    func aForestSettingOutsideItsRangeIsRefusedNamingTheField(index: Int) throws {
        let (json, message) = Self.refused[index]
        let error = try TrainConfigLimitsTests.validationError(json)
        #expect(error?.hasPrefix(message) == true, "\(error ?? "no error")")
    }

    @Test func theForestSectionAndTheKeyListAgree() throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let section = try decoder.decode(TrainConfig.ForestSection.self, from: Data("{}".utf8))
        let labels = Set(Mirror(reflecting: section).children.compactMap { $0.label }.map { label in
            label.reduce(into: "") { out, c in out += c.isUppercase ? "_" + c.lowercased() : String(c) }
        })
        guard case .object(let top) = TrainConfig.keys, case .object(let model)? = top["model"],
              case .object(let forest)? = model["forest"] else { Issue.record("no model.forest in the key list"); return }
        #expect(labels == Set(forest.keys))
    }

    /// A small run writes model.json whose forest, lowered by the compiler,
    /// gives test_outputs.csv on test_inputs.csv; labels beyond 0/1 are refused.
    @Test func aForestRunWritesAModelThatReproducesItsTestVectors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("forest-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = #"""
        {"name": "tq", "task": "classification", "data": {"generator": "track_quality", "events": 600, "seed": 3},
         "input_type": "ap_fixed<16,8,AP_RND,AP_SAT>",
         "model": {"forest": {"trees": 5, "depth": 3, "leaf_type": "ap_fixed<16,3,AP_RND,AP_SAT>"}},
         "output": {"test_inputs": "in.csv", "test_outputs": "out.csv", "test_events": 40}}
        """#
        let path = dir.appendingPathComponent("train.json").path
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        var rounds: [Int] = []
        let result = try TrainingRun(config: TrainConfig.load(path: path), baseDirectory: dir.path)
            .runForest { phase, record, total in
                #expect(phase == "forest" && total == 5)
                rounds.append(record.epoch)
            }
        #expect(rounds == [0, 1, 2, 3, 4])
        #expect(result.writtenFiles == ["model.json", "losses.csv", "in.csv", "out.csv"])
        #expect(result.history.allSatisfy { $0.validationLoss != nil })
        let graph = try ModelDecoder.load(path: dir.appendingPathComponent("model.json").path)
        #expect(graph == result.graph)
        let inputs = try DataLoader.table(path: dir.appendingPathComponent("in.csv").path)
        let outputs = try DataLoader.table(path: dir.appendingPathComponent("out.csv").path)
        #expect(inputs.rows == 40 && outputs.columns == 1)
        #expect(FixedPointEvaluator(try Pipeline.lower(graph)).run(inputs) == outputs)

        let multi = json.replacingOccurrences(of: "track_quality", with: "jet_tagging").replacingOccurrences(of: "\"events\": 600", with: "\"events\": 20")
            .replacingOccurrences(of: "ap_fixed<16,8,AP_RND,AP_SAT>", with: "ap_fixed<16,6>")
        try Data(multi.utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: TrainingError.self) { try TrainingRun(config: TrainConfig.load(path: path), baseDirectory: dir.path).runForest() }
        do {
            _ = try TrainingRun(config: TrainConfig.load(path: path), baseDirectory: dir.path).runForest()
        } catch {
            #expect("\(error)".contains("model.forest: binary classification needs labels 0 and 1; event"), "\(error)")
        }
    }

    /// `input_type` per feature: the model gets an input per run of features
    /// sharing a type, and still reproduces its test vectors; an entry
    /// beyond the features is refused before any tree is grown.
    @Test func perFeatureInputTypesSplitTheInput() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("forest-types-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func config(_ types: String) -> String {
            #"{"name": "tq", "task": "classification", "data": {"generator": "track_quality", "events": 300}, "input_type": "\#(types)","#
                + #" "model": {"forest": {"trees": 2, "depth": 2}}, "output": {"test_inputs": "in.csv", "test_outputs": "out.csv", "test_events": 30}}"#
        }
        let path = dir.appendingPathComponent("train.json").path
        try Data(config("ap_ufixed<15,7,AP_RND,AP_SAT>; 3=ap_uint<3>; 4-5=ap_fixed<13,5,AP_RND,AP_SAT>").utf8).write(to: URL(fileURLWithPath: path))
        let result = try TrainingRun(config: TrainConfig.load(path: path), baseDirectory: dir.path).runForest()
        #expect(result.graph.inputs.map(\.name) == ["x_0_2", "x_3", "x_4_5", "x_6"])
        #expect(result.graph.inputs[1].type == .ufixed(3, 3))
        let inputs = try DataLoader.table(path: dir.appendingPathComponent("in.csv").path)
        let outputs = try DataLoader.table(path: dir.appendingPathComponent("out.csv").path)
        #expect(FixedPointEvaluator(try Pipeline.lower(ModelDecoder.load(path: dir.appendingPathComponent("model.json").path))).run(inputs) == outputs)

        try Data(config("ap_fixed<16,8>; 9=ap_uint<3>").utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: TrainingError.invalidSetting("input_type: feature 9 is beyond the model's 7 features (counted from 0)")) {
            try TrainingRun(config: TrainConfig.load(path: path), baseDirectory: dir.path).runForest()
        }
    }

    @Test func aValueBeyondFloat32IsRefusedNamingTheEvent() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("forest-big-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("1,0\n2,1\n3,1e39\n4,0\n".utf8).write(to: dir.appendingPathComponent("x.csv"))
        try Data("0\n1\n1\n0\n".utf8).write(to: dir.appendingPathComponent("y.csv"))
        let path = dir.appendingPathComponent("train.json").path
        try Data(#"{"name": "b", "task": "classification", "data": {"features": "x.csv", "labels": "y.csv"}, "model": {"forest": {"trees": 1}}}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        #expect(throws: TrainingError.invalidSetting("data: event 2, feature 1: 1e+39 is beyond float32's range, which a forest's splits use")) {
            try TrainingRun(config: TrainConfig.load(path: path), baseDirectory: dir.path).runForest()
        }
    }
}

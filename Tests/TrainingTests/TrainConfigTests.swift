import Foundation
import Testing
@testable import Training

struct TrainConfigTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")

    /// Writes `text` to a temporary train.json and loads it; the error message, or nil.
    static func loadError(_ text: String) throws -> String? {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("train-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try TrainConfig.load(path: url.path)
            return nil
        } catch {
            guard case .invalidSetting(let message) = error else { return "unexpected: \(error)" }
            return message.replacingOccurrences(of: url.path, with: "train.json")
        }
    }

    static let minimal = #""name": "m", "task": "classification", "data": {"generator": "jet_tagging"}, "layers": [{"dense": 5}]"#

    @Test(arguments: ["jet_tagger", "l1_autoencoder", "track_quality", "deep_sets_tagger", "cicada_autoencoder"])
    func shippedConfigsHaveOnlyKnownKeys(model: String) throws {
        let config = try TrainConfig.load(path: Self.examples.appendingPathComponent("\(model)/train.json").path)
        #expect(config.name == model)
    }

    @Test func aMisspeltKeyIsNamedWithTheNearestKnownOne() throws {
        let error = try Self.loadError(#"{\#(Self.minimal), "training": {"epochs": 3, "learning_rte": 0.1}}"#)
        #expect(error == "train.json: unknown key 'learning_rte' in 'training'; did you mean 'learning_rate'?")
    }

    @Test func anUnknownKeyInALayerNamesTheLayerIndex() throws {
        let error = try Self.loadError(#"{"name": "m", "task": "classification", "data": {"generator": "jet_tagging"}, "layers": [{"dense": 8}, {"activation": "relu"}, {"units": 5}]}"#)
        #expect(error?.hasPrefix("train.json: unknown key 'units' in 'layers[2]'; allowed: activation, alpha, avgpool1d, avgpool2d, batchnorm, concatenate, conv1d, conv2d, dense, depthwise_conv1d, depthwise_conv2d, dropout, flatten, maxpool1d, maxpool2d, reduce_max, reduce_mean, reduce_sum, reshape, scale, transpose") == true, "\(error ?? "no error")")
    }

    @Test func anUnknownKeyInAnOverrideNamesTheLayer() throws {
        let error = try Self.loadError(#"{\#(Self.minimal), "quantization": {"mode": "ptq", "overrides": {"fc1": {"wieght": "ap_fixed<8,2>"}}}}"#)
        #expect(error == "train.json: unknown key 'wieght' in 'quantization.overrides.fc1'; did you mean 'weight'?")
    }

    @Test func anUnknownTopLevelKeyIsRefused() throws {
        let error = try Self.loadError(#"{\#(Self.minimal), "epochs": 10}"#)
        #expect(error?.hasPrefix("train.json: unknown key 'epochs' at the top level") == true, "\(error ?? "no error")")
    }

    @Test func brokenJSONIsAnErrorNamingTheFile() throws {
        let error = try Self.loadError(#"{"name": "m", "task": }"#)
        #expect(error?.hasPrefix("train.json: not valid JSON") == true, "\(error ?? "no error")")
    }

    /// The key list and the Decodable structs describe the same file: every
    /// stored property of every section is an allowed key and nothing else is.
    @Test func keyListMatchesTheDecodableStructs() throws {
        func snake(_ label: String) -> String {
            label.reduce(into: "") { out, c in out += c.isUppercase ? "_" + c.lowercased() : String(c) }
        }
        func labels(_ value: Any) -> Set<String> {
            Set(Mirror(reflecting: value).children.compactMap { $0.label.map(snake) })
        }
        func fields(_ shape: ConfigKeys, _ path: [String]) -> Set<String> {
            var shape = shape
            for step in path {
                switch shape {
                case .object(let f): shape = f[step]!
                case .array(let e), .dictionary(let e): shape = e
                case .value: Issue.record("\(path) is not an object"); return []
                }
            }
            if case .array(let e) = shape { shape = e }
            if case .dictionary(let e) = shape { shape = e }
            guard case .object(let f) = shape else { return [] }
            return Set(f.keys)
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let empty = Data("{}".utf8)
        let config = try decoder.decode(TrainConfig.self, from: Data("{\(Self.minimal)}".utf8))
        #expect(labels(config) == fields(TrainConfig.keys, []))
        #expect(labels(config.data) == fields(TrainConfig.keys, ["data"]))
        #expect(labels(config.layers[0]) == fields(TrainConfig.keys, ["layers"]))
        #expect(labels(try decoder.decode(TrainConfig.TrainingSection.self, from: empty)) == fields(TrainConfig.keys, ["training"]))
        #expect(labels(try decoder.decode(TrainConfig.Schedule.self, from: Data(#"{"type": "step"}"#.utf8))) == fields(TrainConfig.keys, ["training", "schedule"]))
        #expect(labels(try decoder.decode(TrainConfig.QuantizationSection.self, from: empty)) == fields(TrainConfig.keys, ["quantization"]))
        #expect(labels(try decoder.decode(TrainConfig.TypeOverride.self, from: empty)) == fields(TrainConfig.keys, ["quantization", "overrides"]))
        #expect(labels(try decoder.decode(TrainConfig.OutputSection.self, from: empty)) == fields(TrainConfig.keys, ["output"]))
    }

    @Test func editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        #expect(TrainConfig.editDistance("learning_rte", "learning_rate") == 1)
        #expect(TrainConfig.editDistance("wieght", "weight") == 2)
        #expect(TrainConfig.editDistance("", "abc") == 3)
        #expect(TrainConfig.editDistance("kitten", "sitting") == 3)
        #expect(TrainConfig.nearest("zzzz", among: ["dense", "scale"]) == nil)
    }
}

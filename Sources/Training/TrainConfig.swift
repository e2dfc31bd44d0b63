import Foundation
import FixedPoint
import InputFiles

/// A training configuration (train.json), documented in docs/training.md.
/// Keys are snake_case; paths are relative to the config file.
public struct TrainConfig: Decodable, Sendable {
    public struct DataSection: Decodable, Sendable {
        /// A built-in generator (``Datasets/GeneratedData/names``).
        public var generator: String?
        public var events: Int?
        public var seed: UInt64?
        /// User data: features (CSV or .npy).
        public var features: String?
        /// Class labels (one column) for `features`.
        public var labels: String?
        /// Or: the column of `features` that holds the label (-1: last).
        public var labelColumn: Int?
    }

    public struct LayerEntry: Decodable, Sendable {
        public var dense: Int?
        public var batchnorm: Bool?
        public var dropout: Double?
        public var activation: String?
        public var alpha: Double?
        /// A list of factors, or `"l1_hardware"` for the L1 generator's.
        public var scale: ScaleValue?
        // Tensor layers (``TrainConfig/tensorSpec(_:at:)``).
        public var conv1d: ConvEntry?
        public var conv2d: ConvEntry?
        public var depthwiseConv1d: ConvEntry?
        public var depthwiseConv2d: ConvEntry?
        public var maxpool1d: PoolEntry?
        public var maxpool2d: PoolEntry?
        public var avgpool1d: PoolEntry?
        public var avgpool2d: PoolEntry?
        public var reduceSum: ReduceEntry?
        public var reduceMean: ReduceEntry?
        public var reduceMax: ReduceEntry?
        public var flatten: Bool?
        public var reshape: [Int]?
        public var transpose: [Int]?
        /// Parameter-free branches over the same input, joined on the last axis.
        public var concatenate: [LayerEntry]?

        /// The decoder's snake-case conversion capitalises a letter after a
        /// digit (`depthwise_conv2d` becomes `depthwiseConv2D`).
        enum CodingKeys: String, CodingKey {
            case dense, batchnorm, dropout, activation, alpha, scale, conv1d, conv2d
            case depthwiseConv1d = "depthwiseConv1D", depthwiseConv2d = "depthwiseConv2D"
            case maxpool1d, maxpool2d, avgpool1d, avgpool2d, reduceSum, reduceMean, reduceMax, flatten, reshape, transpose, concatenate
        }
    }

    public enum ScaleValue: Decodable, Sendable {
        case named(String)
        case factors([Double])
        public init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) { self = .named(s) } else { self = .factors(try c.decode([Double].self)) }
        }
    }

    public struct Schedule: Decodable, Sendable {
        public var type: String
        public var every: Int?
        public var factor: Double?
        public var minimum: Double?
    }

    public struct TrainingSection: Decodable, Sendable {
        public var epochs: Int?
        public var batchSize: Int?
        public var learningRate: Double?
        public var optimizer: String?
        public var momentum: Double?
        public var schedule: Schedule?
        public var loss: String?
        public var validationFraction: Double?
        public var patience: Int?
        public var seed: UInt64?
        public var l1: Double?
        public var l2: Double?
    }

    public struct TypeOverride: Decodable, Sendable {
        public var weight: String?
        public var bias: String?
        public var result: String?
        public var alpha: String?
    }

    public struct QuantizationSection: Decodable, Sendable {
        /// `none`, `ptq` or `qat`.
        public var mode: String?
        public var weightWidth: Int?
        public var biasWidth: Int?
        public var resultWidth: Int?
        public var scoreWidth: Int?
        public var margin: Double?
        public var calibrationEvents: Int?
        public var qatEpochs: Int?
        public var qatLearningRate: Double?
        public var overrides: [String: TypeOverride]?
    }

    public struct OutputSection: Decodable, Sendable {
        public var model: String?
        public var losses: String?
        public var testInputs: String?
        public var testOutputs: String?
        public var testEvents: Int?
    }

    /// A model other than a network: `{"forest": {...}}` (docs/training.md, "Forests").
    public struct ModelSection: Decodable, Sendable {
        public var forest: ForestSection?
    }

    /// Gradient-boosted trees (``BoostingOptions``): every key optional.
    public struct ForestSection: Decodable, Sendable {
        public var trees: Int?
        public var depth: Int?
        public var learningRate: Double?
        public var lambda: Double?
        public var minChildWeight: Double?
        public var minSplitGain: Double?
        public var bins: Int?
        public var subsample: Double?
        public var validationFraction: Double?
        public var seed: UInt64?
        /// The type of the leaves and the base score in model.json.
        public var leafType: String?
    }

    public var name: String
    /// `classification` (labels, softmax output) or `autoencoder`.
    public var task: String
    public var data: DataSection
    public var inputType: String?
    /// The shape of one event (channels last, C order), e.g. `[16, 3]`
    /// particles x features; default: a vector of the data's columns.
    public var inputShape: [Int]?
    /// The network's layers; empty (and absent from the file) for a forest.
    public var layers: [LayerEntry]
    public var training: TrainingSection?
    public var quantization: QuantizationSection?
    public var output: OutputSection?
    public var model: ModelSection?

    enum CodingKeys: String, CodingKey {
        case name, task, data, inputType, inputShape, layers, training, quantization, output, model
    }

    /// Decodes the file; `layers` is required unless `model` is given.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        task = try c.decode(String.self, forKey: .task)
        data = try c.decode(DataSection.self, forKey: .data)
        inputType = try c.decodeIfPresent(String.self, forKey: .inputType)
        inputShape = try c.decodeIfPresent([Int].self, forKey: .inputShape)
        training = try c.decodeIfPresent(TrainingSection.self, forKey: .training)
        quantization = try c.decodeIfPresent(QuantizationSection.self, forKey: .quantization)
        output = try c.decodeIfPresent(OutputSection.self, forKey: .output)
        model = try c.decodeIfPresent(ModelSection.self, forKey: .model)
        layers = model == nil ? try c.decode([LayerEntry].self, forKey: .layers)
            : try c.decodeIfPresent([LayerEntry].self, forKey: .layers) ?? []
    }

    /// Reads and decodes a config file.
    public static func load(path: String) throws(TrainingError) -> TrainConfig {
        let data: Data
        do { data = try InputFile.read(path) } catch { throw .invalidSetting("\(path): cannot read the config file: \(error)") }
        switch Result(catching: { try JSONSerialization.jsonObject(with: data) }) {
        case .failure(let error):
            throw .invalidSetting("\(path): not valid JSON: \((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? error)")
        case .success(let json):
            if let message = unknownKey(in: json) { throw .invalidSetting("\(path): \(message)") }
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(TrainConfig.self, from: data)
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw .invalidSetting("\(path): missing key '\(Self.path(ctx.codingPath + [key]))'")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw .invalidSetting("\(path): wrong type at '\(Self.path(ctx.codingPath))': \(ctx.debugDescription)")
        } catch let DecodingError.dataCorrupted(ctx) {
            throw .invalidSetting("\(path): \(ctx.debugDescription) at '\(Self.path(ctx.codingPath))'")
        } catch {
            throw .invalidSetting("\(path): \(error)")
        }
    }

    static func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    /// Parses a type field, naming it in the error.
    static func type(_ text: String?, field: String) throws(TrainingError) -> FixedType? {
        guard let text else { return nil }
        do { return try FixedType(parsing: text) } catch { throw .invalidSetting("\(field): \(error)") }
    }
}

import Foundation

/// The keys train.json may hold, by their place in the file. `Decodable`
/// skips keys it does not know, so a misspelt `"learning_rte": 0.1` would
/// silently train with the default rate; ``TrainConfig/load(path:)`` checks
/// the file against this description first and names the stray key.
indirect enum ConfigKeys: Sendable {
    /// A value whose type the decoder checks.
    case value
    /// An object with exactly these optional keys.
    case object([String: ConfigKeys])
    /// An array whose elements all have this shape.
    case array(ConfigKeys)
    /// An object with free keys (layer names) whose values have this shape.
    case dictionary(ConfigKeys)
}

extension TrainConfig {
    static let keys: ConfigKeys = .object([
        "name": .value, "task": .value, "input_type": .value, "input_shape": .value,
        "data": .object(["generator": .value, "events": .value, "seed": .value,
                         "features": .value, "labels": .value, "label_column": .value]),
        "layers": .array(.object(layerKeys.merging(["concatenate": .array(.object(layerKeys))]) { a, _ in a })),
        "training": .object(["epochs": .value, "batch_size": .value, "learning_rate": .value,
                             "optimizer": .value, "momentum": .value,
                             "schedule": .object(["type": .value, "every": .value, "factor": .value, "minimum": .value]),
                             "loss": .value, "validation_fraction": .value, "patience": .value,
                             "seed": .value, "l1": .value, "l2": .value]),
        "quantization": .object(["mode": .value, "weight_width": .value, "bias_width": .value,
                                 "result_width": .value, "score_width": .value, "margin": .value,
                                 "calibration_events": .value, "qat_epochs": .value, "qat_learning_rate": .value,
                                 "overrides": .dictionary(.object(["weight": .value, "bias": .value,
                                                                    "result": .value, "alpha": .value]))]),
        "output": .object(["model": .value, "losses": .value, "test_inputs": .value,
                           "test_outputs": .value, "test_events": .value]),
        "model": .object(["forest": .object(["trees": .value, "depth": .value, "learning_rate": .value,
                                             "lambda": .value, "min_child_weight": .value, "min_split_gain": .value,
                                             "bins": .value, "subsample": .value, "validation_fraction": .value,
                                             "seed": .value, "leaf_type": .value])]),
    ])

    /// The keys of one entry of `layers` (a branch of `concatenate` has the same, but no `concatenate`).
    static let layerKeys: [String: ConfigKeys] = {
        let conv: ConfigKeys = .object(["filters": .value, "kernel_size": .value, "strides": .value,
                                        "dilation_rate": .value, "padding": .value])
        let pool: ConfigKeys = .object(["pool_size": .value, "strides": .value, "padding": .value])
        let reduce: ConfigKeys = .object(["axes": .value])
        return ["dense": .value, "batchnorm": .value, "dropout": .value, "activation": .value, "alpha": .value, "scale": .value,
                "conv1d": conv, "conv2d": conv, "depthwise_conv1d": conv, "depthwise_conv2d": conv,
                "maxpool1d": pool, "maxpool2d": pool, "avgpool1d": pool, "avgpool2d": pool,
                "reduce_sum": reduce, "reduce_mean": reduce, "reduce_max": reduce, "flatten": .value, "reshape": .value, "transpose": .value]
    }()

    /// The first key of `json` (a parsed train.json) that ``keys`` does not
    /// allow, as a message naming its place and the nearest allowed key.
    static func unknownKey(in json: Any, shape: ConfigKeys = keys, at place: String = "") -> String? {
        switch shape {
        case .value:
            return nil
        case .array(let element):
            guard let items = json as? [Any] else { return nil }
            for (i, item) in items.enumerated() {
                if let found = unknownKey(in: item, shape: element, at: "\(place)[\(i)]") { return found }
            }
            return nil
        case .dictionary(let element):
            guard let object = json as? [String: Any] else { return nil }
            for key in object.keys.sorted() {
                if let found = unknownKey(in: object[key]!, shape: element, at: joined(place, key)) { return found }
            }
            return nil
        case .object(let fields):
            guard let object = json as? [String: Any] else { return nil }
            for key in object.keys.sorted() {
                guard let field = fields[key] else {
                    let within = place.isEmpty ? "at the top level" : "in '\(place)'"
                    let hint = nearest(key, among: fields.keys).map { "; did you mean '\($0)'?" }
                        ?? "; allowed: \(fields.keys.sorted().joined(separator: ", "))"
                    return "unknown key '\(key)' \(within)\(hint)"
                }
                if let found = unknownKey(in: object[key]!, shape: field, at: joined(place, key)) { return found }
            }
            return nil
        }
    }

    private static func joined(_ place: String, _ key: String) -> String {
        place.isEmpty ? key : "\(place).\(key)"
    }

    /// The allowed key within edit distance 2 of `key` (the closest), if any.
    static func nearest(_ key: String, among candidates: some Collection<String>) -> String? {
        let scored = candidates.map { ($0, editDistance(key, $0)) }.filter { $0.1 <= 2 }
        return scored.min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }?.0
    }

    /// Levenshtein distance between two short strings.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

import ModelIR

/// The tensor layers of train.json (docs/training.md, "Tensor layers"):
/// their entries, range checks and translation to ``LayerSpec``.
extension TrainConfig {
    /// One integer for every spatial axis, or one per axis.
    public enum IntList: Decodable, Sendable, Equatable {
        case one(Int)
        case list([Int])
        public init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let v = try? c.decode(Int.self) { self = .one(v) } else { self = .list(try c.decode([Int].self)) }
        }
        /// The values for `rank` spatial axes, nil when a list has another length.
        func values(rank: Int) -> [Int]? {
            switch self {
            case .one(let v): return Array(repeating: v, count: rank)
            case .list(let l): return l.count == rank ? l : nil
            }
        }
    }

    /// `"valid"`, `"same"` or `{"before": [...], "after": [...]}`.
    public enum PaddingValue: Decodable, Sendable, Equatable {
        case named(String)
        case explicit(before: [Int], after: [Int])
        struct Explicit: Decodable { var before: [Int]; var after: [Int] }
        public init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) {
                self = .named(s)
            } else {
                let e = try c.decode(Explicit.self)
                self = .explicit(before: e.before, after: e.after)
            }
        }
    }

    /// `conv1d`, `conv2d`, `depthwise_conv1d`, `depthwise_conv2d`.
    public struct ConvEntry: Decodable, Sendable {
        public var filters: Int?
        public var kernelSize: IntList
        public var strides: IntList?
        public var dilationRate: IntList?
        public var padding: PaddingValue?
    }

    /// `maxpool1d`, `maxpool2d`, `avgpool1d`, `avgpool2d`.
    public struct PoolEntry: Decodable, Sendable {
        public var poolSize: IntList?
        public var strides: IntList?
        public var padding: PaddingValue?
    }

    /// `reduce_sum`, `reduce_mean`, `reduce_max`: `axes` (default every axis but the last).
    public struct ReduceEntry: Decodable, Sendable {
        public var axes: [Int]?
    }

    /// The tensor kinds an entry holds, with their train.json keys.
    static func tensorKinds(_ layer: LayerEntry) -> [String] {
        let present: [(String, Bool)] = [
            ("conv1d", layer.conv1d != nil), ("conv2d", layer.conv2d != nil),
            ("depthwise_conv1d", layer.depthwiseConv1d != nil), ("depthwise_conv2d", layer.depthwiseConv2d != nil),
            ("maxpool1d", layer.maxpool1d != nil), ("maxpool2d", layer.maxpool2d != nil),
            ("avgpool1d", layer.avgpool1d != nil), ("avgpool2d", layer.avgpool2d != nil),
            ("reduce_sum", layer.reduceSum != nil), ("reduce_mean", layer.reduceMean != nil), ("reduce_max", layer.reduceMax != nil),
            ("flatten", layer.flatten != nil), ("reshape", layer.reshape != nil), ("transpose", layer.transpose != nil), ("concatenate", layer.concatenate != nil),
        ]
        return present.filter(\.1).map(\.0)
    }

    /// The translation of a tensor entry, checking every number's range and
    /// every list's length (shapes are checked when the network is built,
    /// against the input shape); nil when the entry is not a tensor layer.
    static func tensorSpec(_ layer: LayerEntry, at place: String) throws(TrainingError) -> LayerSpec? {
        func window(_ key: String, kernel: IntList?, kernelField: String, strides: IntList?, dilations: IntList?,
                    padding: PaddingValue?, rank: Int, poolDefault: Bool) throws(TrainingError) -> WindowSpec {
            let at = "\(place).\(key)"
            func list(_ v: IntList?, _ field: String) throws(TrainingError) -> [Int]? {
                guard let v else { return nil }
                guard let values = v.values(rank: rank) else {
                    throw .invalidSetting("\(at).\(field): give one number or a list of \(rank) (one per spatial axis)")
                }
                for (k, x) in values.enumerated() where !(1...4096).contains(x) {
                    throw .invalidSetting("\(at).\(field)\(values.count > 1 ? "[\(k)]" : ""): \(x) is outside the accepted range 1...4096")
                }
                return values
            }
            let k = try list(kernel, kernelField) ?? Array(repeating: 2, count: rank)
            var p = Padding.valid
            switch padding {
            case nil, .named("valid")?: p = .valid
            case .named("same")?: p = .same
            case .named(let other)?: throw .invalidSetting("\(at).padding: '\(other)' (valid, same, or {\"before\": [...], \"after\": [...]})")
            case .explicit(let before, let after)?:
                guard before.count == rank, after.count == rank, (before + after).allSatisfy({ $0 >= 0 }) else {
                    throw .invalidSetting("\(at).padding: before and after take \(rank) non-negative numbers each")
                }
                p = .explicit(before: before, after: after)
            }
            return WindowSpec(kernel: k, strides: try list(strides, "strides") ?? (poolDefault ? k : nil),
                              dilations: try list(dilations, "dilation_rate"), padding: p)
        }
        func conv(_ key: String, _ e: ConvEntry, rank: Int, depthwise: Bool) throws(TrainingError) -> LayerSpec {
            if depthwise, e.filters != nil {
                throw .invalidSetting("\(place).\(key).filters: a depthwise convolution has one filter per channel; leave filters out")
            }
            guard depthwise || e.filters != nil else { throw .invalidSetting("\(place).\(key).filters: missing (the number of output channels)") }
            try check(e.filters, "\(place).\(key).filters", 1...TrainLimits.maxUnits)
            return .conv(filters: e.filters ?? 0, window: try window(key, kernel: e.kernelSize, kernelField: "kernel_size", strides: e.strides,
                                                                    dilations: e.dilationRate, padding: e.padding, rank: rank, poolDefault: false),
                         depthwise: depthwise)
        }
        func pool(_ key: String, _ e: PoolEntry, _ kind: Pooling.Kind, rank: Int) throws(TrainingError) -> LayerSpec {
            .pool(kind, try window(key, kernel: e.poolSize, kernelField: "pool_size", strides: e.strides, dilations: nil,
                                   padding: e.padding, rank: rank, poolDefault: true))
        }
        if let e = layer.conv1d { return try conv("conv1d", e, rank: 1, depthwise: false) }
        if let e = layer.conv2d { return try conv("conv2d", e, rank: 2, depthwise: false) }
        if let e = layer.depthwiseConv1d { return try conv("depthwise_conv1d", e, rank: 1, depthwise: true) }
        if let e = layer.depthwiseConv2d { return try conv("depthwise_conv2d", e, rank: 2, depthwise: true) }
        if let e = layer.maxpool1d { return try pool("maxpool1d", e, .max, rank: 1) }
        if let e = layer.maxpool2d { return try pool("maxpool2d", e, .max, rank: 2) }
        if let e = layer.avgpool1d { return try pool("avgpool1d", e, .average, rank: 1) }
        if let e = layer.avgpool2d { return try pool("avgpool2d", e, .average, rank: 2) }
        for (key, entry, kind) in [("reduce_sum", layer.reduceSum, Reduction.Kind.sum), ("reduce_mean", layer.reduceMean, .mean),
                                   ("reduce_max", layer.reduceMax, .max)] {
            guard let entry else { continue }
            if let axes = entry.axes, axes.isEmpty || Set(axes).count != axes.count || axes.contains(where: { abs($0) > 8 }) {
                throw .invalidSetting("\(place).\(key).axes: \(axes) must be distinct axes of the input (negative counts from the end)")
            }
            return .reduce(kind, axes: entry.axes)
        }
        if let flatten = layer.flatten {
            guard flatten else { throw .invalidSetting("\(place).flatten: write true (or leave the layer out)") }
            return .flatten
        }
        if let shape = layer.reshape {
            guard !shape.isEmpty, shape.allSatisfy({ (1...TrainLimits.maxDataValues).contains($0) }) else {
                throw .invalidSetting("\(place).reshape: \(shape) must be a list of sizes from 1 to \(TrainLimits.maxDataValues)")
            }
            return .reshape(shape)
        }
        if let perm = layer.transpose {
            guard perm.sorted() == Array(0..<perm.count), !perm.isEmpty else {
                throw .invalidSetting("\(place).transpose: \(perm) is not a permutation of the axes 0..<\(perm.count)")
            }
            return .transpose(perm)
        }
        if let branches = layer.concatenate {
            guard branches.count >= 2 else { throw .invalidSetting("\(place).concatenate: give two or more branches") }
            var specs: [LayerSpec] = []
            for (k, branch) in branches.enumerated() {
                let at = "\(place).concatenate[\(k)]"
                try check(branch, at: at)
                guard let spec = try tensorSpec(branch, at: at), !NetworkBuilder.isConvolutionOrConcatenation(spec) else {
                    throw .invalidSetting("\(at): a branch is one parameter-free layer (reduce_sum, reduce_mean, reduce_max, maxpool, avgpool, flatten, reshape, transpose); "
                        + "training builds sequential networks, so branches with weights are not supported")
                }
                specs.append(spec)
            }
            return .concatenate(specs)
        }
        return nil
    }
}

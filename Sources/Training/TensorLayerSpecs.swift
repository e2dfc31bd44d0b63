import Datasets
import ModelIR
import Passes

/// The geometry of a convolution or pooling window, one value per spatial
/// axis (`strides` default: 1 for a convolution, the window for a pooling).
public struct WindowSpec: Sendable, Equatable {
    public var kernel: [Int]
    public var strides: [Int]?
    public var dilations: [Int]?
    public var padding: Padding

    public init(kernel: [Int], strides: [Int]? = nil, dilations: [Int]? = nil, padding: Padding = .valid) {
        self.kernel = kernel
        self.strides = strides
        self.dilations = dilations
        self.padding = padding
    }
}

extension LayerSpec {
    /// The train.json key of this layer (`conv2d`, `maxpool1d`, `reduce_sum`…), for error messages.
    var key: String {
        switch self {
        case .dense: return "dense"
        case .batchNorm: return "batchnorm"
        case .dropout: return "dropout"
        case .activation: return "activation"
        case .scale: return "scale"
        case .conv(_, let w, let depthwise): return (depthwise ? "depthwise_" : "") + "conv\(w.kernel.count)d"
        case .pool(let kind, let w): return (kind == .max ? "maxpool" : "avgpool") + "\(w.kernel.count)d"
        case .reduce(let kind, _): return "reduce_\(kind.rawValue)"
        case .flatten: return "flatten"
        case .reshape: return "reshape"
        case .transpose: return "transpose"
        case .concatenate: return "concatenate"
        }
    }

    /// Whether the layer exists only in the tensor vocabulary.
    var isTensorLayer: Bool {
        switch self {
        case .dense, .batchNorm, .dropout, .activation, .scale: return false
        default: return true
        }
    }
}

extension NetworkBuilder {
    /// Names a compiler ``ModelIR/ShapeError`` field as train.json spells it.
    static func configField(_ field: String) -> String {
        switch field {
        case "kernel", "pool_size": return "kernel_size"
        case "dilation": return "dilation_rate"
        default: return field
        }
    }

    /// Builds the tensor layer `spec` on `shape`; `place` is the entry
    /// (`layers[3]`), `next` names layers. Throws naming the entry and field.
    static func tensorLayer(_ spec: LayerSpec, shape: [Int], place: String, parameters: inout Int,
                            rng: inout SeededRandom, next: (String) -> String) throws(TrainingError) -> (any TrainableLayer, [Int]) {
        let at = "\(place).\(spec.key)"
        func shapeError(_ e: ShapeError) -> TrainingError {
            .invalidSetting("\(at).\(configField(e.field)): \(e.message)")
        }
        /// A layer the compiler would refuse to expand (``ExpandTensorOps/maxTerms``)
        /// is refused before its window tables are built.
        func checkExpansion(_ op: Op, kernel: [Int], strides: [Int], dilations: [Int], padding: Padding,
                            channels: Int) throws -> Void {
            let axes = try Shapes.windows(input: Array(shape.dropLast()), kernel: kernel, strides: strides,
                                          dilations: dilations, padding: padding)
            let output = axes.map(\.output) + [channels]
            let terms = ExpandTensorOps.expandedTerms(Node(name: "probe", op: op, inputs: ["x"]), inputs: [shape], output: output)
            guard terms <= ExpandTensorOps.maxTerms else {
                throw TrainingError.invalidSetting("\(at): expands to \(terms) terms in the compiled design (one per weight use at every "
                    + "output position); the compiler takes at most \(ExpandTensorOps.maxTerms)")
            }
        }
        do {
            switch spec {
            case .conv(let filters, let w, let depthwise):
                guard shape.count == w.kernel.count + 1 else {
                    throw ShapeError(field: "kernel_size", message: "a \(w.kernel.count)D convolution reads [spatial..., channels] (rank \(w.kernel.count + 1)); its input has shape \(Shapes.text(shape))")
                }
                let channels = shape.last!
                let strides = w.strides ?? w.kernel.map { _ in 1 }, dilations = w.dilations ?? w.kernel.map { _ in 1 }
                let probe = Convolution(kernel: w.kernel, strides: strides, dilations: dilations, padding: w.padding,
                                        inputChannels: channels, filters: depthwise ? channels : filters, depthwise: depthwise,
                                        weights: [], bias: [])
                try checkExpansion(.conv(probe), kernel: w.kernel, strides: strides, dilations: dilations, padding: w.padding,
                                   channels: depthwise ? channels : filters)
                let count = w.kernel.reduce(channels, *) * (depthwise ? 1 : filters) + (depthwise ? channels : filters)
                parameters += count
                guard parameters <= TrainLimits.maxParameters else {
                    throw TrainingError.invalidSetting("\(at): \(count) parameters bring the network to \(parameters); the limit is \(TrainLimits.maxParameters) parameters")
                }
                let conv = try ConvolutionLayer(name: next(depthwise ? "dwconv" : "conv"), inputShape: shape, kernel: w.kernel,
                                                strides: strides, dilations: dilations, padding: w.padding,
                                                filters: filters, depthwise: depthwise, rng: &rng)
                return (conv, conv.outputShape)
            case .pool(let kind, let w):
                guard shape.count == w.kernel.count + 1 else {
                    throw ShapeError(field: "pool_size", message: "a \(w.kernel.count)D pooling reads [spatial..., channels] (rank \(w.kernel.count + 1)); its input has shape \(Shapes.text(shape))")
                }
                let op = Op.pool(Pooling(kind: kind, size: w.kernel, strides: w.strides ?? w.kernel, padding: w.padding))
                try checkExpansion(op, kernel: w.kernel, strides: w.strides ?? w.kernel, dilations: w.kernel.map { _ in 1 },
                                   padding: w.padding, channels: shape.last!)
                let pool = try PoolingLayer(name: next(kind == .max ? "maxpool" : "avgpool"), op: op, inputShape: shape)
                return (pool, pool.outputShape)
            case .reduce(let kind, let axes):
                let rank = shape.count
                let chosen = axes.map { $0.map { $0 < 0 ? $0 + rank : $0 }.sorted() } ?? Array(0..<max(rank - 1, 1))
                guard !chosen.isEmpty, chosen.allSatisfy({ (0..<rank).contains($0) }), Set(chosen).count == chosen.count else {
                    throw ShapeError(field: "axes", message: "\(axes ?? []) must be distinct axes of the input shape \(Shapes.text(shape)) (negative counts from the end)")
                }
                let pool = try PoolingLayer(name: next(kind.rawValue), op: .reduce(Reduction(kind: kind, axes: chosen)), inputShape: shape)
                return (pool, pool.outputShape)
            case .flatten:
                let layer = ReshapeLayer(name: next("flatten"), flattening: shape)
                return (layer, layer.outputShape)
            case .reshape(let target):
                let layer = try ReshapeLayer(name: next("reshape"), inputShape: shape, shape: target)
                return (layer, layer.outputShape)
            case .transpose(let perm):
                let layer = try TransposeLayer(name: next("transpose"), inputShape: shape, perm: perm)
                return (layer, layer.outputShape)
            case .concatenate(let specs):
                guard specs.count >= 2 else { throw ShapeError(field: "", message: "needs two or more branches") }
                var branches: [any TrainableLayer] = [], shapes: [[Int]] = []
                for (k, branch) in specs.enumerated() {
                    guard branch.isTensorLayer, !isConvolutionOrConcatenation(branch) else {
                        throw TrainingError.invalidSetting("\(at)[\(k)]: a branch is one parameter-free layer (reduce_*, maxpool/avgpool, flatten, reshape, transpose); training builds sequential networks, so a branch with weights is not supported")
                    }
                    let (layer, s) = try tensorLayer(branch, shape: shape, place: "\(at)[\(k)]", parameters: &parameters, rng: &rng, next: next)
                    branches.append(layer)
                    shapes.append(s)
                }
                let layer = try ConcatenateLayer(name: next("concat"), branches: branches, branchShapes: shapes)
                return (layer, layer.outputShape)
            default:
                throw ShapeError(field: "", message: "not a tensor layer")
            }
        } catch let e as ShapeError {
            throw e.field.isEmpty ? .invalidSetting("\(at): \(e.message)") : shapeError(e)
        } catch let e as TrainingError {
            throw e
        } catch {
            throw .invalidSetting("\(at): \(error)")
        }
    }

    static func isConvolutionOrConcatenation(_ spec: LayerSpec) -> Bool {
        switch spec {
        case .conv, .concatenate: return true
        default: return false
        }
    }
}

import FixedPoint
import ModelIR

/// Parameters of one layer that did not fit their type when lowering
/// quantized them: AP_SAT clipped them, AP_WRAP wrapped them (a weight of
/// 40.0 in the default `ap_fixed<16,6>` becomes -24). Lowering stays pure
/// and returns these as values (``LoweringResult/overflows``); the CLI
/// prints them as warnings, or refuses the model with `--strict`.
public struct ParameterOverflow: Sendable, Equatable, CustomStringConvertible {
    /// The lowered op's name and the model layers it came from (a dense layer
    /// with a folded batchnorm carries the batchnorm's name).
    public var layer: String
    public var sourceLayers: [String]
    /// `weights`, `bias`, `scale` and `shift` (a batchnorm not folded into a
    /// dense layer), or `alpha` (a LeakyReLU slope).
    public var tensor: String
    public var type: FixedType
    /// How many values overflowed, of how many in the tensor.
    public var count: Int
    public var total: Int
    /// The offending value of largest magnitude, and what it became.
    public var largest: Double
    public var becomes: Double

    public init(layer: String, sourceLayers: [String], tensor: String, type: FixedType, count: Int, total: Int,
                largest: Double, becomes: Double) {
        self.layer = layer
        self.sourceLayers = sourceLayers
        self.tensor = tensor
        self.type = type
        self.count = count
        self.total = total
        self.largest = largest
        self.becomes = becomes
    }

    public var description: String {
        let from = sourceLayers.count > 1 ? " (from layers \(sourceLayers.joined(separator: ", ")))" : ""
        return "layer '\(layer)'\(from): \(detail)"
    }

    /// The description without the layer: what overflowed and how.
    public var detail: String {
        "\(count) of \(total) \(noun) do not fit \(type) and \(Self.effect(type.overflow)); "
            + "the largest, \(largest), becomes \(becomes)"
    }

    /// The tensor's values, as the message counts them.
    var noun: String {
        switch tensor {
        case "bias": return "bias values"
        case "scale": return "batchnorm scales (gamma / sqrt(variance + epsilon))"
        case "shift": return "batchnorm shifts (beta - mean * scale)"
        case "alpha": return "LeakyReLU slopes"
        default: return tensor
        }
    }

    static func effect(_ mode: OverflowMode) -> String {
        switch mode {
        case .wrap, .wrapSM: return "wrap around"
        case .sat, .satSym: return "saturate"
        case .satZero: return "become 0"
        }
    }
}

/// Quantizes the values of one parameter tensor with its type, counting
/// those that overflow it.
struct ParameterQuantizer {
    let layer: String
    let sourceLayers: [String]
    let tensor: String
    let type: FixedType
    var count = 0
    var total = 0
    var largest = 0.0

    init(_ node: Node, tensor: String, type: FixedType) {
        layer = node.name
        sourceLayers = node.sourceLayers
        self.tensor = tensor
        self.type = type
    }

    mutating func quantize(_ value: Double) -> Int64 {
        total += 1
        if type.overflows(value) {
            count += 1
            if count == 1 || abs(value) > abs(largest) { largest = value }
        }
        return type.quantize(value)
    }

    /// The tensor's overflows, nil when every value fitted.
    var overflow: ParameterOverflow? {
        guard count > 0 else { return nil }
        return ParameterOverflow(layer: layer, sourceLayers: sourceLayers, tensor: tensor, type: type, count: count,
                                 total: total, largest: largest, becomes: type.value(ofRaw: type.quantize(largest)))
    }
}

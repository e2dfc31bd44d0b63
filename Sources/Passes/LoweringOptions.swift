import FixedPoint
import ModelIR

/// Settings of the lowering pipeline that do not come from model.json.
public struct LoweringOptions: Sendable {
    /// The fallback precision for models whose `defaults.precision` is not set
    /// (`hepml-compile --precision`). `nil`: ``PrecisionDefaults/builtIn``.
    public var defaultPrecision: FixedType?
    /// Run ``Verify`` after every pass (always after the last one).
    public var verifyEachPass: Bool

    public init(defaultPrecision: FixedType? = nil, verifyEachPass: Bool = true) {
        self.defaultPrecision = defaultPrecision
        self.verifyEachPass = verifyEachPass
    }
}

/// Why a graph could not be lowered, located by layer and field.
public struct LoweringError: Error, Equatable, Sendable, CustomStringConvertible {
    public var layer: String?
    public var field: String?
    public var message: String

    public init(layer: String? = nil, field: String? = nil, message: String) {
        self.layer = layer
        self.field = field
        self.message = message
    }

    public var description: String {
        var s = ""
        if let layer { s += "layer '\(layer)': " }
        if let field { s += "field '\(field)': " }
        return s + message
    }
}

/// What the pipeline did, pass by pass, for the CLI and reports.
public struct LoweringResult: Sendable {
    public var model: LoweredModel
    /// One line per notable change, prefixed with the pass name.
    public var log: [String]
    /// Parameters (weights, biases, batchnorm scale and shift, LeakyReLU
    /// slopes) that overflowed their types when quantized, per layer and
    /// tensor: warnings for the CLI, errors under `--strict`.
    public var overflows: [ParameterOverflow] = []
}

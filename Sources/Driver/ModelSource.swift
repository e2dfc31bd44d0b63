import Foundation
import NetlistLowering

/// The model a command reads, and how (the options every such command shares).
public struct ModelSource: Sendable {
    /// model.json (format v1) or a QONNX `.onnx` file.
    public var path: String
    /// For a `.onnx` model: the type of inputs that no Quant node quantizes.
    public var inputType: String?
    /// Fallback precision of models whose model.json sets no defaults.
    public var precision: String = ModelSource.defaultPrecision
    /// Refuse parameters that do not fit their types instead of warning.
    public var strict = false
    /// Per convolution layer, its reuse factor (`--reuse layer=N`), over
    /// the model's own `reuse` fields.
    public var layerReuse: [String: Int] = [:]
    /// How threshold ops count (`--threshold-form`): the comparator bank,
    /// the multiply-add-shift where one is proven equal, or the cheaper.
    public var thresholdForm = ThresholdForm.auto

    public static let defaultPrecision = "ap_fixed<16,6>"

    public init(path: String, inputType: String? = nil, precision: String = ModelSource.defaultPrecision, strict: Bool = false) {
        self.path = path
        self.inputType = inputType
        self.precision = precision
        self.strict = strict
    }

    /// Loads and lowers the model; parameters that overflowed their types
    /// are warnings, or an error when ``strict``.
    public func load(console: Console) throws(DriverError) -> LoadedModel {
        var loaded = try CompilerDriver.load(modelPath: path, precision: precision, inputType: inputType, layerReuse: layerReuse)
        loaded = try CompilerDriver.applyThresholdForm(thresholdForm, to: loaded)
        if strict { try CompilerDriver.refuseParameterOverflows(loaded) }
        let file = (path as NSString).lastPathComponent
        for warning in try CompilerDriver.floatSumWarnings(loaded.graph, path: path, strict: strict) { console.warn(warning) }
        for overflow in loaded.lowering.overflows { console.warn("\(file): \(overflow)") }
        return loaded
    }
}


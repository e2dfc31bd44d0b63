/// A defect in a model file, located by file, layer and field.
public struct ModelFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    /// The layer's name, or `layers[i]` when it has none, or nil for a
    /// model-level field.
    public var layer: String?
    /// The field path inside the layer or model, e.g. `weights[3][2]`.
    public var field: String?
    public var message: String

    public init(file: String, layer: String? = nil, field: String? = nil, message: String) {
        self.file = file
        self.layer = layer
        self.field = field
        self.message = message
    }

    public var description: String {
        var where_ = file
        if let layer { where_ += ": layer '\(layer)'" }
        if let field { where_ += ": field '\(field)'" }
        // A hostile file can put megabytes into a name that a message quotes.
        let text = "\(where_): \(message)"
        return text.count <= 2000 ? text : text.prefix(2000) + "…"
    }
}

/// Why an ONNX file cannot be imported (or a model exported), located by
/// file, node and field. Every case is the user's input: the CLI exits 2.
public struct QONNXError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    /// The ONNX node (`name (OpType)`), initializer or graph input concerned, if any.
    public var node: String?
    /// The attribute or input of that node, e.g. `scale` or `rounding_mode`.
    public var field: String?
    public var message: String

    public init(file: String, node: String? = nil, field: String? = nil, message: String) {
        self.file = file
        self.node = node
        self.field = field
        self.message = message
    }

    public var description: String {
        var where_ = file
        if let node { where_ += node.hasPrefix("'") ? ": node \(node)" : ": \(node)" }
        if let field { where_ += ": \(field)" }
        // A hostile file can put megabytes into a name that a message quotes.
        let text = "\(where_): \(message)"
        return text.count <= 2000 ? text : text.prefix(2000) + "…"
    }
}

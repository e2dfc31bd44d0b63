/// A file an emitter produced: a path relative to the output folder and its
/// contents. Emitters return these; only the writer touches the disk.
public struct GeneratedFile: Sendable, Equatable {
    public var path: String
    public var contents: String

    public init(path: String, contents: String) {
        self.path = path
        self.contents = contents
    }
}

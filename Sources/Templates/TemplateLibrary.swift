import Foundation
import Mustache

/// The project's `templates/` folder: real C++, Verilog and HTML files with
/// Mustache holes. Emitters hand a template a context of plain values; all
/// decisions stay in Swift.
public struct TemplateLibrary: Sendable {
    /// The `templates/` directory.
    public let root: String

    public init(root: String) { self.root = root }

    /// Finds `templates/`: `$HEPML_TEMPLATES`; else beside or above the running
    /// executable (an installed or `swift build` binary inside the checkout);
    /// else the checkout this source file was compiled from.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws(TemplateError) -> TemplateLibrary {
        if let dir = environment["HEPML_TEMPLATES"] {
            guard isTemplateRoot(dir) else { throw .notFound("HEPML_TEMPLATES=\(dir) does not contain templates/README.md") }
            return TemplateLibrary(root: dir)
        }
        var candidates: [URL] = []
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<8 {
            candidates.append(dir.appendingPathComponent("templates"))
            candidates.append(dir.appendingPathComponent("share/hepml-compile/templates"))
            dir = dir.deletingLastPathComponent()
        }
        // Sources/Templates/TemplateLibrary.swift -> the checkout root.
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(source.appendingPathComponent("templates"))
        for c in candidates where isTemplateRoot(c.path) { return TemplateLibrary(root: c.path) }
        throw .notFound("no templates/ folder found beside the executable or in the source checkout; set HEPML_TEMPLATES")
    }

    static func isTemplateRoot(_ dir: String) -> Bool {
        FileManager.default.fileExists(atPath: dir + "/README.md")
    }

    /// The raw text of a template file, e.g. `hls/nnet_dense.h`.
    public func text(_ path: String) throws(TemplateError) -> String {
        guard let data = FileManager.default.contents(atPath: root + "/" + path),
              let text = String(data: data, encoding: .utf8) else {
            throw .notFound("template \(root)/\(path) is missing")
        }
        return text
    }

    /// Renders a template with `context` (dictionaries, arrays, strings,
    /// numbers, booleans). Values are inserted as they are (no HTML escaping)
    /// unless `html` is true.
    public func render(_ path: String, _ context: [String: Any], html: Bool = false) throws(TemplateError) -> String {
        let source = try text(path)
        do {
            let template = try MustacheTemplate(string: (html ? "{{% CONTENT_TYPE:HTML}}" : "{{% CONTENT_TYPE:TEXT}}") + source)
            return template.render(context)
        } catch {
            throw .syntax("\(path): \(error)")
        }
    }
}

/// A missing or malformed template.
public enum TemplateError: Error, Sendable, CustomStringConvertible {
    case notFound(String)
    case syntax(String)

    public var description: String {
        switch self {
        case .notFound(let s): return s
        case .syntax(let s): return "template syntax error in \(s)"
        }
    }
}

import Foundation
import FileSafety
import Mustache

/// The project's `templates/` folder: real C++, Verilog and HTML files with
/// Mustache holes. Emitters hand a template a context of plain values; all
/// decisions stay in Swift.
public struct TemplateLibrary: Sendable {
    /// The `templates/` directory.
    public let root: String

    public init(root: String) { self.root = root }

    /// Finds `templates/`, looking only where the installed or built
    /// executable's own files are, never in the working folder:
    ///
    /// 1. `$HEPML_TEMPLATES`, if set;
    /// 2. `<prefix>/share/hepml-compile/templates` for an executable installed
    ///    as `<prefix>/bin/hepml-compile` (`scripts/install.sh`);
    /// 3. `<checkout>/templates` for an executable built inside a checkout
    ///    (`<checkout>/.build/.../hepml-compile`);
    /// 4. the checkout this source file was compiled from.
    ///
    /// The executable is found through `/proc/self/exe` (the kernel's word),
    /// not through `argv[0]`, which a command found on `PATH` leaves relative.
    /// The folder found must belong to the user or root and not be writable
    /// by others (``Trust``): templates are compiled and run.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws(TemplateError) -> TemplateLibrary {
        if let dir = environment["HEPML_TEMPLATES"] {
            guard dir.hasPrefix("/") else { throw .notFound("HEPML_TEMPLATES=\(dir) must be an absolute path") }
            guard isTemplateRoot(dir) else { throw .notFound("HEPML_TEMPLATES=\(dir) does not contain templates/README.md") }
            return try trusted(dir)
        }
        let candidates = installedCandidates(executable: executablePath()) + [sourceCheckoutTemplates]
        for c in candidates where isTemplateRoot(c) { return try trusted(c) }
        throw .notFound("no templates/ folder found beside the installed executable (\(executablePath() ?? "unknown")) "
                        + "or in the source checkout; install with scripts/install.sh or set HEPML_TEMPLATES")
    }

    /// The running executable's absolute, symlink-free path.
    static func executablePath() -> String? {
        #if os(Linux)
        return (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")).flatMap { $0.hasPrefix("/") ? $0 : nil }
        #else
        return Bundle.main.executableURL?.resolvingSymlinksInPath().path
        #endif
    }

    /// Where the templates sit relative to an installed or built executable.
    static func installedCandidates(executable: String?) -> [String] {
        guard let executable, executable.hasPrefix("/") else { return [] }
        let bin = (executable as NSString).deletingLastPathComponent
        var candidates = [((bin as NSString).deletingLastPathComponent as NSString).appendingPathComponent("share/hepml-compile/templates")]
        // <checkout>/.build/<triple>/<configuration>/hepml-compile (or .build-NAME).
        let parts = executable.split(separator: "/", omittingEmptySubsequences: true)
        if let build = parts.lastIndex(where: { $0 == ".build" || $0.hasPrefix(".build-") || $0.hasPrefix(".build_") }) {
            candidates.append("/" + parts[..<build].joined(separator: "/") + "/templates")
        }
        return candidates
    }

    /// `templates/` in the checkout this file was compiled from.
    static let sourceCheckoutTemplates = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("templates").path

    static func trusted(_ dir: String) throws(TemplateError) -> TemplateLibrary {
        do {
            try Trust.requireTree(dir, purpose: "templates become code that is compiled and run")
        } catch {
            throw .untrusted(error.description)
        }
        return TemplateLibrary(root: dir)
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

    /// Renders a template with a typed context: the struct's stored
    /// properties are the template's holes (sections read arrays, optionals
    /// and nested structs of the same kind), so that an emitter cannot leave
    /// a hole out without a compile error.
    public func render(_ path: String, _ context: some TemplateContext, html: Bool = false) throws(TemplateError) -> String {
        try render(path, context as Any, html: html)
    }

    /// Renders a template with `context` (dictionaries, arrays, strings,
    /// numbers, booleans). Values are inserted as they are (no HTML escaping)
    /// unless `html` is true.
    public func render(_ path: String, _ context: [String: Any], html: Bool = false) throws(TemplateError) -> String {
        try render(path, context as Any, html: html)
    }

    func render(_ path: String, _ context: Any, html: Bool) throws(TemplateError) -> String {
        let source = try text(path)
        do {
            let template = try MustacheTemplate(string: (html ? "{{% CONTENT_TYPE:HTML}}" : "{{% CONTENT_TYPE:TEXT}}") + source)
            return template.render(context)
        } catch {
            throw .syntax("\(path): \(error)")
        }
    }
}

/// A template's holes as a value: a struct whose stored properties are
/// named like the holes (Mustache finds them by reflection). Strings,
/// numbers, booleans, arrays, optionals and nested structs only.
public protocol TemplateContext: Sendable {}

/// A missing or malformed template.
public enum TemplateError: Error, Sendable, CustomStringConvertible {
    case notFound(String)
    case syntax(String)
    /// The templates found could have been written by another user.
    case untrusted(String)

    public var description: String {
        switch self {
        case .notFound(let s): return s
        case .syntax(let s): return "template syntax error in \(s)"
        case .untrusted(let s): return "templates not trusted: \(s)"
        }
    }
}

import Foundation
import HLSBackend
import ModelIR
import VerilogBackend

/// `design.json`: what `simulate DIR` and `csim DIR` need to know about a
/// compiled folder beyond its sources and `lowered.txt`: the RTL's top module,
/// latency and files in compile order, the HLS project's top function and
/// firmware files, and the settings they were compiled with. The compiler
/// writes it beside the design, so it is listed in `hepml-manifest.json`.
///
/// `lowered` is relative to the folder, the backends' files to their own
/// folder (``rtlFolder``, ``hlsFolder``). The model's ports are repeated so that
/// a `lowered.txt` that no longer matches the design is noticed before it
/// is simulated.
public struct DesignDescriptor: Codable, Sendable, Equatable {
    /// The descriptor's file name inside the folder.
    public static let fileName = "design.json"
    /// The format this compiler writes; a newer one is refused. Format 1
    /// (before the backends' records were stored as they are) named the
    /// files with their `rtl/` or `hls/` folder; it is still read.
    public static let currentFormat = 2

    public var formatVersion: Int
    /// The model's name (as in `lowered.txt`).
    public var model: String
    /// The lowered IR, the reference the simulations compare with.
    public var lowered: String
    /// One entry per model input and output tensor, in port order.
    public var inputs: [Port]
    public var outputs: [Port]
    /// The Verilog backend's record, stored as it returned it (paths
    /// relative to ``rtlFolder``); nil when compiled with `--target hls`.
    public var rtl: RTLRecord?
    /// The HLS backend's record (paths relative to ``hlsFolder``); nil when
    /// compiled with `--target verilog`.
    public var hls: HLSRecord?

    /// The folders of the two designs inside the compiled folder.
    public static let rtlFolder = "rtl"
    public static let hlsFolder = "hls"

    /// A model input or output: its tensor, element count and fixed-point type.
    public struct Port: Codable, Sendable, Equatable {
        public var name: String
        public var size: Int
        public var type: String
    }

    public init(model: LoweredModel, rtl: RTLRecord?, hls: HLSRecord?) {
        formatVersion = Self.currentFormat
        self.model = model.name
        lowered = "lowered.txt"
        (inputs, outputs) = Self.ports(of: model)
        self.rtl = rtl
        self.hls = hls
    }

    /// The input and output ports of a lowered model, as the descriptor lists them.
    public static func ports(of model: LoweredModel) -> (inputs: [Port], outputs: [Port]) {
        func port(_ id: TensorID) -> Port { Port(name: model[id].name, size: model[id].size, type: model[id].type.description) }
        return (model.inputs.map(port), model.outputs.map(port))
    }

    /// The file's text: sorted keys in snake case, two-space indent; the same
    /// descriptor gives the same bytes.
    public var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // Encoding plain Codable values cannot fail.
        let data = (try? encoder.encode(self)) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Reads a descriptor; the message says what is wrong.
    public static func parse(_ data: Data) throws(DescriptorError) -> DesignDescriptor {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        struct Version: Decodable { var formatVersion: Int }
        guard let version = try? decoder.decode(Version.self, from: data) else {
            throw DescriptorError(message: "it is not a design descriptor (no format_version)")
        }
        guard version.formatVersion <= currentFormat else {
            throw DescriptorError(message: "format_version \(version.formatVersion) is newer than this hepml-compile reads (\(currentFormat))")
        }
        var descriptor: DesignDescriptor
        do { descriptor = try decoder.decode(DesignDescriptor.self, from: data) } catch {
            throw DescriptorError(message: explain(error))
        }
        if version.formatVersion < 2 { try descriptor.dropFolderPrefixes() }
        return descriptor
    }

    /// Format 1's paths (`rtl/top.v`) as format 2 has them (`top.v`); a path
    /// outside its folder is refused.
    mutating func dropFolderPrefixes() throws(DescriptorError) {
        func inside(_ folder: String, _ paths: [String], _ field: String) throws(DescriptorError) -> [String] {
            var result: [String] = []
            for p in paths {
                guard p.hasPrefix(folder + "/") else {
                    throw DescriptorError(message: "\(field): '\(p.prefix(200))' is not a path inside the folder's \(folder)/")
                }
                result.append(String(p.dropFirst(folder.count + 1)))
            }
            return result
        }
        if var r = rtl {
            r.verilogFiles = try inside(Self.rtlFolder, r.verilogFiles, ".rtl.verilog_files")
            r.helperModules = try inside(Self.rtlFolder, r.helperModules, ".rtl.helper_modules")
            r.simulationModels = try inside(Self.rtlFolder, r.simulationModels, ".rtl.simulation_models")
            r.testbench = try inside(Self.rtlFolder, [r.testbench], ".rtl.testbench")[0]
            rtl = r
        }
        if var h = hls {
            h.firmware = try inside(Self.hlsFolder, h.firmware, ".hls.firmware")
            hls = h
        }
        formatVersion = Self.currentFormat
    }

    /// A decoding failure in a sentence: the key and what was wrong with it.
    static func explain(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}

/// Why a `design.json` could not be read.
public struct DescriptorError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

import Foundation
import ModelIR

/// `design.json`: what `simulate DIR` and `csim DIR` need to know about a
/// compiled folder beyond its sources and `lowered.txt`: the RTL's top module,
/// latency and files in compile order, the HLS project's top function and
/// firmware files, and the settings they were compiled with. The compiler
/// writes it beside the design, so it is listed in `hepml-manifest.json`.
///
/// Paths are relative to the folder. The model's ports are repeated so that
/// a `lowered.txt` that no longer matches the design is noticed before it
/// is simulated.
public struct DesignDescriptor: Codable, Sendable, Equatable {
    /// The descriptor's file name inside the folder.
    public static let fileName = "design.json"
    /// The format this compiler writes; a newer one is refused.
    public static let currentFormat = 1

    public var formatVersion: Int
    /// The model's name (as in `lowered.txt`).
    public var model: String
    /// The lowered IR, the reference the simulations compare with.
    public var lowered: String
    /// One entry per model input and output tensor, in port order.
    public var inputs: [Port]
    public var outputs: [Port]
    /// The Verilog design; nil when compiled with `--target hls`.
    public var rtl: RTL?
    /// The HLS project; nil when compiled with `--target verilog`.
    public var hls: HLS?

    /// A model input or output: its tensor, element count and fixed-point type.
    public struct Port: Codable, Sendable, Equatable {
        public var name: String
        public var size: Int
        public var type: String
    }

    public struct RTL: Codable, Sendable, Equatable {
        public var topModule: String
        /// Clock cycles from `in_valid` to the matching `out_valid`.
        public var latencyCycles: Int
        public var clockNs: Double
        /// The FPGA family whose delays pipelined it (`--family`).
        public var family: String
        /// Picoseconds of logic per pipeline stage.
        public var stageBudgetPs: Int
        /// The softmax's products on DSP blocks (`--softmax-dsp`).
        public var dspMultipliers: Bool
        /// Where ternary adders were built (`--ternary-adders`: all, latency
        /// or off); absent in folders written before it was recorded.
        public var ternaryAdders: String?
        /// The Verilog files in a valid compile order (helper modules, ops,
        /// then the top): what synthesis reads.
        public var verilogFiles: [String]
        /// Simulation models of the vendor primitives the Verilog
        /// instantiates, for Verilator only (absent: none).
        public var simulationModels: [String]?
        /// The Verilator C++ testbench.
        public var testbench: String
        /// Cycles between accepted events when above 1 (a time-multiplexed
        /// convolution; docs/verilog-backend.md); absent: 1.
        public var initiationInterval: Int? = nil
    }

    public struct HLS: Codable, Sendable, Equatable {
        /// The top function, also the stem of `firmware/<name>.cpp`.
        public var topFunction: String
        public var reuseFactor: Int
        public var clockNs: Double
        /// Every file a C simulation compiles: `hls/firmware/...`.
        public var firmware: [String]
    }

    public init(model: LoweredModel, rtl: RTL?, hls: HLS?) {
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
        do { return try decoder.decode(DesignDescriptor.self, from: data) } catch {
            throw DescriptorError(message: explain(error))
        }
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

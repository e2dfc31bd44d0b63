/// Settings of the generated Vitis HLS project that do not come from the model.
public struct HLSOptions: Sendable, Equatable {
    /// 1: every multiplication has its own multiplier (latency strategy).
    /// Larger: each multiplier serves `reuseFactor` products (resource strategy)
    /// and the top function accepts a new event every `reuseFactor` cycles.
    public var reuseFactor: Int
    /// The target clock period in ns (`create_clock` in build_prj.tcl).
    public var clockNs: Double
    /// The FPGA part (`set_part` in build_prj.tcl).
    public var part: String

    public init(reuseFactor: Int = 1, clockNs: Double = 5.0, part: String = "xcvu13p-flga2577-2-e") {
        self.reuseFactor = reuseFactor
        self.clockNs = clockNs
        self.part = part
    }

    /// `latency` or `resource`, as the layer functions are named.
    public var strategy: String { reuseFactor <= 1 ? "latency" : "resource" }
}

/// Why a lowered model cannot be emitted as an HLS project.
public enum HLSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A layer has a form the layer library does not implement.
    case unsupported(layer: String, String)
    /// An option is out of range.
    case option(String)
    /// The test inputs do not fit the model or hold NaN or infinity.
    case testInputs(String)
    /// A template is missing or malformed.
    case template(String)

    public var description: String {
        switch self {
        case let .unsupported(layer, message): return "HLS backend: layer '\(layer)': \(message)"
        case let .option(message): return "HLS backend: \(message)"
        case let .testInputs(message): return "HLS backend: test inputs: \(message)"
        case let .template(message): return "HLS backend: \(message)"
        }
    }
}

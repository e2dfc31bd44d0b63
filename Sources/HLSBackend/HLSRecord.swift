import ModelIR

/// What the HLS backend made, in the words `design.json` stores as they are:
/// the top function, every option the project was emitted with, and the
/// firmware files a C simulation compiles (paths relative to the `hls/`
/// folder). `csim DIR` builds its run from it.
public struct HLSRecord: Codable, Sendable, Equatable {
    /// The top function, also the stem of `firmware/<name>.cpp`.
    public var topFunction: String
    public var reuseFactor: Int
    public var clockNs: Double
    /// The FPGA part of `build_prj.tcl`.
    public var part: String
    /// Every file a C simulation compiles: `firmware/...`, sorted.
    public var firmware: [String]

    /// The record of the project `files` that ``HLSEmitter/emit(_:options:testInputs:)`` emitted for `model`.
    public init(model: LoweredModel, options: HLSOptions, files: [GeneratedFile]) {
        topFunction = HLSEmitter.topFunction(model)
        reuseFactor = options.reuseFactor
        clockNs = options.clockNs
        part = options.part
        firmware = files.map(\.path).filter { $0.hasPrefix("firmware/") }.sorted()
    }

    /// The options that emit this project again from the same model.
    public var options: HLSOptions { HLSOptions(reuseFactor: reuseFactor, clockNs: clockNs, part: part) }

    enum CodingKeys: String, CodingKey { case topFunction, reuseFactor, clockNs, part, firmware }

    /// Reads a record; a folder written before the part was recorded used the default part.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        topFunction = try c.decode(String.self, forKey: .topFunction)
        reuseFactor = try c.decode(Int.self, forKey: .reuseFactor)
        clockNs = try c.decode(Double.self, forKey: .clockNs)
        part = try c.decodeIfPresent(String.self, forKey: .part) ?? HLSOptions().part
        firmware = try c.decode([String].self, forKey: .firmware)
    }
}

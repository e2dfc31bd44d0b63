/// What evaluating one point gave: its figures, or the error that stopped it.
/// The unit a child process or a Slurm task hands back (as JSON), and one
/// row of the results database.
public struct PointResult: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case done, failed }

    public var status: Status
    /// Why the point failed (the message the command would print).
    public var error: String?
    /// The exit code the failure maps to (2 bad settings, 3 missing tool, 4 tool failed, 128+N signal).
    public var exitCode: Int?

    // Resources.
    public var lut: Int?
    public var ff: Int?
    public var dsp: Int?
    public var bram: Double?
    /// `estimate` (the netlist estimate) or `yosys` (every op module synthesized).
    public var resourceMethod: String?

    // Latency.
    public var latencyCycles: Int?
    public var clockNs: Double?
    public var latencyNs: Double?

    // Fidelity of the fixed-point outputs against the float model.
    public var events: Int?
    public var maxError: Double?
    public var rmsError: Double?
    /// With labels: accuracy (class index of the largest output) of a tagger.
    public var accuracy: Double?
    public var floatAccuracy: Double?
    /// With labels: mean one-vs-rest AUC of a tagger, or the AUC of a one-output score.
    public var auc: Double?
    public var floatAUC: Double?
    /// With labels and one output: signal efficiency at the background acceptance.
    public var efficiency: Double?
    public var floatEfficiency: Double?
    /// Parameter tensors that do not fit their types at this point (they saturate or wrap).
    public var overflows: Int?

    /// Wall-clock seconds of the evaluation.
    public var seconds: Double = 0

    public init(status: Status) { self.status = status }

    /// A failed point.
    public static func failure(_ message: String, exitCode: Int, seconds: Double = 0) -> PointResult {
        var r = PointResult(status: .failed)
        r.error = message
        r.exitCode = exitCode
        r.seconds = seconds
        return r
    }
}

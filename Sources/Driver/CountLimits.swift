/// The ranges of the options that count something (events, threads, jobs,
/// cycles): a number typed by mistake (`--events 1000000000000`) is refused
/// naming the option and its range, never turned into an allocation of
/// terabytes or a million threads (docs/hardening.md, Limits).
public enum CountLimits {
    /// `physics --events` and `--signal-events`: the generated events are
    /// held in memory (16 values of the tagger's features an event).
    public static let events = 10_000_000
    /// `--threads` (predict, physics), `simulate --jobs` and `--verilator-threads`.
    public static let threads = 256
    /// `--reuse` (compile, csim): far above any layer's multiplier count.
    public static let reuse = 1_000_000
    /// `compile --latency-cycles` (0 … this).
    public static let latencyCycles = 100_000
    /// `--max-rtl-size` (compile, simulate, report), in terms.
    public static let rtlSize = 1_000_000_000

    /// Refuses `value` outside `1...limit`, naming the option.
    public static func check(_ value: Int, _ option: String, limit: Int) throws(DriverError) {
        guard value >= 1, value <= limit else {
            throw .option("\(option) must be from 1 to \(limit), got \(value)")
        }
    }

    /// The same check for the command line's own validation.
    public static func message(_ value: Int, _ option: String, limit: Int) -> String? {
        value >= 1 && value <= limit ? nil : "\(option) must be from 1 to \(limit), got \(value)"
    }
}

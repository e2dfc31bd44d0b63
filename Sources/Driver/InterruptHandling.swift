import FileSafety

/// The command line's share of ``Interrupts``: on SIGINT, SIGTERM or SIGHUP
/// the external tools are stopped and scratch folders removed before the
/// process exits with 128 + the signal number.
public enum InterruptHandling {
    /// Installs the handlers; the CLI calls this first.
    public static func install() { Interrupts.shared.install() }

    /// Waits, while an interrupt is being handled, for the handler to end
    /// the process, so that a tool it killed is not reported as a failure.
    public static func pauseIfStopping() { Interrupts.shared.pauseIfStopping() }
}

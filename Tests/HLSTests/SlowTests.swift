import Foundation
import Testing

extension Tag {
    /// Left out of the default run; `scripts/test.sh --all` runs it.
    @Tag static var slow: Self
}

extension Trait where Self == ConditionTrait {
    /// A test the default run leaves out: another Verilator or C-simulation
    /// build of a model kind the default run already checks bit-exactly, or
    /// the large version of a check the default run makes at a smaller size.
    /// Runs when `HEPML_SLOW_TESTS=1` (`scripts/test.sh --all`); the list
    /// and what the default run keeps are in docs/hardening.md, "The suite's time".
    static var slow: Self {
        .enabled(if: ProcessInfo.processInfo.environment["HEPML_SLOW_TESTS"] == "1", "slow: scripts/test.sh --all runs it")
    }
}

import NetlistIR
import Testing
@testable import VerilogBackend

/// The logic per pipeline stage comes from a Double; no clock may trap in
/// the conversion to Int or overflow the budget.
struct ClockClampTests {
    @Test(arguments: FPGAFamily.allCases)
    func anyClockGivesABudgetInRange(family: FPGAFamily) {
        let delay = DelayModel.of(family)
        #expect(delay.stageBudget(clockNs: 1e20) == DelayModel.maxBudget)
        #expect(delay.stageBudget(clockNs: .infinity) == DelayModel.maxBudget)
        #expect(delay.stageBudget(clockNs: .nan) == 1)
        #expect(delay.stageBudget(clockNs: -.infinity) == 1)
        #expect(delay.stageBudget(clockNs: 0) == 1)
        #expect(delay.stageBudget(clockNs: 1000) == 1_000_000 - Int((delay.clockNs(stageBudget: 0) * 1000).rounded()))
    }

    @Test func anExplicitBudgetIsClampedToo() {
        #expect(VerilogOptions(stageBudget: .max).effectiveStageBudget == DelayModel.maxBudget)
        #expect(VerilogOptions(stageBudget: .min).effectiveStageBudget == 1)
    }
}

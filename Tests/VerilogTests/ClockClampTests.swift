import Testing
@testable import VerilogBackend

/// The adders per pipeline stage come from a Double; no clock may trap in
/// the conversion to Int or overflow the depth budget.
struct ClockClampTests {
    @Test func anyClockGivesAnAdderCountInRange() {
        #expect(VerilogOptions.addersPerStage(clockNs: 1e20) == VerilogOptions.maxAddersPerStage)
        #expect(VerilogOptions.addersPerStage(clockNs: .infinity) == VerilogOptions.maxAddersPerStage)
        #expect(VerilogOptions.addersPerStage(clockNs: .nan) == 1)
        #expect(VerilogOptions.addersPerStage(clockNs: -.infinity) == 1)
        #expect(VerilogOptions.addersPerStage(clockNs: 0) == 1)
        #expect(VerilogOptions.addersPerStage(clockNs: 1000) == 799)
        #expect(VerilogOptions.addersPerStage(clockNs: 5) == 3)
    }

    @Test func anExplicitDepthIsClampedToo() {
        #expect(VerilogOptions(addersPerStage: .max).effectiveAddersPerStage == VerilogOptions.maxAddersPerStage)
        #expect(VerilogOptions(addersPerStage: .min).effectiveAddersPerStage == 1)
    }
}

import Testing
@testable import Reports

@Suite struct ProgressAndAgreementTests {
    @Test func progressStepsReportStartAndElapsedTime() throws {
        let lines = LineCollector()
        let p = ProgressReporter(interval: 60, write: { lines.add($0) })
        let v = p.step("adding") { 1 + 1 }
        #expect(v == 2)
        #expect(lines.all.count == 2)
        #expect(lines.all[0] == "[report] adding ...")
        #expect(lines.all[1].hasPrefix("[report] adding: done after ") && lines.all[1].hasSuffix(" s"))
        struct Boom: Error {}
        #expect(throws: Boom.self) { try p.step("failing") { throw Boom() } }
        #expect(lines.all.last!.contains("failing: failed after"))
        #expect(ProgressReporter.format(75) == "1 min 15 s")
    }

    @Test func agreementCountsOnlyTheSimulationsThatRan() {
        let none = ImplementationAgreement(referenceEvents: 10, simulation: SimulationResults())
        #expect(none.totalMismatches == nil)
        let one = ImplementationAgreement(referenceEvents: 10, simulation: SimulationResults(rtlEvents: 10, rtlMismatches: 3,
                                                                                             firstMismatch: "event 2, output 0"))
        #expect(one.totalMismatches == 3)
        #expect(one.comparisons.map(\.ran) == [false, true])
        #expect(HTMLReport.agreementStatement(one) == "3 mismatches between Verilator RTL and the Swift reference: the implementations disagree.")
        #expect(ReportFormat.mismatches(one.comparisons[0]) == "not run")
        #expect(ReportFormat.mismatches(one.comparisons[1]) == "3 mismatches in 10 events")
    }

    @Test func latencyPrefersTheMeasurementOverTheSchedule() {
        let l = LatencyReport(clockNs: 4, simulation: SimulationResults(latencyCycles: 7, scheduledLatencyCycles: 6))
        #expect(l.cycles == 7 && l.ns == 28)
        #expect(l.source == "measured in Verilator RTL simulation")
        let s = LatencyReport(clockNs: 4, simulation: SimulationResults(scheduledLatencyCycles: 6))
        #expect(s.cycles == 6 && s.source == "scheduled by the Verilog emitter")
        #expect(LatencyReport(clockNs: 4, simulation: SimulationResults()).cycles == nil)
    }

    @Test func integersGetThousandsSeparators() {
        #expect(ReportFormat.integer(1_728_000) == "1,728,000")
        #expect(ReportFormat.integer(-1234) == "-1,234")
        #expect(ReportFormat.integer(999) == "999")
        #expect(ReportFormat.percent(0.012345) == "1.23%")
        #expect(ReportFormat.percent(0) == "0%")
        #expect(ReportFormat.percent(2e-5) == "<0.01%")
    }
}

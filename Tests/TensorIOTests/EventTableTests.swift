import Testing
import TensorIO

/// The one check of events in memory against a model's inputs
/// (`EventTable.inputProblem(width:)`), shared by C and RTL simulation and
/// the HLS test vectors.
@Suite struct EventTableTests {
    @Test func finiteEventsOfTheRightWidthHaveNoProblem() {
        #expect(EventTable([[0, 1.5], [-2, 1e300]]).inputProblem(width: 2) == nil)
        #expect(EventTable(rows: 0, columns: 2, values: []).inputProblem(width: 2) == nil)
    }

    @Test func theWrongWidthIsNamedWithBothCounts() {
        #expect(EventTable([[0, 1, 2]]).inputProblem(width: 2) == "events have 3 columns, the model takes 2 inputs")
        // Width first: a table of the wrong width is not searched for NaN.
        #expect(EventTable([[.nan]]).inputProblem(width: 2) == "events have 1 columns, the model takes 2 inputs")
    }

    @Test func theFirstValueWithoutAFixedPointValueIsNamedWithItsEvent() {
        let events = EventTable([[0, 1], [2, 3], [.infinity, .nan]])
        #expect(events.inputProblem(width: 2) == "event 2 holds inf; only finite numbers have a fixed-point value")
        #expect(EventTable([[0, 1], [2, -.infinity]]).inputProblem(width: 2)
                == "event 1 holds -inf; only finite numbers have a fixed-point value")
        #expect(EventTable([[0, .nan]]).inputProblem(width: 2) == "event 0 holds nan; only finite numbers have a fixed-point value")
    }
}

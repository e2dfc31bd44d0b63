import Foundation
import ModelIR
import TensorIO
import Testing
@testable import Reports

/// A report read block by block equals one built from the whole table, and
/// keeps only the first events' outputs.
@Suite struct StreamedReportTests {
    /// Hands out `table` in blocks of `rows` events, as a file reader does.
    final class BlockReader: EventReader {
        let table: EventTable
        let rows: Int
        var position = 0
        init(_ table: EventTable, from start: Int, rows: Int) {
            self.table = table
            self.rows = rows
            position = start
        }
        var file: String { "blocks" }
        var columns: Int { table.columns }
        var totalRows: Int? { table.rows }
        func next() throws(TensorIOError) -> EventTable? {
            guard position < table.rows else { return nil }
            let end = min(table.rows, position + rows)
            defer { position = end }
            return EventTable(rows: end - position, columns: table.columns,
                              values: Array(table.values[(position * table.columns)..<(end * table.columns)]))
        }
    }

    static let graph = ModelReportTests.graph
    static let model = ModelReportTests.model
    static let ev = ModelReportTests.ev
    static let y = ModelReportTests.y

    static func head(_ n: Int) -> EventTable {
        EventTable(rows: n, columns: ev.columns, values: Array(ev.values.prefix(n * ev.columns)))
    }

    @Test(arguments: [1, 7, 64, 500])
    func blocksGiveTheSameReport(blockRows: Int) throws {
        let whole = ModelReportTests.report
        let input = ReportInput(graph: Self.graph, model: Self.model, events: Self.head(30), labels: Self.y,
                                clockNs: 4, simulation: ModelReportTests.simulated, resources: ModelReportTests.resources)
        let streamed = try ModelReport.build(input, continuing: BlockReader(Self.ev, from: 30, rows: blockRows))
        #expect(streamed == whole)
        #expect(streamed.events == Self.ev.rows)
    }

    /// Every event counts in the statistics; the kept ones alone feed the
    /// histograms, the scatter plots and the physics section.
    @Test func onlyTheFirstEventsOutputsAreKept() throws {
        var input = ReportInput(graph: Self.graph, model: Self.model, events: Self.head(0), labels: Self.y,
                                clockNs: 4, simulation: ModelReportTests.simulated)
        input.accuracy.keptEvents = 50
        let r = try ModelReport.build(input, continuing: BlockReader(Self.ev, from: 0, rows: 16))
        let whole = ModelReportTests.report
        #expect(r.events == Self.ev.rows)
        #expect(r.bitAccuracy.keptEvents == 50)
        #expect(r.bitAccuracy.layers == whole.bitAccuracy.layers)
        #expect(r.bitAccuracy.outputs.map(\.error) == whole.bitAccuracy.outputs.map(\.error))
        #expect(r.bitAccuracy.outputs.allSatisfy { $0.errorHistogram.total == 50 && $0.scatter.count == 50 })
        #expect(r.physics?.classifier?.events == 50)
    }

    @Test func aBadBlockIsAnError() {
        final class Failing: EventReader {
            var file: String { "bad.csv" }
            var columns: Int { 16 }
            var totalRows: Int? { nil }
            func next() throws(TensorIOError) -> EventTable? { throw TensorIOError(file: "bad.csv", line: 12, message: "not a number") }
        }
        let input = ReportInput(graph: Self.graph, model: Self.model, events: Self.head(10), clockNs: 4)
        #expect(throws: ReportError.self) { try ModelReport.build(input, continuing: Failing()) }
    }
}

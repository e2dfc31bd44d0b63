import FixedPoint
import Foundation
import Metrics
import ModelIR
import Reference
import TensorIO

/// What every point of a sweep shares: the model's graph as given, the
/// validation events and labels, and the float model's outputs on them.
public struct SweepInputs: Sendable {
    public var graph: Graph
    public var events: EventTable
    /// One class index per event (a one-hot table is reduced to its indices).
    public var labels: [Int]?
    /// The float model's outputs on ``events`` (row-major).
    public var floatOutputs: [Double]
    public var outputWidth: Int

    /// Reads the events (the first `maxEvents`) and the labels of `graph`
    /// (read by the command's one model loader), and evaluates the float
    /// model on every core.
    public static func load(graph: Graph, events: String, labels: String?, maxEvents: Int?,
                            threads: Int = Parallel.defaultThreads) throws(SweepError) -> SweepInputs {
        let width = graph.inputs.reduce(0) { $0 + $1.size }
        var table: EventTable
        do {
            table = events.lowercased().hasSuffix(".npy") ? try NPYTable.read(path: events, expectedColumns: width)
                : try CSVTable.read(path: events, expectedColumns: width)
        } catch { throw .input("\(error)") }
        if let maxEvents, table.rows > maxEvents {
            table = EventTable(rows: maxEvents, columns: width, values: Array(table.values.prefix(maxEvents * width)))
        }
        guard table.rows > 0 else { throw .input("\(events): no events") }
        let float = BatchFloatEvaluator(graph)
        let outWidth = float.outputWidth
        let outputs = float.run(table, threads: threads)
        var classes: [Int]?
        if let labels { classes = try readLabels(labels, rows: table.rows, outputs: outWidth) }
        return SweepInputs(graph: graph, events: table, labels: classes, floatOutputs: outputs, outputWidth: outWidth)
    }

    /// Labels: one column of class indices (0/k for background/signal k of
    /// a one-output score), or one-hot columns, one row per event.
    static func readLabels(_ path: String, rows: Int, outputs: Int) throws(SweepError) -> [Int] {
        let table: EventTable
        do { table = try CSVTable.read(path: path) } catch { throw .input("\(error)") }
        guard table.rows >= rows else {
            throw .input("\(path): \(table.rows) label rows for \(rows) events; give one label row per event")
        }
        if table.columns == 1 {
            var out: [Int] = []
            out.reserveCapacity(rows)
            for r in 0..<rows {
                let v = table.values[r]
                guard v == v.rounded(), v >= 0, v < 1e6, outputs == 1 || Int(v) < outputs else {
                    throw .input("\(path): row \(r + 1): label \(v) is not a class index" + (outputs > 1 ? " below \(outputs)" : ""))
                }
                out.append(Int(v))
            }
            return out
        }
        guard table.columns == outputs else {
            throw .input("\(path): \(table.columns) label columns; give one class index per row or \(outputs) one-hot columns")
        }
        return PhysicsMetrics.argmax(Array(table.values.prefix(rows * outputs)), columns: outputs)
    }
}


import Datasets
import FileSafety
import TensorIO

/// Seeded event files for the streaming benches (`--write-events`), made in
/// chunks on every core and written in blocks. Outside main.swift: top-level
/// code there is main-actor isolated, and the chunks run on other threads.
enum BenchEvents {
    /// tagger: 16 standard-normal features (the scale of the tagger's
    /// standardized inputs); l1: the L1 background mixture (57 values in
    /// hardware units, exact in float32).
    static func write(kind: String, count n: Int, path: String, float32: Bool) throws(FileSafetyError) {
        let columns = kind == "tagger" ? 16 : L1AnomalyGenerator.featureCount
        let format = EventEncoding.format(forPath: path, npyType: float32 ? .float32 : .float64)
        let chunk = L1AnomalyGenerator.chunkEvents, chunks = (n + chunk - 1) / chunk
        let writer = try EventWriter(path: path, format: format, columns: columns, expectedRows: n)
        for start in stride(from: 0, to: chunks, by: 16) {
            let parts = Parallel.map(min(16, chunks - start)) { i -> [UInt8] in
                let c = start + i, rows = min(chunk, n - c * chunk)
                let table: EventTable
                if kind == "l1" {
                    table = L1AnomalyGenerator(seed: 12).backgroundChunk(c, count: rows)
                } else {
                    var rng = SeededRandom(seed: 12).fork(UInt64(c))
                    table = EventTable(rows: rows, columns: columns, values: (0..<(rows * columns)).map { _ in rng.normal() })
                }
                return table.values.withUnsafeBufferPointer { EventEncoding.encode($0, columns: columns, as: format) }
            }
            for (i, bytes) in parts.enumerated() { try writer.write(bytes, rows: min(chunk, n - (start + i) * chunk)) }
        }
        try writer.finish()
    }
}

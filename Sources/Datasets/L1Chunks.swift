import TensorIO

/// Events generated in independent chunks, for studies of 10^7 events and
/// more: chunk `i` has its own random stream, derived from the seed and `i`
/// alone, so chunks can be made on any number of threads, in any order, and
/// the events never depend on the thread count.
extension L1AnomalyGenerator {
    /// Events per chunk of ``backgroundChunk(_:)`` and ``signalChunk(_:_:)``.
    public static let chunkEvents = 16_384

    /// Chunk `index` of an endless background stream: each event's process
    /// is drawn from ``L1Process/backgroundFractions``. (``backgroundMixture(count:)``
    /// instead takes exact counts and shuffles them: a different sample.)
    public func backgroundChunk(_ index: Int, count: Int = chunkEvents) -> EventTable {
        var rng = SeededRandom(seed: seed).fork(0xB0_0000_0000 &+ UInt64(index))
        let total = L1Process.backgroundFractions.reduce(0, +)
        var values: [Double] = []
        values.reserveCapacity(count * Self.featureCount)
        var accepted = 0
        while accepted < count {
            var u = rng.uniform() * total
            var process = L1Process.background.last!
            for (p, f) in zip(L1Process.background, L1Process.backgroundFractions) {
                if u < f { process = p; break }
                u -= f
            }
            // A rejected event is redrawn from the same process, so that the
            // fractions are those of the selected events, as in the data set.
            while true {
                if let row = Self.detector(rng.truthEvent(process), rng: &rng) {
                    values += row
                    break
                }
            }
            accepted += 1
        }
        return EventTable(rows: count, columns: Self.featureCount, values: values)
    }

    /// Chunk `index` of an endless stream of one process's events.
    public func signalChunk(_ process: L1Process, _ index: Int, count: Int = chunkEvents) -> EventTable {
        let p = UInt64(L1Process.allCases.firstIndex(of: process)! + 1)
        var rng = SeededRandom(seed: seed).fork((p << 40) &+ UInt64(index))
        var values: [Double] = []
        values.reserveCapacity(count * Self.featureCount)
        var accepted = 0
        while accepted < count {
            if let row = Self.detector(rng.truthEvent(process), rng: &rng) {
                values += row
                accepted += 1
            }
        }
        return EventTable(rows: count, columns: Self.featureCount, values: values)
    }
}

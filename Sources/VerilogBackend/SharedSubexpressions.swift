/// Common-subexpression sharing for a constant matrix-vector product, done
/// on the signed digits of the weights before any hardware is built.
///
/// Each output of a dense layer is a sum of digit terms `±(x_s << e)` (one
/// per canonical signed digit of each weight). Two terms of the same output
/// whose sources and distance also occur together in other outputs, say
/// `x3 - (x7 << 2)` at any common shift, are computed once as a new source
/// and every such pair becomes a single term. Greedy, most frequent pair
/// first (the approach of the "n-dimensional reduced adder graph" family of
/// multiple-constant-multiplication heuristics): every shared pair costs one
/// adder and saves one adder in each further output that uses it.
///
/// Pure integer rewriting: the value of every output is unchanged exactly,
/// which ``evaluate(_:pairs:inputs:)`` lets a test check on any inputs.
enum SubexpressionSharing {
    /// `±(source << exponent)`.
    struct Term: Hashable, Sendable {
        var source: Int
        var exponent: Int
        var negative: Bool
    }

    /// A new source: `first + (second << shift)`, or minus when `subtract`;
    /// `shift >= 0`, and `first < second` when `shift == 0`.
    struct Pair: Hashable, Comparable, Sendable {
        var first: Int
        var second: Int
        var shift: Int
        var subtract: Bool

        static func < (a: Pair, b: Pair) -> Bool {
            (a.first, a.second, a.shift, a.subtract ? 1 : 0) < (b.first, b.second, b.shift, b.subtract ? 1 : 0)
        }
    }

    struct Result: Sendable {
        /// The shared sources in creation order; pair `k` is source `sources + k`.
        var pairs: [Pair]
        /// Each output's terms after sharing.
        var rows: [[Term]]
    }

    /// Shares pairs while one occurs in at least two outputs. A shared
    /// source is at most `maxDepth` adders deep (pairs of pairs of pairs),
    /// so that sharing does not lengthen the pipeline: on the shipped
    /// tagger, depth 3 keeps every module's latency and reaches 99.9% of
    /// the unbounded saving, which costs fc3 an extra cycle. Skips the
    /// search (returns the rows unchanged) when the outputs hold more than
    /// `pairBudget` term pairs in all, which bounds time and memory on very
    /// wide layers.
    static func share(rows: [[Term]], sources: Int, maxDepth: Int = 3, pairBudget: Int = 8_000_000) -> Result {
        let totalPairs = rows.reduce(0) { $0 + $1.count * ($1.count - 1) / 2 }
        let exponents = rows.joined().map(\.exponent)
        guard totalPairs <= pairBudget, sources + totalPairs < sourceLimit,
              (exponents.min() ?? 0) > -exponentLimit, (exponents.max() ?? 0) - (exponents.min() ?? 0) < exponentLimit
        else { return Result(pairs: [], rows: rows) }

        // Terms of each output (nil once replaced), where each term sits, how
        // often each pair occurs in each output, and in how many outputs.
        // Pairs and terms are counted under packed 64-bit keys (hashing one
        // word instead of four fields is what keeps this fast).
        var terms: [[Term?]] = rows.map { $0.map { Optional($0) } }
        var position: [[UInt64: Int]] = rows.map { row in
            Dictionary(row.enumerated().map { (termKey($0.element), $0.offset) }, uniquingKeysWith: { a, _ in a })
        }
        var occurrences: [[UInt64: Int32]] = Array(repeating: [:], count: rows.count)
        var outputs: [UInt64: Int] = [:]
        var queue = PairQueue()
        var counting = true  // the first count fills the queue once at the end

        func bump(_ value: inout Int32, by delta: Int32) -> Int32 {
            value += delta
            return value
        }
        func change(_ pair: UInt64, in row: Int, by delta: Int32) {
            let after = bump(&occurrences[row][pair, default: 0], by: delta)  // one hash lookup
            let before = after - delta
            if after == 0 { occurrences[row][pair] = nil }
            guard (before == 0) != (after == 0) else { return }
            let count = outputs[pair, default: 0] + (after == 0 ? -1 : 1)
            outputs[pair] = count == 0 ? nil : count
            // Only a rise is queued; a fall is found when the old entry comes up.
            if count >= 2 && after > 0 && !counting { queue.push(count: count, key: pair) }
        }

        for (r, row) in rows.enumerated() {
            for i in row.indices {
                for j in row.indices where j > i { change(pairKey(row[i], row[j]), in: r, by: 1) }
            }
        }
        for (key, count) in outputs where count >= 2 { queue.push(count: count, key: key) }
        counting = false

        var pairs: [Pair] = []
        var depth = Array(repeating: 0, count: sources)
        var tooDeep: Set<UInt64> = []
        while let (count, key) = queue.pop() {
            guard let current = outputs[key], !tooDeep.contains(key) else { continue }
            if current != count {
                // A stale entry: requeue at the lower count (a higher one is queued already).
                if current < count && current >= 2 { queue.push(count: current, key: key) }
                continue
            }
            let pair = Self.pair(key)
            let pairDepth = max(depth[pair.first], depth[pair.second]) + 1
            guard pairDepth <= maxDepth else { tooDeep.insert(key); continue }
            depth.append(pairDepth)
            let newSource = sources + pairs.count
            pairs.append(pair)
            for r in rows.indices where occurrences[r][key] != nil {
                // Every disjoint occurrence in this output, leads in term order.
                var i = 0
                while i < terms[r].count {
                    defer { i += 1 }
                    guard let lead = terms[r][i], lead.source == pair.first,
                          let j = position[r][termKey(Term(source: pair.second, exponent: lead.exponent + pair.shift,
                                                           negative: lead.negative != pair.subtract))],
                          j != i, let partner = terms[r][j] else { continue }
                    for (k, other) in terms[r].enumerated() where k != i && k != j {
                        guard let other else { continue }
                        change(pairKey(lead, other), in: r, by: -1)
                        change(pairKey(partner, other), in: r, by: -1)
                    }
                    change(key, in: r, by: -1)
                    terms[r][i] = nil
                    terms[r][j] = nil
                    position[r][termKey(lead)] = nil
                    position[r][termKey(partner)] = nil
                    let merged = Term(source: newSource, exponent: lead.exponent, negative: lead.negative)
                    for other in terms[r] {
                        guard let other else { continue }
                        change(pairKey(merged, other), in: r, by: 1)
                    }
                    position[r][termKey(merged)] = terms[r].count
                    terms[r].append(merged)
                }
            }
        }
        return Result(pairs: pairs, rows: terms.map { $0.compactMap { $0 } })
    }

    // Packed keys: source 24 bits, exponent 16 (offset), sign 1 for a term;
    // first 24, second 24, shift 15, subtract 1 for a pair, so that the
    // packed order is the order of ``Pair``.
    static let sourceLimit = 1 << 24, exponentLimit = 1 << 14

    static func termKey(_ t: Term) -> UInt64 {
        UInt64(t.source) << 17 | UInt64(t.exponent + exponentLimit) << 1 | (t.negative ? 1 : 0)
    }

    /// The pair two terms form. The lower (exponent, source) leads, so the
    /// shift is never negative (the new source is an integer combination);
    /// the term replacing the two is the new source at the lead's exponent
    /// with the lead's sign.
    static func pairKey(_ a: Term, _ b: Term) -> UInt64 {
        let (x, y) = (a.exponent, a.source) <= (b.exponent, b.source) ? (a, b) : (b, a)
        return UInt64(x.source) << 40 | UInt64(y.source) << 16 | UInt64(y.exponent - x.exponent) << 1 | (x.negative != y.negative ? 1 : 0)
    }

    static func pair(_ key: UInt64) -> Pair {
        Pair(first: Int(key >> 40), second: Int((key >> 16) & 0xFF_FFFF), shift: Int((key >> 1) & 0x7FFF), subtract: key & 1 == 1)
    }

    /// The value of every output for integer inputs (a check of ``share``).
    static func evaluate(_ rows: [[Term]], pairs: [Pair], inputs: [Int128]) -> [Int128] {
        var value = inputs
        for p in pairs {
            let second = value[p.second] << p.shift
            value.append(p.subtract ? value[p.first] - second : value[p.first] + second)
        }
        return rows.map { row in
            row.reduce(Int128(0)) { sum, t in t.negative ? sum - (value[t.source] << t.exponent) : sum + (value[t.source] << t.exponent) }
        }
    }

    /// Adders a set of rows needs: one per shared pair, and one fewer than
    /// the terms of each output.
    static func adders(_ result: Result) -> Int {
        result.pairs.count + result.rows.reduce(0) { $0 + max($1.count - 1, 0) }
    }
}

/// A max-queue of (count, packed pair key), highest count first and the
/// smallest key among equal counts, so that sharing never depends on hash
/// order. Entries are not removed when a count changes: a rise pushes a new
/// entry, and the reader requeues an entry whose count has fallen.
struct PairQueue {
    private var heap: [(count: Int, key: UInt64)] = []

    private static func before(_ a: (count: Int, key: UInt64), _ b: (count: Int, key: UInt64)) -> Bool {
        a.count > b.count || (a.count == b.count && a.key < b.key)
    }

    mutating func push(count: Int, key: UInt64) {
        heap.append((count, key))
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.before(heap[i], heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (Int, UInt64)? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var best = i
                if l < heap.count && Self.before(heap[l], heap[best]) { best = l }
                if r < heap.count && Self.before(heap[r], heap[best]) { best = r }
                if best == i { break }
                heap.swapAt(i, best)
                i = best
            }
        }
        return (top.count, top.key)
    }
}

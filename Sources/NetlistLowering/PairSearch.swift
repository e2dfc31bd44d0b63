import NetlistIR

/// The greedy search of ``SubexpressionSharing/share(rows:sources:inputRange:outputAdderWidth:maxDepth:keyBudget:)``.
///
/// Every candidate pair sits in one ``PairQueue`` under its saving in adder
/// bits: each occurrence takes one adder out of its output's tree, which is
/// `outputAdderWidth` wide (the accumulator: the trees wrap to it), and the
/// shared adder costs its own width, so `n * outputAdderWidth - width`.
/// Pairs of two inputs are counted once at the start, in a dense table
/// (the one pass over all pairs of terms), and kept exact as terms are consumed
/// (each consumed input term takes its pairs with the rest of its output off
/// the table). A pair with a shared source can only occur in the outputs
/// that source was made in, and no term ever appears after the start except
/// a new source, so such a pair is counted once, when its newer source is
/// made, and only over those few outputs; its count can only fall
/// afterwards, so its queued score is an upper bound, checked by a recount
/// when it comes up (lazy invalidation). The top entry whose score is
/// current is therefore the best pair; ties go to the smallest pair.
struct PairSearch {
    typealias Pair = SubexpressionSharing.Pair
    typealias Term = SubexpressionSharing.Term

    private var digits: DigitRows
    private let inputs: Int
    /// Exponent bits: every term's exponent is `lowestExponent ..< lowestExponent + span`.
    private let span: Int
    private let maxDepth: Int
    private let outputAdderWidth: Int
    /// Occurrences of each pair of two inputs (overlapping ones included),
    /// at ``inputPairIndex(_:_:_:_:_:_:)``.
    private var inputPairs: [Int32]
    private var queue = PairQueue()
    /// Adders from the inputs to each source, and the integers it can hold.
    private var depth: [Int]
    private var ranges: [(lo: Int128, hi: Int128)]
    private(set) var pairs: [Pair] = []
    /// Each output's Kraft sum, the sum of `2^depth` over its terms: a
    /// balanced adder tree over them is `ceil(log2 kraft)` adders deep, as
    /// ``NetlistIR/Netlist/sum(_:wrap:name:)`` builds it. Sharing two
    /// equally deep terms keeps it; any other pair raises it, and may do so
    /// only up to `capacity`, the smallest power of two at or above the
    /// output's term count: the tree stays as deep as without sharing.
    private var kraft: [Int]
    private let capacity: [Int]
    /// Scratch for ``discover(_:)``: outputs of the new source each source occurs in.
    private var seen: [Int32]

    /// Nil when the search does not apply: no terms, a source out of range
    /// or twice at one exponent in an output, exponents over 64 bits apart,
    /// a value range that could pass 120 bits, or a table of input pairs
    /// with more than `keyBudget` entries (its memory is 4 bytes each).
    init?(rows: [[Term]], sources: Int, inputRange: Interval, outputAdderWidth: Int, maxDepth: Int, keyBudget: Int) {
        let all = rows.joined()
        guard maxDepth >= 1, sources < 1 << 24, let lo = all.map(\.exponent).min(), let hi = all.map(\.exponent).max(),
              all.allSatisfy({ (0..<sources).contains($0.source) }),
              let digits = DigitRows(rows, sources: sources) else { return nil }
        span = hi - lo + 1
        guard sources * sources * span * 2 <= keyBudget, inputRange.width + maxDepth * (span + 1) <= 120 else { return nil }
        self.digits = digits
        kraft = rows.map(\.count)
        capacity = rows.map { $0.count <= 1 ? 1 : 1 << (Int.bitWidth - ($0.count - 1).leadingZeroBitCount) }
        self.inputs = sources
        self.maxDepth = maxDepth
        self.outputAdderWidth = outputAdderWidth
        depth = Array(repeating: 0, count: sources)
        ranges = Array(repeating: (inputRange.lo, inputRange.hi), count: sources)
        seen = Array(repeating: 0, count: sources)
        inputPairs = Self.countInputPairs(rows, inputs: sources, lowestExponent: lo, span: span)
        var entries: [PairQueue.Entry] = []
        for (index, count) in inputPairs.enumerated() where count >= 2 {
            let p = Pair(first: index / (sources * span * 2), second: index / (span * 2) % sources,
                         shift: index / 2 % span, subtract: index & 1 == 1)
            let saving = score(p, occurrences: Int(count))
            if saving > 0 { entries.append(.init(score: saving, key: PairQueue.key(p))) }
        }
        queue = PairQueue(entries)
    }

    /// Every pair of terms in every output, under the lead (lower exponent,
    /// then lower source): the one pass over all `n(n-1)/2` pairs of each row.
    private static func countInputPairs(_ rows: [[Term]], inputs n: Int, lowestExponent lo: Int, span: Int) -> [Int32] {
        var counts = [Int32](repeating: 0, count: n * n * span * 2)
        counts.withUnsafeMutableBufferPointer { buffer in
            let table = buffer.baseAddress!
            for row in rows {
                let sorted = row.sorted { ($0.exponent, $0.source) < ($1.exponent, $1.source) }
                // index = lead part + partner part + sign difference
                let leadPart = sorted.map { ($0.source * n * span - ($0.exponent - lo)) * 2 }
                let partnerPart = sorted.map { ($0.source * span + ($0.exponent - lo)) * 2 }
                let sign = sorted.map { $0.negative ? 1 : 0 }
                for i in sorted.indices {
                    let (a, s) = (leadPart[i], sign[i])
                    for j in (i + 1)..<sorted.count { table[a + partnerPart[j] + (s ^ sign[j])] &+= 1 }
                }
            }
        }
        return counts
    }

    private func inputPairIndex(_ first: Int, _ e1: Int, _ n1: Bool, _ second: Int, _ e2: Int, _ n2: Bool) -> Int {
        let leadFirst = (e1, first) < (e2, second)
        let (a, ea, b, eb) = leadFirst ? (first, e1, second, e2) : (second, e2, first, e1)
        return ((a * inputs + b) * span + eb - ea) * 2 + (n1 != n2 ? 1 : 0)
    }

    /// Adder bits saved by sharing `p` where it occurs `n` times: `n` adders
    /// of the output trees for one of its own width.
    private func score(_ p: Pair, occurrences n: Int) -> Int {
        let (a, b) = (ranges[p.first], ranges[p.second])
        let (lo, hi) = p.subtract ? (a.lo - (b.hi << p.shift), a.hi - (b.lo << p.shift))
                                  : (a.lo + (b.lo << p.shift), a.hi + (b.hi << p.shift))
        return n * outputAdderWidth - Self.width(lo, hi)
    }

    /// ``NetlistIR/Interval/width`` by counting leading zeros.
    static func width(_ lo: Int128, _ hi: Int128) -> Int {
        if lo >= 0 { return max(1, Int128.bitWidth - hi.leadingZeroBitCount) }
        let magnitude = max(Int128.bitWidth - (~lo).leadingZeroBitCount, hi > 0 ? Int128.bitWidth - hi.leadingZeroBitCount : 0)
        return magnitude + 1
    }

    mutating func run() {
        while let top = queue.pop() {
            let p = PairQueue.pair(top.key)
            let ofInputs = p.first < inputs && p.second < inputs
            var n = ofInputs ? Int(inputPairs[inputPairIndex(p.first, 0, false, p.second, p.shift, p.subtract)]) : occurrences(p)
            guard n >= 2 else { continue }
            let current = score(p, occurrences: n)
            assert(current <= top.score, "a pair's count rose")
            // A fallen score that still beats the next entry is the best.
            if current < top.score, let next = queue.top, current < next.score || (current == next.score && next.key < top.key) {
                if current > 0 { queue.push(score: current, key: top.key) }
                continue
            }
            guard current > 0 else { continue }
            if ofInputs && p.first == p.second {
                n = occurrences(p)  // the table counts overlapping occurrences
                guard n >= 2 else { continue }
            }
            share(p)
        }
    }

    /// How much one occurrence of `p` adds to its output's Kraft sum.
    private func kraftRise(_ p: Pair) -> Int {
        let (a, b) = (depth[p.first], depth[p.second])
        return (1 << (max(a, b) + 1)) - (1 << a) - (1 << b)
    }

    /// The occurrences of `p` in row `r` that may be shared there: all of
    /// them when its sources are equally deep, else the lowest as many as
    /// keep the output's tree as shallow as without sharing.
    private func taken(_ p: Pair, in r: Int, known: Int, knownIsFirst: Bool) -> (added: UInt64, subtracted: UInt64, first: Int, second: Int)? {
        guard var o = digits.occurrences(of: p, in: r, known: known, knownIsFirst: knownIsFirst) else { return nil }
        let rise = kraftRise(p)
        guard rise > 0 else { return o }
        let allowed = (capacity[r] - kraft[r]) / rise
        var drop = o.added | o.subtracted
        for _ in 0..<allowed where drop != 0 { drop &= drop - 1 }
        o.added &= ~drop
        o.subtracted &= ~drop
        return o.added | o.subtracted == 0 ? nil : o
    }

    /// The occurrences of `p` that ``share(_:)`` would take.
    private func occurrences(_ p: Pair) -> Int {
        let c = digits.candidates(p)
        var n = 0
        for (r, i) in zip(c.rows, c.places) {
            n += taken(p, in: Int(r), known: Int(i), knownIsFirst: c.first).map { ($0.added | $0.subtracted).nonzeroBitCount } ?? 0
        }
        return n
    }

    /// Makes `p` a new source and every disjoint occurrence one term.
    private mutating func share(_ p: Pair) {
        let source = inputs + pairs.count
        var placed: [(row: Int32, positive: UInt64, negative: UInt64)] = []
        let c = digits.candidates(p)
        for (r32, known) in zip(c.rows, c.places) {
            let r = Int(r32)
            guard let (added, subtracted, i, j) = taken(p, in: r, known: Int(known), knownIsFirst: c.first) else { continue }
            kraft[r] += kraftRise(p) * (added | subtracted).nonzeroBitCount
            let partner = p.subtract ? (positive: subtracted << p.shift, negative: added << p.shift)
                                     : (positive: added << p.shift, negative: subtracted << p.shift)
            digits.remove(positive: added, negative: subtracted, at: i, in: r)
            digits.remove(positive: partner.positive, negative: partner.negative, at: j, in: r)
            var consumed: [(source: Int, exponent: Int, negative: Bool)] = []
            if p.first < inputs { Self.unpack(added, subtracted, source: p.first, into: &consumed) }
            if p.second < inputs { Self.unpack(partner.positive, partner.negative, source: p.second, into: &consumed) }
            if !consumed.isEmpty { forget(consumed, in: r) }
            placed.append((r32, added, subtracted))
        }
        digits.append(source: source, in: placed)
        depth.append(max(depth[p.first], depth[p.second]) + 1)
        let (a, b) = (ranges[p.first], ranges[p.second])
        ranges.append(p.subtract ? (a.lo - (b.hi << p.shift), a.hi - (b.lo << p.shift)) : (a.lo + (b.lo << p.shift), a.hi + (b.hi << p.shift)))
        seen.append(0)
        pairs.append(p)
        discover(source)
    }

    private static func unpack(_ positive: UInt64, _ negative: UInt64, source: Int, into terms: inout [(source: Int, exponent: Int, negative: Bool)]) {
        for (mask, isNegative) in [(positive, false), (negative, true)] {
            var m = mask
            while m != 0 {
                terms.append((source, m.trailingZeroBitCount, isNegative))
                m &= m - 1
            }
        }
    }

    /// Takes the pairs that consumed input terms formed in row `r` (with
    /// each other and with the input terms left) off the input-pair table.
    private mutating func forget(_ consumed: [(source: Int, exponent: Int, negative: Bool)], in r: Int) {
        var indices: [Int] = []
        for entry in digits.rows[r] {
            guard Int(entry.source) < inputs else { break }
            for (mask, negative) in [(entry.positive, false), (entry.negative, true)] {
                var m = mask
                while m != 0 {
                    let e = m.trailingZeroBitCount
                    m &= m - 1
                    for t in consumed { indices.append(inputPairIndex(t.source, t.exponent, t.negative, Int(entry.source), e, negative)) }
                }
            }
        }
        for i in consumed.indices {
            for j in consumed.indices where j > i {
                let (s, t) = (consumed[i], consumed[j])
                indices.append(inputPairIndex(s.source, s.exponent, s.negative, t.source, t.exponent, t.negative))
            }
        }
        inputPairs.withUnsafeMutableBufferPointer { table in
            for i in indices { table[i] -= 1 }
        }
    }
}

extension PairSearch {
    /// Queues the pairs that the new `source` forms, in the outputs it was
    /// made in, with sources found in two of them (or twice in one).
    private mutating func discover(_ source: Int) {
        guard depth[source] < maxDepth else { return }
        let rows = digits.columns[source].map { Int($0) }
        var touched: [Int] = []
        for r in rows {
            let row = digits.rows[r]
            let many = row[row.count - 1].digits >= 2  // the new source is last
            for entry in row where !entry.isEmpty {
                let x = Int(entry.source)
                if seen[x] == 0 { touched.append(x) }
                seen[x] += many && entry.digits >= 2 ? 2 : 1
            }
        }
        // Occurrences by (e_x - e_source + span, subtract).
        var counts = [Int32](repeating: 0, count: 4 * span)
        var used: [Int] = []
        for x in touched {
            defer { seen[x] = 0 }
            guard seen[x] >= 2, max(depth[source], depth[x]) + 1 <= maxDepth else { continue }
            let rise = kraftRise(Pair(first: x, second: source, shift: 0, subtract: false))
            for r in rows {
                // An output whose tree has no room for the pair is no occurrence.
                guard rise == 0 || kraft[r] + rise <= capacity[r], let j = digits.find(x, in: r) else { continue }
                let mine = digits[r, digits.rows[r].count - 1], theirs = digits[r, j]
                var m = mine.positive | mine.negative
                while m != 0 {
                    let e = m.trailingZeroBitCount
                    m &= m - 1
                    let negative = mine.negative >> e & 1 == 1
                    // A source with itself: each pair of its digits once, the lower leading.
                    var o = x == source ? m : theirs.positive | theirs.negative
                    while o != 0 {
                        let f = o.trailingZeroBitCount
                        o &= o - 1
                        let index = (f - e + span) * 2 + ((theirs.negative >> f & 1 == 1) != negative ? 1 : 0)
                        if counts[index] == 0 { used.append(index) }
                        counts[index] += 1
                    }
                }
            }
            for index in used {
                defer { counts[index] = 0 }
                guard counts[index] >= 2 else { continue }
                let d = index / 2 - span, subtract = index & 1 == 1
                // The lower exponent leads; at one exponent, the older source.
                let p = d > 0 ? Pair(first: source, second: x, shift: d, subtract: subtract)
                              : Pair(first: x, second: source, shift: -d, subtract: subtract)
                let saving = score(p, occurrences: Int(counts[index]))
                if saving > 0 { queue.push(score: saving, key: PairQueue.key(p)) }
            }
            used.removeAll(keepingCapacity: true)
        }
    }

    /// The shared pairs and each output's terms after sharing.
    var result: SubexpressionSharing.Result {
        SubexpressionSharing.Result(pairs: pairs, rows: digits.terms())
    }
}

/// The digit terms of every output during the pair search, as bit masks:
/// output `r` holds, for each source it reads, one mask of the exponents at
/// which it is added and one of those at which it is subtracted (bit `i` is
/// exponent `lowestExponent + i`). A source never holds both signs, nor one
/// exponent twice, in an output: the inputs hold one weight each, and a new
/// source takes the exponent and sign of its lead term, which was unique.
/// Masks turn "where does `x_a ± (x_b << d)` occur in this output" into a few
/// word operations.
struct DigitRows {
    struct Entry {
        var source: Int32
        var positive: UInt64
        var negative: UInt64
        var isEmpty: Bool { positive | negative == 0 }
        var digits: Int { (positive | negative).nonzeroBitCount }
    }

    /// Each output's entries, ascending by source; a consumed source stays
    /// as an empty entry, so that an entry never moves.
    private(set) var rows: [[Entry]]
    /// The outputs that read each source, ascending (some may since have
    /// consumed it), and where it sits in each.
    private(set) var columns: [[Int32]]
    private(set) var places: [[Int32]]
    /// Where input `s` sits in output `r`: `inputPlaces[r * inputs + s]`, or -1.
    private var inputPlaces: [Int32]
    private let inputs: Int
    let lowestExponent: Int

    /// Nil when a row holds a source at one exponent twice, or the exponents
    /// span more than 64 bits.
    init?(_ terms: [[SubexpressionSharing.Term]], sources: Int) {
        let exponents = terms.joined().map(\.exponent)
        lowestExponent = exponents.min() ?? 0
        guard (exponents.max() ?? 0) - lowestExponent < 64 else { return nil }
        columns = Array(repeating: [], count: sources)
        places = Array(repeating: [], count: sources)
        inputPlaces = Array(repeating: -1, count: terms.count * sources)
        inputs = sources
        rows = []
        var masks = Array(repeating: (positive: UInt64(0), negative: UInt64(0)), count: sources)
        for (r, row) in terms.enumerated() {
            var used: [Int] = []
            for t in row {
                let bit = UInt64(1) << (t.exponent - lowestExponent)
                guard (masks[t.source].positive | masks[t.source].negative) & bit == 0 else { return nil }
                if masks[t.source] == (0, 0) { used.append(t.source) }
                if t.negative { masks[t.source].negative |= bit } else { masks[t.source].positive |= bit }
            }
            used.sort()
            rows.append(used.map { Entry(source: Int32($0), positive: masks[$0].positive, negative: masks[$0].negative) })
            for (i, s) in used.enumerated() {
                columns[s].append(Int32(r))
                places[s].append(Int32(i))
                inputPlaces[r * sources + s] = Int32(i)
                masks[s] = (0, 0)
            }
        }
    }

    /// Where `source` sits in row `r`, if it is there (binary search).
    func find(_ source: Int, in r: Int) -> Int? {
        if source < inputs {
            let i = Int(inputPlaces[r * inputs + source])
            return i >= 0 && !rows[r][i].isEmpty ? i : nil
        }
        return rows[r].withUnsafeBufferPointer { row in
            var lo = 0, hi = row.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if Int(row[mid].source) < source { lo = mid + 1 } else { hi = mid }
            }
            return lo < row.count && Int(row[lo].source) == source && !row[lo].isEmpty ? lo : nil
        }
    }

    subscript(r: Int, i: Int) -> Entry { rows[r][i] }

    /// The lead bits (added, subtracted) of the disjoint occurrences of
    /// `lead ± (partner << shift)` in a row: lead at `e`, partner at
    /// `e + shift` with the same sign, or the opposite one when `subtract`.
    /// A source paired with itself takes its occurrences lowest first.
    static func leads(_ lead: Entry, _ partner: Entry, shift d: Int, subtract: Bool, same: Bool) -> (UInt64, UInt64) {
        let (pp, pn) = subtract ? (partner.negative, partner.positive) : (partner.positive, partner.negative)
        var added = lead.positive & (pp >> d), subtracted = lead.negative & (pn >> d)
        guard same else { return (added, subtracted) }
        var free = lead.positive | lead.negative
        var candidates = added | subtracted
        (added, subtracted) = (0, 0)
        while candidates != 0 {
            let e = candidates.trailingZeroBitCount
            candidates &= candidates - 1
            let both = UInt64(1) << e | UInt64(1) << (e + d)
            guard free & both == both else { continue }
            free &= ~both
            if lead.positive >> e & 1 == 1 { added |= 1 << e } else { subtracted |= 1 << e }
        }
        return (added, subtracted)
    }

    /// Where to look for a pair: the outputs of the shorter of its sources'
    /// columns, with that source's place in each, and whether it is the first.
    func candidates(_ p: SubexpressionSharing.Pair) -> (rows: [Int32], places: [Int32], first: Bool) {
        columns[p.first].count <= columns[p.second].count ? (columns[p.first], places[p.first], true)
            : (columns[p.second], places[p.second], false)
    }

    /// The lead bits of the disjoint occurrences of `p` in row `r` (see
    /// ``leads(_:_:shift:subtract:same:)``) and where its sources sit, given
    /// where one of them sits (`known`, the first when `knownIsFirst`).
    func occurrences(of p: SubexpressionSharing.Pair, in r: Int, known: Int, knownIsFirst: Bool)
        -> (added: UInt64, subtracted: UInt64, first: Int, second: Int)? {
        guard !rows[r][known].isEmpty else { return nil }
        let other = p.first == p.second ? known : find(knownIsFirst ? p.second : p.first, in: r)
        guard let other else { return nil }
        let (i, j) = knownIsFirst ? (known, other) : (other, known)
        let (added, subtracted) = Self.leads(rows[r][i], rows[r][j], shift: p.shift, subtract: p.subtract, same: i == j)
        return added | subtracted == 0 ? nil : (added, subtracted, i, j)
    }

    /// Takes the bits of consumed terms out of entry `i` of row `r`.
    mutating func remove(positive: UInt64, negative: UInt64, at i: Int, in r: Int) {
        rows[r][i].positive &= ~positive
        rows[r][i].negative &= ~negative
    }

    /// A new source (the highest so far) in the rows listed, ascending, with
    /// its bits in each.
    mutating func append(source: Int, in newRows: [(row: Int32, positive: UInt64, negative: UInt64)]) {
        columns.append(newRows.map(\.row))
        places.append(newRows.map { Int32(rows[Int($0.row)].count) })
        for (r, positive, negative) in newRows {
            rows[Int(r)].append(Entry(source: Int32(source), positive: positive, negative: negative))
        }
    }

    /// Each output's terms, by exponent then source.
    func terms() -> [[SubexpressionSharing.Term]] {
        rows.map { row in
            var terms: [SubexpressionSharing.Term] = []
            for entry in row {
                for (mask, negative) in [(entry.positive, false), (entry.negative, true)] {
                    var m = mask
                    while m != 0 {
                        terms.append(.init(source: Int(entry.source), exponent: lowestExponent + m.trailingZeroBitCount, negative: negative))
                        m &= m - 1
                    }
                }
            }
            return terms.sorted { ($0.exponent, $0.source) < ($1.exponent, $1.source) }
        }
    }
}

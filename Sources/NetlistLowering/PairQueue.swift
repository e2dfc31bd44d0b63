/// A max-queue of (score, packed pair key): the highest score first and the
/// smallest key among equal scores, so that sharing never depends on hash or
/// insertion order. Entries are not removed when a score changes: the search
/// holds at most one entry per key, and requeues an entry whose key now
/// scores less when it comes up (scores only ever fall).
///
/// Each entry is one 128-bit word, `(Int64.max - score) << 64 | key`, kept
/// in a binary min-heap: one comparison orders both fields.
struct PairQueue {
    struct Entry {
        var score: Int
        var key: UInt64
    }

    private var heap: [UInt128] = []

    var count: Int { heap.count }

    /// A pair packed in 64 bits: first source 24, second 24, shift 15,
    /// subtract 1, so that the packed order is the order of ``SubexpressionSharing/Pair``.
    static func key(_ p: SubexpressionSharing.Pair) -> UInt64 {
        UInt64(p.first) << 40 | UInt64(p.second) << 16 | UInt64(p.shift) << 1 | (p.subtract ? 1 : 0)
    }

    static func pair(_ key: UInt64) -> SubexpressionSharing.Pair {
        .init(first: Int(key >> 40), second: Int((key >> 16) & 0xFF_FFFF), shift: Int((key >> 1) & 0x7FFF), subtract: key & 1 == 1)
    }

    /// The entry ``pop()`` would return.
    var top: Entry? { heap.first.map(Self.entry) }

    /// A queue of `entries` in any order (heapified in linear time).
    init(_ entries: [Entry] = []) {
        heap = entries.map { Self.word($0.score, $0.key) }
        var i = heap.count / 2
        while i > 0 {
            i -= 1
            siftDown(heap[i], from: i)
        }
    }

    private static func word(_ score: Int, _ key: UInt64) -> UInt128 {
        precondition(score >= 0, "a negative score is never queued")
        return UInt128(UInt64(Int64.max - Int64(score))) << 64 | UInt128(key)
    }

    private static func entry(_ w: UInt128) -> Entry {
        Entry(score: Int(Int64.max - Int64(UInt64(truncatingIfNeeded: w >> 64))), key: UInt64(truncatingIfNeeded: w))
    }

    mutating func push(score: Int, key: UInt64) {
        let w = Self.word(score, key)
        heap.append(w)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard w < heap[parent] else { break }
            heap[i] = heap[parent]
            i = parent
        }
        heap[i] = w
    }

    mutating func pop() -> Entry? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty { siftDown(last, from: 0) }
        return Self.entry(top)
    }

    /// Puts `w` at `start` and moves it down to its place.
    private mutating func siftDown(_ w: UInt128, from start: Int) {
        heap.withUnsafeMutableBufferPointer { h in
            var i = start
            while true {
                let l = 2 * i + 1
                guard l < h.count else { break }
                let child = l + 1 < h.count && h[l + 1] < h[l] ? l + 1 : l
                guard h[child] < w else { break }
                h[i] = h[child]
                i = child
            }
            h[i] = w
        }
    }
}

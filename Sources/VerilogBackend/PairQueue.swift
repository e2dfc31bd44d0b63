/// A max-queue of (score, packed pair key): the highest score first and the
/// smallest key among equal scores, so that sharing never depends on hash or
/// insertion order. Entries are not removed when a score changes: the search
/// holds at most one entry per key, and requeues an entry whose key now
/// scores less when it comes up (scores only ever fall).
struct PairQueue {
    struct Entry {
        var score: Int
        var key: UInt64
    }

    private var heap: [Entry] = []

    var count: Int { heap.count }

    /// A queue of `entries` in any order (heapified in linear time).
    init(_ entries: [Entry] = []) {
        heap = entries
        var i = heap.count / 2
        while i > 0 {
            i -= 1
            siftDown(i)
        }
    }

    private static func before(_ a: Entry, _ b: Entry) -> Bool {
        a.score > b.score || (a.score == b.score && a.key < b.key)
    }

    mutating func push(score: Int, key: UInt64) {
        heap.append(Entry(score: score, key: key))
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.before(heap[i], heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Entry? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return top
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var best = i
            if l < heap.count && Self.before(heap[l], heap[best]) { best = l }
            if r < heap.count && Self.before(heap[r], heap[best]) { best = r }
            if best == i { return }
            heap.swapAt(i, best)
            i = best
        }
    }
}

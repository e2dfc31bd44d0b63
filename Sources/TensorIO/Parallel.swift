import Dispatch
import Foundation
import Synchronization

/// Work split into independent pieces and done on several threads, the
/// results kept in the pieces' order: what reading, evaluating and writing
/// event tables in chunks share. The result never depends on the number of
/// threads: each piece is computed the same way whichever thread takes it.
public enum Parallel {
    /// The number of threads used when a caller does not say:
    /// the processors this process may run on.
    public static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// `body(0), ..., body(count - 1)` on up to `threads` threads, the
    /// results in index order. Threads take the next index as they finish
    /// one, so uneven pieces still keep every thread busy.
    public static func map<T>(_ count: Int, threads: Int = defaultThreads, _ body: (Int) -> T) -> [T] {
        if count == 0 { return [] }
        let workers = max(1, min(threads, count))
        if workers == 1 { return (0..<count).map(body) }
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        let next = Atomic<Int>(0)
        // Each index is written by exactly one thread; the buffer outlives
        // the call, which returns only when every thread has finished.
        nonisolated(unsafe) let slots = results
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    if i >= count { break }
                    slots[i] = work(i)
                }
            }
        }
        return results.map { $0! }
    }

    /// Splits `0..<total` into `pieces` contiguous ranges of nearly equal size.
    public static func ranges(_ total: Int, pieces: Int) -> [Range<Int>] {
        let n = max(1, min(pieces, total))
        if total == 0 { return [] }
        return (0..<n).map { i in (total * i / n)..<(total * (i + 1) / n) }
    }
}

/// A dense op's rows as one kernel over per-position windows: with `F =
/// kernel.count` filters, row `p * F + f` holds the terms
/// `(windows[p][s], w)` for `(s, w)` in `kernel[f]` whose slot `s` is not
/// nil at `p` (a nil slot is a tap in the padding, reading zero), and
/// every position's row `f` has the bias of row `f`. ``Verify`` checks it.
public struct TimeMultiplex: Sendable, Equatable {
    /// Output positions each kernel instance computes one after another.
    public var reuse: Int
    /// Per output position, per kernel slot: the input element read.
    public var windows: [[Int?]]
    /// Per filter, its terms: ``WeightTerm/input`` is a slot.
    public var kernel: [[WeightTerm]]

    public init(reuse: Int, windows: [[Int?]], kernel: [[WeightTerm]]) {
        self.reuse = reuse
        self.windows = windows
        self.kernel = kernel
    }

    public var positions: Int { windows.count }
    /// Kernel instances: `ceil(positions / reuse)`.
    public var instances: Int { (positions + reuse - 1) / reuse }
    /// The row `p * F + f` this layout stands for (zero weights left out, as ``PruneZeroWeights`` does).
    public func row(position p: Int, filter f: Int) -> [WeightTerm] {
        kernel[f].compactMap { t in windows[p][t.input].flatMap { t.weight == 0 ? nil : WeightTerm(input: $0, weight: t.weight) } }
    }
}

/// A staircase on integer codes (FINN's `MultiThreshold`, a quantized
/// activation of an integer accumulator): each output counts the thresholds
/// its input reaches. With `x_i` the raw input code and `K` the number of
/// thresholds per list:
/// ```
/// c(i)   = i mod thresholds.count                 (channel: the innermost axis)
/// n_i    = #{ k : x_i >= thresholds[c(i)][k] }    (0 ... K, on raw codes)
/// out_i  = outputBias + outputStep * n_i          (a raw code of the output type)
/// ```
/// Every list has the same length `K >= 1` and is sorted (non-decreasing),
/// so `n_i` is also the index of the first threshold above `x_i`. Both
/// `outputBias` and `outputBias + outputStep * K` must be codes of the output
/// type (``Verify`` checks), so no assignment ever rounds or overflows: the
/// output is exact by construction. Thresholds are raw codes of the input's
/// scale (`2^-F_in`) but need not lie in the input's range.
///
/// With ``affine`` set, `n_i` is computed as a multiply-add-shift
/// (``AffineCount``, one per list) instead of by comparisons: the same
/// numbers on every code of the input's type, which ``Verify`` proves again
/// (``ThresholdAffineProof``), so the choice changes the hardware only.
public struct ThresholdOp: Sendable, Equatable {
    /// One sorted list per channel, or a single list shared by every element.
    public var thresholds: [[Int64]]
    /// The output code for `n = 0`.
    public var outputBias: Int64
    /// The output code added per threshold reached (nonzero).
    public var outputStep: Int64
    /// The multiply-add-shift form of each list, in the order of
    /// ``thresholds``, or nil for the comparator bank.
    public var affine: [AffineCount]?

    public init(thresholds: [[Int64]], outputBias: Int64, outputStep: Int64, affine: [AffineCount]? = nil) {
        self.thresholds = thresholds
        self.outputBias = outputBias
        self.outputStep = outputStep
        self.affine = affine
    }

    /// Thresholds per list (`K`).
    public var steps: Int { thresholds.first?.count ?? 0 }

    /// The threshold list of output element `i`.
    public func list(for i: Int) -> [Int64] { thresholds[i % thresholds.count] }

    /// The number of thresholds `x` reaches in `list` (sorted).
    public static func count(_ x: Int64, in list: [Int64]) -> Int {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if x >= list[mid] { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// `n_i` for raw input code `x`: by the multiply-add-shift form when
    /// the op has one, else by the comparisons.
    public func count(_ x: Int64, element i: Int) -> Int {
        if let affine { return affine[i % affine.count].count(x, steps: steps) }
        return Self.count(x, in: list(for: i))
    }

    /// The raw output code of element `i` for raw input code `x`.
    public func output(_ x: Int64, element i: Int) -> Int64 {
        outputBias + outputStep * Int64(count(x, element: i))
    }
}

/// The float form of a threshold step in the graph (model.json `threshold`,
/// FINN's `MultiThreshold` in channels-last layout):
/// `y_i = outBias + outScale * #{ k : x_i >= thresholds[i mod C][k] }`
/// (exact real arithmetic), with `C` the number of lists: 1, or the size of
/// the innermost axis (on a flat vector, a divisor of its size: the vector
/// is read as channels last).
public struct Thresholds: Sendable, Equatable {
    public var thresholds: [[Double]]
    public var outScale: Double
    public var outBias: Double

    public init(thresholds: [[Double]], outScale: Double = 1, outBias: Double = 0) {
        self.thresholds = thresholds
        self.outScale = outScale
        self.outBias = outBias
    }

    /// The float output for input `x` at element `i`.
    public func evaluate(_ x: Double, element i: Int) -> Double {
        let list = thresholds[i % thresholds.count]
        var n = 0
        for t in list where x >= t { n += 1 }
        return outBias + outScale * Double(n)
    }

    /// What is wrong with these parameters for an input of `shape`, as
    /// `(field, message)`, or nil.
    public func problem(shape: [Int]) -> (field: String, message: String)? {
        let channels = shape.last ?? 1
        let flatFit = shape.count == 1 && thresholds.count >= 1 && channels % thresholds.count == 0
        guard !thresholds.isEmpty, let k = thresholds.first?.count, k >= 1 else {
            return ("thresholds", "needs at least one list of at least one threshold")
        }
        guard thresholds.count == 1 || thresholds.count == channels || flatFit else {
            return ("thresholds", "has \(thresholds.count) lists; expected 1 or one per channel (\(channels))")
        }
        for (c, list) in thresholds.enumerated() {
            guard list.count == k else { return ("thresholds[\(c)]", "has \(list.count) thresholds; every list needs \(k)") }
            guard list.allSatisfy(\.isFinite) else { return ("thresholds[\(c)]", "a threshold is not finite") }
            guard zip(list, list.dropFirst()).allSatisfy({ $0 <= $1 }) else { return ("thresholds[\(c)]", "thresholds are not sorted ascending") }
        }
        guard outScale.isFinite, outScale != 0 else { return ("out_scale", "must be finite and nonzero") }
        guard outBias.isFinite else { return ("out_bias", "must be finite") }
        return nil
    }
}

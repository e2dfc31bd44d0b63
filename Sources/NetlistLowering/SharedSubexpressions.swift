import NetlistIR

/// Common-subexpression sharing for a constant matrix-vector product, done
/// on the signed digits of the weights before any hardware is built.
///
/// Each output of a dense layer is a sum of digit terms `±(x_s << e)` (one
/// per canonical signed digit of each weight). Two terms of one output whose
/// sources and distance also occur together elsewhere, say `x3 - (x7 << 2)`
/// at any common shift, are computed once as a new source and every such
/// pair becomes a single term. The cost is adder bits, not adders: a pair
/// occurring `n` times takes `n` adders out of the output trees, each as
/// wide as the accumulator they wrap to, and costs one adder of its own
/// width (that of `x_a ± (x_b << d)` from the value ranges of its sources);
/// the pair that saves the most bits is shared first (ties to the smallest
/// pair), and a pair that saves none is not shared. This is the greedy of
/// the "most common pair" multiple-constant-multiplication heuristics
/// weighted by width, as in da4ml. ``PairSearch`` keeps every candidate in
/// a queue with lazy invalidation, so a step costs only the outputs it
/// rewrites.
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
        /// Each output's terms after sharing (by exponent, then source).
        var rows: [[Term]]
    }

    /// Shares pairs while one saves adder bits. `inputRange` is the integer
    /// range of every input source (the raw codes of the layer's input
    /// type); a shared source's range follows from its pair.
    /// `outputAdderWidth` is the width the output trees' adders wrap to.
    /// Two bounds keep the pipeline as short as without sharing: a shared
    /// source is at most `maxDepth` adders deep (pairs of pairs of pairs),
    /// and no output's balanced adder tree becomes deeper than the tree of
    /// its unshared terms (see ``PairSearch``). On the shipped tagger and
    /// the zoo models every module keeps its latency.
    ///
    /// Memory is bounded by `keyBudget`: the count of every pair of two
    /// inputs is a table of `sources² × (exponent span) × 2` 32-bit entries
    /// (2.2 M, 9 MB, for a 256-input layer of 16-bit weights); above the
    /// budget (default 2^25 entries, 128 MB) the rows are returned unchanged,
    /// as they are when the search does not apply (see ``PairSearch``).
    static func share(rows: [[Term]], sources: Int, inputRange: Interval = .signedWord(16), outputAdderWidth: Int = 32,
                      maxDepth: Int = 3, keyBudget: Int = 1 << 25) -> Result {
        guard var search = PairSearch(rows: rows, sources: sources, inputRange: inputRange, outputAdderWidth: outputAdderWidth,
                                      maxDepth: maxDepth, keyBudget: keyBudget) else { return Result(pairs: [], rows: rows) }
        search.run()
        return search.result
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

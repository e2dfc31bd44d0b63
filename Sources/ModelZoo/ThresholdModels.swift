import FixedPoint
import ModelIR

/// Models with threshold layers (FINN's `MultiThreshold` as a graph op).
extension ModelZoo {
    /// Sorted thresholds: `count` values uniform in ±`scale`, some on the
    /// grid of `2^-fractionBits` (the boundary case: `x >= t` with `x == t`),
    /// one repeated, and the first list's extremes outside any input range.
    static func thresholdLists(_ lists: Int, _ count: Int, scale: Double, fractionBits: Int, _ rng: inout Random) -> [[Double]] {
        (0..<lists).map { c in
            var t = (0..<count).map { k -> Double in
                let v = rng.uniform(-scale, scale)
                return k % 2 == 0 ? (v * Double(1 << fractionBits)).rounded() / Double(1 << fractionBits) : v
            }
            if count > 2 { t[1] = t[2] }
            if c == 0 { t[0] = -1e6; t[count - 1] = 1e6 }
            return t.sorted()
        }
    }

    /// A dense layer 8 -> 6, per-channel thresholds (3 per channel, output
    /// -1 + 0.5 n), a dense layer 6 -> 4 and one shared list of 7 thresholds
    /// (a 3-bit unsigned activation, output n); beside them, per-channel
    /// thresholds straight on the 10-bit input (every code boundary is hit
    /// by random inputs), output 3 - 0.25 n.
    public static func thresholdMLP(seed: UInt64 = 26) -> Graph {
        var rng = Random(seed: seed)
        var nodes: [Node] = []
        nodes.append(dense("fc1", input: "x", inputs: 8, units: 6, rng: &rng, precision: LayerPrecision(weight: .fixed(6, 2, .rnd))))
        nodes.append(Node(name: "mt1", op: .threshold(Thresholds(
            thresholds: thresholdLists(6, 3, scale: 2, fractionBits: 8, &rng), outScale: 0.5, outBias: -1)), inputs: ["fc1"]))
        nodes.append(dense("fc2", input: "mt1", inputs: 6, units: 4, rng: &rng, precision: LayerPrecision(weight: .fixed(6, 2, .rnd))))
        nodes.append(Node(name: "mt2", op: .threshold(Thresholds(
            thresholds: thresholdLists(1, 7, scale: 1.5, fractionBits: 7, &rng), outScale: 1, outBias: 0)), inputs: ["fc2"]))
        nodes.append(Node(name: "mt0", op: .threshold(Thresholds(
            thresholds: thresholdLists(8, 5, scale: 7, fractionBits: 6, &rng), outScale: -0.25, outBias: 3)), inputs: ["x"]))
        return Graph(name: "threshold_mlp", inputs: [GraphInput(name: "x", shape: [8], type: .fixed(10, 4, .rnd, .sat))],
                     nodes: nodes, outputs: ["mt2", "mt1", "mt0"])
    }
}

import FixedPoint

/// A node of a ``Netlist``: its index in the netlist's node list.
public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let index: Int
    public init(_ index: Int) { self.index = index }
    public static func < (a: NodeID, b: NodeID) -> Bool { a.index < b.index }
    public var description: String { "%\(index)" }
}

/// What a node computes. Every node holds an integer `v` standing for
/// `v * 2^scale` (the node's ``Node/scale``); the operation is exact on
/// these integers, and the node's ``Node/interval`` is the exact range of
/// its result.
public enum Operation: Hashable, Sendable {
    /// Element `element` of input port `port`: the raw code of its type.
    case input(port: Int, element: Int)
    /// A constant.
    case constant(Int128)
    /// `(a << shiftA) + (b << shiftB)`, or minus when `subtract`: the
    /// operands are aligned to the result's scale by their left shifts. Like
    /// every operation, the result is what fits the node's width: exact
    /// unless the node is an accumulator narrower than the exact sum, which
    /// then wraps.
    case add(NodeID, shiftA: Int, NodeID, shiftB: Int, subtract: Bool)
    /// `a + b + c`, each addend shifted left to the result's scale and
    /// possibly negative, on one ternary adder (``TernaryAdders``): the first
    /// term is never negative, at most two are. Exact, or wrapped to the
    /// node's width like ``add``.
    case add3(Netlist.Term, Netlist.Term, Netlist.Term)
    /// `-a`.
    case negate(NodeID)
    /// `a` reduced modulo `2^bits` into a signed `bits`-wide word (the
    /// wrap-around of an accumulator).
    case wrap(NodeID, bits: Int)
    /// The raw code of `type` for the real value of `a`: quantization then
    /// overflow, with the type's modes (docs/numerics.md). Printed as logic.
    case quantize(NodeID, FixedType)
    /// `max(a, 0)`.
    case relu(NodeID)
    /// The larger of `a` and `b` (same scale).
    case maximum(NodeID, NodeID)
    /// `test < 0 ? negative : otherwise` (the branches share a scale).
    case select(test: NodeID, negative: NodeID, otherwise: NodeID)
    /// The bits of `a` read with another interval or scale: wiring only.
    /// A narrower interval is an assumption, valid where the value is used
    /// only when it holds (a mux branch); a new scale multiplies the real
    /// value by a power of two.
    case view(NodeID)
    /// A signed `bits`-wide code `c` read as `c + 2^(bits-1)` (offset
    /// binary): the top bit inverted, no logic.
    case offsetBinary(NodeID, bits: Int)
    /// Word `index` of table `table` (a ROM).
    case lookup(table: Int, index: NodeID)
    /// `a * b` on a multiplier.
    case multiply(NodeID, NodeID)
    /// `a`, one clock cycle later.
    case register(NodeID)

    /// The low result bits of an add that are one operand's own bits, with
    /// no logic: `(a << k) + b` and `b - (a << k)` (`k > 0`) end in `b`'s
    /// low `k` bits. Its carry chain covers only the bits above them. Zero
    /// for every other operation, and for `(a << k) - b`, whose low bits
    /// are `-b`'s (a borrow runs through them).
    /// For a ternary add the same holds for the one addend with the lowest
    /// shift (0) when it is not negated: its bits below the next shift.
    public var passThroughBits: Int {
        switch self {
        case let .add(_, ka, _, kb, subtract):
            guard min(ka, kb) == 0 else { return 0 }
            if subtract && kb == 0 { return 0 }
            return max(ka, kb)
        case let .add3(a, b, c):
            let byShift = [a, b, c].sorted { $0.shift < $1.shift }
            guard byShift[0].shift == 0, !byShift[0].negative else { return 0 }
            return byShift[1].shift
        default:
            return 0
        }
    }

    /// The nodes this one reads.
    public var operands: [NodeID] {
        switch self {
        case .input, .constant: return []
        case let .add(a, _, b, _, _): return [a, b]
        case let .add3(a, b, c): return [a.node, b.node, c.node]
        case let .negate(a), let .wrap(a, _), let .quantize(a, _), let .relu(a), let .view(a),
             let .offsetBinary(a, _), let .register(a):
            return [a]
        case let .maximum(a, b), let .multiply(a, b): return [a, b]
        case let .select(t, n, o): return [t, n, o]
        case let .lookup(_, i): return [i]
        }
    }
}

/// One wire (or register) of a netlist.
public struct Node: Sendable {
    public var operation: Operation
    /// The exact range of the integer the wire holds.
    public var interval: Interval
    /// The wire holds `v` standing for `v * 2^scale`.
    public var scale: Int
    /// A Verilog identifier, unique in the netlist.
    public var name: String
    /// The pipeline stage the node is computed in (0 until pipelined); a
    /// register belongs to the stage it feeds.
    public var stage: Int = 0
    /// A note printed beside the wire.
    public var comment: String?

    /// Derived from the interval.
    public var width: Int { interval.width }
    public var isSigned: Bool { interval.isSigned }
}

/// A read-only memory: `values[i]` for index `i`.
public struct Table: Hashable, Sendable {
    public var name: String
    public var values: [Int64]
    /// Bits of the index.
    public var indexBits: Int
    /// What the table holds, for the comment above it.
    public var comment: String

    public init(name: String, values: [Int64], indexBits: Int, comment: String) {
        self.name = name
        self.values = values
        self.indexBits = indexBits
        self.comment = comment
    }

    /// The exact range of the words.
    public var interval: Interval { Interval(Int128(values.min() ?? 0), Int128(values.max() ?? 0)) }
}

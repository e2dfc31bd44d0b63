import NetlistIR

/// The logic of one op module's netlist, by kind of node, in the units the
/// resource estimate prices (``AnalyticResourceEstimate``). Read from the
/// typed nodes, never from the printed Verilog.
public struct NetlistCost: Codable, Sendable, Equatable {
    /// Adders and subtractors (negations included).
    public var adders = 0
    /// Their result bits above the aligned operand's shift: the low bits of
    /// `(a << k) + b` are `b`'s own, wires with no logic.
    public var adderBits = 0
    /// Carry-chain segments: per adder, its logic bits in chunks of 4 (CARRY4) or 8 (CARRY8).
    public var carry4 = 0
    public var carry8 = 0
    /// Rounding increments of quantizations (the rounded value's bits).
    public var roundingBits = 0
    /// Saturating quantizations: output bits, and the dropped high bits whose test decides overflow.
    public var saturatedBits = 0
    public var overflowTestBits = 0
    /// `max(x, 0)` and `test < 0 ? a : b`: one mux per bit.
    public var muxBits = 0
    /// `max(a, b)`: a comparator and a mux per bit.
    public var maximumBits = 0
    /// ROM reads: per read, words rounded up to 64 times the word width (LUT6 each).
    public var romLUT6 = 0
    /// Variable products small enough for LUTs: the summed partial-product bits.
    public var productBits = 0
    /// Variable products on DSP slices.
    public var dspProducts = 0
    public var registerBits = 0

    public init() {}

    /// Variable products with an operand wider than this go to a DSP.
    public static let dspOperandBits = 10

    public init(_ n: Netlist) {
        func chunks(_ bits: Int, _ size: Int) -> Int { (bits + size - 1) / size }
        func addAdder(_ bits: Int) {
            guard bits > 0 else { return }
            adders += 1
            adderBits += bits
            carry4 += chunks(bits, 4)
            carry8 += chunks(bits, 8)
        }
        for node in n.nodes {
            switch node.operation {
            case let .add(_, shiftA, _, shiftB, _):
                addAdder(node.width - max(shiftA, shiftB))
            case .negate:
                addAdder(node.width)
            case .register:
                registerBits += node.width
            case let .lookup(table, _):
                romLUT6 += chunks(n.tables[table].values.count, 64) * node.width
            case let .multiply(a, b):
                let wa = n[a].width, wb = n[b].width
                if max(wa, wb) > Self.dspOperandBits { dspProducts += 1 } else { productBits += wa * wb }
            case .relu, .select:
                muxBits += node.width
            case .maximum:
                maximumBits += node.width
            case let .quantize(a, type):
                let plan = QuantizePlan(source: n[a].interval, scale: n[a].scale, type: type)
                if plan.roundsUp {
                    roundingBits += plan.rounded.width
                    carry4 += chunks(plan.rounded.width, 4)
                    carry8 += chunks(plan.rounded.width, 8)
                }
                if plan.overflowChecked {
                    saturatedBits += node.width
                    overflowTestBits += max(plan.rounded.width - node.width, 0)
                }
            case .input, .constant, .wrap, .view, .offsetBinary:
                break
            }
        }
    }

    public static func + (a: NetlistCost, b: NetlistCost) -> NetlistCost {
        var c = a
        c.adders += b.adders; c.adderBits += b.adderBits; c.carry4 += b.carry4; c.carry8 += b.carry8
        c.roundingBits += b.roundingBits; c.saturatedBits += b.saturatedBits; c.overflowTestBits += b.overflowTestBits
        c.muxBits += b.muxBits; c.maximumBits += b.maximumBits; c.romLUT6 += b.romLUT6
        c.productBits += b.productBits; c.dspProducts += b.dspProducts; c.registerBits += b.registerBits
        return c
    }
}

import FixedPoint

/// How deep each node's logic is for shaping adder trees (``Netlist/sum(_:wrap:name:)``
/// adds the shallowest terms first), in units where an adder is 4: a rounding
/// increment or adder 4, a ternary adder 6, a comparison 2, a 2:1 mux 2, a comparator with its
/// mux 6, a ROM read 4 (up to 64 words) or 8, a variable multiplier 12.
/// Wiring (slices, extensions, a wrap, an assumption) is 0. Pipelining uses
/// the width-aware ``DelayModel`` instead.
public enum LogicDepth {
    public static let adder = 4
    public static let ternaryAdder = 6
    public static let mux = 2
    public static let compare = 2
    public static let compareSelect = 6
    public static let multiplier = 12
    public static func rom(indexBits: Int) -> Int { indexBits <= 6 ? 4 : 8 }

    /// The depth units of `node` in `netlist`.
    public static func units(_ node: Node, in netlist: Netlist) -> Int {
        switch node.operation {
        case .input, .constant, .wrap, .view, .offsetBinary, .register: return 0
        case .add, .negate: return adder
        case .add3: return ternaryAdder
        case .relu, .select: return mux
        case .maximum: return compareSelect
        case .multiply: return multiplier
        case let .lookup(table, _): return rom(indexBits: netlist.tables[table].indexBits)
        case let .quantize(a, type):
            let x = netlist[a]
            let plan = QuantizePlan(source: x.interval, scale: x.scale, type: type)
            return (plan.roundsUp ? adder : 0) + (plan.overflowChecked ? compare + mux : 0)
        }
    }
}

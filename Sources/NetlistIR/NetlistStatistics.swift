/// Hardware counts read from a netlist, in one place: reports and module
/// headers take them from here, never from the printed text.
public struct NetlistStatistics: Sendable, Equatable {
    /// Adders and subtractors (rounding increments and negations included).
    public var adders = 0
    /// Their summed widths: about one LUT (and a quarter CARRY4) per bit.
    public var adderBits = 0
    public var registerBits = 0
    /// Words of every ROM read (a table read by 5 nodes counts 5 times).
    public var romWords = 0
    public var multipliers = 0
    /// Comparators and muxes (relu, max, select, overflow handling).
    public var muxBits = 0

    public init(_ n: Netlist) {
        for node in n.nodes {
            switch node.operation {
            case .add, .negate:
                adders += 1
                adderBits += node.width
            case .register:
                registerBits += node.width
            case let .lookup(table, _):
                romWords += n.tables[table].values.count
            case .multiply:
                multipliers += 1
            case .relu, .select, .maximum:
                muxBits += node.width
            case let .quantize(a, type):
                let plan = QuantizePlan(source: n[a].interval, scale: n[a].scale, type: type)
                if plan.roundsUp {
                    adders += 1
                    adderBits += plan.rounded.width
                }
                if plan.overflowChecked { muxBits += node.width }
            case .input, .constant, .wrap, .view, .offsetBinary:
                break
            }
        }
    }
}

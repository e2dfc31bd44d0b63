import FixedPoint

/// The combinational delay of netlist nodes on one FPGA family, in whole
/// picoseconds, and how much of a clock period a pipeline stage may fill.
/// The pipeliner (``Pipeline``) cuts where the next node would take its
/// stage past ``stageBudget(clockNs:)``.
///
/// An adder's delay grows with its width: one LUT in front of the carry
/// chain, the chain's entry and exit, a step per carry block the carry
/// crosses (4 bits in 7-series CARRY4, 8 in UltraScale+ CARRY8), and one
/// local net. Every value is a figure from vendor timing reports as
/// FloPoCo's target models record them (Kintex-7 -3 and Virtex
/// UltraScale+ -2); docs/verilog-backend.md lists them with their sources
/// and what is assumed where no figure exists (DSP, clock uncertainty).
public struct DelayModel: Sendable, Equatable {
    public enum Family: String, Sendable, CaseIterable, Codable {
        /// 7-series (Artix-7, Kintex-7, Virtex-7, Zynq-7000).
        case xc7
        /// UltraScale+ (Kintex/Virtex UltraScale+, Zynq UltraScale+).
        case xcup
    }

    public let family: Family
    /// A LUT6, input to output.
    let lut: Int
    /// A typical local net between two slices.
    let net: Int
    /// A MUXF7/MUXF8 level (wide LUT functions: ROMs over 6 index bits).
    let wideMux: Int
    /// An adder's fixed part: the propagate LUT, carry-chain entry and exit.
    let adderBase: Int
    /// Bits per carry block, and the delay per block the carry crosses.
    let carryBlock: Int
    let carryStep: Int
    /// A signed multiplier in a DSP block, unregistered, input to output.
    let multiplier: Int
    /// Flip-flop clock-to-output plus setup, and a margin for clock
    /// uncertainty and the nets into the first LUT of a stage.
    let registerOverhead: Int

    public static let xc7 = DelayModel(family: .xc7, lut: 124, net: 500, wideMux: 300, adderBase: 543, carryBlock: 4,
                                       carryStep: 49, multiplier: 3_600, registerOverhead: 600)
    public static let xcup = DelayModel(family: .xcup, lut: 148, net: 250, wideMux: 150, adderBase: 292, carryBlock: 8,
                                        carryStep: 41, multiplier: 2_000, registerOverhead: 400)

    public static func of(_ family: Family) -> DelayModel {
        switch family {
        case .xc7: return .xc7
        case .xcup: return .xcup
        }
    }

    /// A `width`-bit carry-chain adder with the net that leads to its reader.
    public func adder(width: Int) -> Int {
        let blocks = max(1, (width + carryBlock - 1) / carryBlock)
        return adderBase + (blocks - 1) * carryStep + net
    }

    /// A `width`-bit ternary adder (LUT6_2 and carry chain,
    /// ``TernaryAdders``): a binary adder whose propagate LUT also waits
    /// for the carry-save bit of the LUT below it, one more LUT and net.
    public func ternaryAdder(width: Int) -> Int { lutLevel + adder(width: width) }

    /// One level of LUTs and its net.
    public var lutLevel: Int { lut + net }

    /// A distributed ROM with `indexBits` address bits: one LUT level up to
    /// 6 bits, MUXF7/F8 up to 8, and a further LUT level per 6 bits above.
    public func rom(indexBits: Int) -> Int {
        let levels = indexBits <= 8 ? 1 : 1 + (indexBits - 8 + 5) / 6
        return levels * lutLevel + (indexBits > 6 ? wideMux : 0)
    }

    /// The picoseconds of logic of `node` in `netlist`.
    public func picoseconds(_ node: Node, in netlist: Netlist) -> Int {
        switch node.operation {
        case .input, .constant, .wrap, .view, .offsetBinary, .register: return 0
        case .add, .negate: return adder(width: node.width - node.operation.passThroughBits)
        case .add3: return ternaryAdder(width: node.width - node.operation.passThroughBits)
        case .relu, .select: return lutLevel
        case let .maximum(a, b):
            return adder(width: max(netlist[a].width, netlist[b].width)) + lutLevel
        case .multiply: return multiplier
        case let .lookup(table, _): return rom(indexBits: netlist.tables[table].indexBits)
        case let .quantize(a, type):
            let x = netlist[a]
            let plan = QuantizePlan(source: x.interval, scale: x.scale, type: type)
            var delay = 0
            if let condition = plan.roundUp {
                // The condition feeds the increment's carry-in: the first
                // dropped bit alone is a wire; anything else a LUT, two when
                // the sticky OR spans more than a LUT's inputs.
                let lutLevels = condition == .half ? 0 : plan.dropped > 6 ? 2 : 1
                delay += lutLevels * lutLevel + adder(width: plan.rounded.width)
            }
            if plan.overflowChecked && type.overflow != .wrap {
                // Detect the high bits that do not fit, then a mux to the
                // limit (a plain wrap only drops them).
                let checked = max(1, plan.rounded.width - type.width + 1)
                delay += (checked <= 6 ? 1 : 2) * lutLevel + lutLevel
            }
            return delay
        }
    }

    /// Picoseconds of logic a stage may hold at a `clockNs` period; never
    /// below one picosecond (a clock shorter than the registers' own time
    /// gives one node per stage).
    public func stageBudget(clockNs: Double) -> Int {
        let ps = (clockNs * 1000).rounded(.down) - Double(registerOverhead)
        guard ps >= 1 else { return 1 } // also NaN
        return ps < Double(Self.maxBudget) ? Int(ps) : Self.maxBudget
    }

    /// The shortest clock period whose stages hold `budget` picoseconds.
    public func clockNs(stageBudget budget: Int) -> Double {
        Double(budget + registerOverhead) / 1000
    }

    /// `ps` picoseconds as nanoseconds with three decimals ("4.400").
    public static func nanoseconds(_ ps: Int) -> String {
        let sign = ps < 0 ? "-" : "", m = ps.magnitude
        let fraction = String(m % 1000)
        return "\(sign)\(m / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// A budget no trigger design's logic reaches (over a millisecond).
    public static let maxBudget = 1 << 30
}

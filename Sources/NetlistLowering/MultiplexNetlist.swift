import FixedPoint
import ModelIR
import NetlistIR

/// The combinational part of a convolution time-multiplexed at reuse `R`
/// (``ModelIR/TimeMultiplex``): `ceil(P / R)` kernel instances, instance
/// `i` computing output position `i * R + k` in phase `k`. Each instance
/// reads its window through one mux per kernel slot (a tree of `select`
/// nodes on the bits of the phase, a second input port), then applies the
/// kernel as any dense layer (signed digits, shared subexpressions). The
/// netlist's outputs are instance `i`'s filter `f` at `i * F + f`; the
/// registers around it (the held input, the phase counter, the collection
/// registers) are the op module's (``MultiplexLayout``).
extension OpNetlists {
    /// The name of the phase port.
    public static let phasePort = "phase"

    static func multiplexedDense(_ d: DenseOp, _ m: TimeMultiplex, _ x: [NodeID], inputType: FixedType, out: FixedType,
                                 sharing: Bool, _ b: inout OpNetlist) throws(NetlistLoweringError) -> [NodeID] {
        let layout = MultiplexLayout(m)
        // The module holds the input in a register of that name (VerilogBackend's MultiplexModule).
        b.netlist.ports[0].name = "held"
        let bitType: FixedType
        do { bitType = try FixedType(signed: true, width: 1, integerBits: 1) } catch {
            throw .unsupported(op: "phase", "\(error)")
        }
        b.netlist.section("// \(phasePort) = the phase, bit j at [j] (read as a signed bit: -1 when set)")
        let bits = b.netlist.addPort(phasePort, type: bitType, size: layout.phaseBits)
        b.notes.append("time-multiplexed: \(m.positions) positions through \(layout.instances) kernel instance(s), \(m.reuse) phases (II = \(m.reuse))")
        let zero = b.netlist.constant(0, scale: -inputType.fractionBits, name: "padding_zero")
        let filters = m.kernel.count
        var outs: [NodeID] = []
        var notes: [String] = []
        for i in 0..<layout.instances {
            let positions = layout.positions(instance: i)
            // Only the slots a nonzero weight reads, and only where some phase reads an input.
            let used = Set(m.kernel.flatMap { $0.filter { $0.weight != 0 }.map(\.input) }).sorted()
            var slotNodes: [NodeID] = []
            var slotIndex: [Int: Int] = [:]
            for s in used {
                let choices = positions.map { p in m.windows[p][s] }
                guard choices.contains(where: { $0 != nil }) else { continue }
                b.netlist.section("// instance \(i), slot \(s): x[\(choices.map { $0.map(String.init) ?? "pad" }.joined(separator: ", "))] by phase")
                slotIndex[s] = slotNodes.count
                slotNodes.append(mux(choices.map { $0.map { x[$0] } ?? zero }, bits: bits, name: "k\(i)_s\(s)", &b))
            }
            let rows = m.kernel.map { row in
                row.compactMap { t in slotIndex[t.input].flatMap { t.weight == 0 ? nil : WeightTerm(input: $0, weight: t.weight) } }
            }
            let kernel = DenseOp(weightType: d.weightType, biasType: d.biasType, accumulatorType: d.accumulatorType,
                                 rows: rows, bias: Array(d.bias.prefix(filters)), preActivationType: d.preActivationType,
                                 activation: d.activation)
            let saved = b.notes
            b.notes = []
            outs += try dense(kernel, slotNodes, inputType: inputType, out: out, sharing: sharing, prefix: "k\(i)_", &b)
            if i == 0 { notes = b.notes.map { "kernel: " + $0 } }
            b.notes = saved
        }
        b.notes += notes
        return outs
    }

    /// `choices[phase]`: a balanced tree of 2:1 muxes, level `j` choosing
    /// on phase bit `j`; equal branches need no mux.
    static func mux(_ choices: [NodeID], bits: [NodeID], name: String, _ b: inout OpNetlist) -> NodeID {
        var level = choices
        var j = 0
        while level.count > 1 {
            var next: [NodeID] = []
            for k in stride(from: 0, to: level.count, by: 2) {
                if k + 1 == level.count || level[k] == level[k + 1] {
                    next.append(level[k])
                } else {
                    next.append(b.netlist.select(bits[j], negative: level[k + 1], otherwise: level[k], name: "\(name)_m\(j)_\(k / 2)"))
                }
            }
            level = next
            j += 1
        }
        return level[0]
    }
}

/// How a time-multiplexed op's positions map to kernel instances and
/// phases: instance `i` computes position `i * reuse + k` in phase `k`; the
/// last instance may have fewer positions (its idle phases repeat its last one).
public struct MultiplexLayout: Sendable, Equatable {
    public let reuse: Int
    public let positions: Int
    public let filters: Int

    public init(_ m: TimeMultiplex) {
        reuse = m.reuse
        positions = m.positions
        filters = m.kernel.count
    }

    /// Kernel instances: `ceil(positions / reuse)`.
    public var instances: Int { (positions + reuse - 1) / reuse }
    /// Bits of the phase counter (0 ..< reuse).
    public var phaseBits: Int { max(1, Int.bitWidth - (reuse - 1).leadingZeroBitCount) }

    /// The position instance `i` computes in each phase (a phase past its
    /// last position repeats it).
    public func positions(instance i: Int) -> [Int] {
        (0..<reuse).map { k in min(i * reuse + k, positions - 1) }
    }

    /// Where output element `p * filters + f` comes from: phase `k` and the
    /// kernel output `i * filters + f`.
    public func source(ofOutput e: Int) -> (phase: Int, kernelOutput: Int) {
        let p = e / filters, f = e % filters
        return (p % reuse, (p / reuse) * filters + f)
    }
}

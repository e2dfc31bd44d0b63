/// The hardware of one op module's netlist, by kind of node: the one count
/// read from a netlist. Module headers, the design's ``StageInfo`` rows and
/// the resource estimate (Reports' `NetlistEstimate`, which prices each
/// field) all take it from here, never from the printed Verilog. Only the
/// bits something reads are counted (``neededBits(_:)``), as synthesis
/// removes the rest.
public struct NetlistCost: Codable, Sendable, Equatable {
    /// Adders and subtractors (negations and ternary adders included).
    public var adders = 0
    /// Those of them that are ternary (one LUT6_2 per bit for three operands).
    public var ternaryAdders = 0
    /// Their result bits that are read (``neededBits(_:)``) above the
    /// pass-through bits (``Operation/passThroughBits``): the low bits of
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
    /// ROM reads (a table read by 5 nodes counts 5 times).
    public var romReads: [ROMRead] = []
    /// Variable products small enough for LUTs, and their summed partial-product bits.
    public var lutProducts = 0
    public var productBits = 0
    /// Variable products on DSP slices.
    public var dspProducts = 0
    /// Register bits that are read (between the lowest and highest bit
    /// read: ``neededBits(_:)``, ``lowestReadBits(_:need:)``), registers of
    /// the same wires counted once.
    public var registerBits = 0
    /// Those of them in registers that hold only ROM addresses
    /// (``ROMRead/registeredAddress``): synthesis moves them into the ROM.
    public var addressRegisterBits = 0

    public init() {}

    /// Variable products with an operand wider than this go to a DSP.
    public static let dspOperandBits = 10

    public init(_ n: Netlist) {
        func chunks(_ bits: Int, _ size: Int) -> Int { (bits + size - 1) / size }
        func addCarry(_ bits: Int) {
            carry4 += chunks(bits, 4)
            carry8 += chunks(bits, 8)
        }
        let need = Self.neededBits(n)
        // A register's bits below the lowest read one, or known to be zero, hold nothing.
        let zeros = Self.zeroLowBits(n)
        let low = zip(Self.lowestReadBits(n, need: need), zeros).map { max($0, $1) }
        let addressOnly = Self.addressRegisters(n, need: need)
        var registerSpans: [Int: (low: Int, high: Int)] = [:]
        for (i, node) in n.nodes.enumerated() where need[i] > 0 {
            switch node.operation {
            case .add, .add3:
                // The low bits an operand passes through are wires (the printer routes them around the adder).
                let bits = need[i] - node.operation.passThroughBits
                if bits > 0 {
                    adders += 1
                    if case .add3 = node.operation { ternaryAdders += 1 }
                    adderBits += bits
                    addCarry(bits)
                }
            case .negate:
                adders += 1
                adderBits += need[i]
                addCarry(need[i])
            case let .register(a):
                let bits = max(need[i] - min(low[i], need[i]), 0)
                if addressOnly.contains(i) {
                    registerBits += bits
                    addressRegisterBits += bits
                } else {
                    // Registers of the same wires hold the same bits: one set of flip-flops.
                    let source = Self.wiringSource(a, n).index
                    let held = (low: min(low[i], need[i]), high: need[i])
                    registerSpans[source] = registerSpans[source].map { (min($0.low, held.low), max($0.high, held.high)) } ?? held
                }
            case let .lookup(table, index):
                let registered = Self.registerBehindWiring(index, n).map { addressOnly.contains($0.index) } ?? false
                romReads.append(ROMRead(words: n.tables[table].values.count, bits: need[i], registeredAddress: registered))
            case let .multiply(a, b):
                let wa = n[a].width, wb = n[b].width
                if max(wa, wb) > Self.dspOperandBits {
                    dspProducts += 1
                } else {
                    lutProducts += 1
                    productBits += wa * wb
                }
            case .relu, .select:
                muxBits += need[i]
            case .maximum:
                maximumBits += node.width
            case let .quantize(a, type):
                let plan = QuantizePlan(source: n[a].interval, scale: n[a].scale, type: type)
                if plan.roundsUp {
                    let bits = plan.overflowChecked ? plan.rounded.width : min(plan.rounded.width, need[i])
                    roundingBits += bits
                    addCarry(bits)
                }
                if plan.overflowChecked {
                    saturatedBits += need[i]
                    overflowTestBits += max(plan.rounded.width - node.width, 0)
                }
            case .input, .constant, .wrap, .view, .offsetBinary:
                break
            }
        }
        registerBits += registerSpans.values.reduce(0) { $0 + max($1.high - $1.low, 0) }
    }

    /// Per node, how many of its low bits anything reads (0: dead). Carries
    /// run upwards only, so the low `k` bits of a sum need only the low
    /// bits of its operands; a test of the sign (relu, max, select,
    /// saturation, a ROM index) needs every bit. Synthesis removes the rest:
    /// the high bits of an accumulator whose result wraps, register bits
    /// that quantization drops.
    static func neededBits(_ n: Netlist) -> [Int] {
        var need = [Int](repeating: 0, count: n.nodes.count)
        for o in n.outputs { need[o.index] = n[o].width }
        func use(_ id: NodeID, _ bits: Int) {
            need[id.index] = max(need[id.index], min(max(bits, 0), n[id].width))
        }
        for i in n.nodes.indices.reversed() where need[i] > 0 {
            let k = need[i]
            switch n.nodes[i].operation {
            case let .add(a, shiftA, b, shiftB, _):
                use(a, k - shiftA)
                use(b, k - shiftB)
            case let .add3(a, b, c):
                for t in [a, b, c] { use(t.node, k - t.shift) }
            case let .negate(a), let .wrap(a, _), let .view(a), let .offsetBinary(a, _), let .register(a):
                use(a, k)
            case let .multiply(a, b):
                use(a, k)
                use(b, k)
            case let .quantize(a, type):
                let plan = QuantizePlan(source: n[a].interval, scale: n[a].scale, type: type)
                use(a, plan.overflowChecked ? n[a].width : k + plan.dropped)
            case let .relu(a):
                use(a, n[a].width)
            case let .maximum(a, b):
                use(a, n[a].width)
                use(b, n[b].width)
            case let .select(test, negative, otherwise):
                use(test, n[test].width)
                use(negative, k)
                use(otherwise, k)
            case let .lookup(_, index):
                use(index, n[index].width)
            case .input, .constant:
                break
            }
        }
        return need
    }

    /// Per node, the lowest bit anything reads (`Int.max`: none). Wiring
    /// and registers pass it on; a quantization reads its dropped bits only
    /// as far down as its rounding condition looks (none when it truncates,
    /// the half bit alone for AP_RND, all of them with a sticky bit); any
    /// other node reads its operands from bit 0 (a carry starts there).
    /// A register's bits below it hold nothing anyone reads.
    static func lowestReadBits(_ n: Netlist, need: [Int]) -> [Int] {
        var low = [Int](repeating: Int.max, count: n.nodes.count)
        for o in n.outputs { low[o.index] = 0 }
        for i in n.nodes.indices.reversed() where need[i] > 0 && low[i] != Int.max {
            let operation = n.nodes[i].operation
            switch operation {
            case let .register(a), let .view(a), let .wrap(a, _):
                low[a.index] = min(low[a.index], low[i])
            case let .quantize(a, type):
                let plan = QuantizePlan(source: n[a].interval, scale: n[a].scale, type: type)
                var first = 0
                if plan.dropped > 0 {
                    let reads = plan.roundUp.map { $0.reads(.sticky) ? 0 : $0.reads(.half) ? plan.dropped - 1 : plan.dropped }
                    first = reads ?? plan.dropped
                }
                low[a.index] = min(low[a.index], first)
            default:
                for a in operation.operands { low[a.index] = 0 }
            }
        }
        return low
    }

    /// Per node, how many of its low bits are always zero: the bits a
    /// quantization to more fraction bits appends (kept by a plain
    /// wrap-around, which drops only high bits), carried through wiring,
    /// registers, sums of such values and muxes between them (constants
    /// have theirs folded into the scale already). `inputZeros[p][e]`: the
    /// low bits known to be zero in element `e` of input port `p` (none
    /// when absent).
    static func zeroLowBits(_ n: Netlist, inputZeros: [[Int]] = []) -> [Int] {
        var zeros = [Int](repeating: 0, count: n.nodes.count)
        for (i, node) in n.nodes.enumerated() {
            func z(_ id: NodeID) -> Int { zeros[id.index] }
            switch node.operation {
            case let .input(port, element):
                if port < inputZeros.count && element < inputZeros[port].count { zeros[i] = max(inputZeros[port][element], 0) }
            case let .quantize(a, type):
                let plan = QuantizePlan(source: n[a].interval, scale: n[a].scale, type: type)
                let plainWrap = type.overflow == .wrap && type.saturationBits == 0
                if plan.dropped <= 0 && (!plan.overflowChecked || plainWrap) { zeros[i] = z(a) - plan.dropped }
            case let .view(a), let .wrap(a, _), let .register(a), let .relu(a), let .negate(a):
                zeros[i] = z(a)
            case let .add(a, shiftA, b, shiftB, _):
                zeros[i] = min(z(a) + shiftA, z(b) + shiftB)
            case let .add3(a, b, c):
                zeros[i] = [a, b, c].map { z($0.node) + $0.shift }.min()!
            case let .maximum(a, b), let .select(_, a, b):
                zeros[i] = min(z(a), z(b))
            default:
                break
            }
            zeros[i] = min(zeros[i], node.width)
        }
        return zeros
    }

    /// Per output of `n`, how many of its low bits are always zero
    /// (``zeroLowBits(_:inputZeros:)``, the inputs' known zeros given): what
    /// the op reading the output may drop (``Netlist/droppingZeroLowBits(_:_:name:)``).
    /// An output whose node is not at the output type's scale counts none.
    public static func outputZeroLowBits(_ n: Netlist, inputZeros: [[Int]]) -> [Int] {
        let zeros = zeroLowBits(n, inputZeros: inputZeros)
        return n.outputs.map { o in
            guard let t = n.outputType, n[o].scale == -t.fractionBits else { return 0 }
            return min(zeros[o.index], t.width)
        }
    }

    /// The node whose bits `id` carries unchanged (through views and wraps).
    static func wiringSource(_ id: NodeID, _ n: Netlist) -> NodeID {
        switch n[id].operation {
        case let .view(a), let .wrap(a, _): return wiringSource(a, n)
        default: return id
        }
    }

    /// Words of every ROM read (a table read by 5 nodes counts 5 times).
    public var romWords: Int { romReads.reduce(0) { $0 + $1.words } }
    /// Variable products, on LUTs or DSPs.
    public var multipliers: Int { lutProducts + dspProducts }

    /// Registers whose every reader is a ROM's address (through wiring): a
    /// synchronous ROM to synthesis, which moves the register into the ROM
    /// (yosys `memory_dff`: a LUT ROM keeps the word in flip-flops instead,
    /// a block RAM its own address register).
    static func addressRegisters(_ n: Netlist, need: [Int]) -> Set<Int> {
        // Per node: read only as (wiring of) a ROM address; nodes nothing reads stay true.
        var onlyAddress = [Bool](repeating: true, count: n.nodes.count)
        for o in n.outputs { onlyAddress[o.index] = false }
        for i in n.nodes.indices.reversed() where need[i] > 0 {
            let operation = n.nodes[i].operation
            switch operation {
            case .lookup:
                break
            case .view, .offsetBinary:
                if !onlyAddress[i] { for a in operation.operands { onlyAddress[a.index] = false } }
            default:
                for a in operation.operands { onlyAddress[a.index] = false }
            }
        }
        var registers = Set<Int>()
        for (i, node) in n.nodes.enumerated() where need[i] > 0 && onlyAddress[i] {
            if case .register = node.operation { registers.insert(i) }
        }
        return registers
    }

    /// The register whose bits `id` carries unchanged (through views and offset binary), if any.
    static func registerBehindWiring(_ id: NodeID, _ n: Netlist) -> NodeID? {
        switch n[id].operation {
        case let .view(a), let .offsetBinary(a, _): return registerBehindWiring(a, n)
        case .register: return id
        default: return nil
        }
    }

    public static func + (a: NetlistCost, b: NetlistCost) -> NetlistCost {
        var c = a
        c.adders += b.adders; c.ternaryAdders += b.ternaryAdders; c.adderBits += b.adderBits; c.carry4 += b.carry4; c.carry8 += b.carry8
        c.roundingBits += b.roundingBits; c.saturatedBits += b.saturatedBits; c.overflowTestBits += b.overflowTestBits
        c.muxBits += b.muxBits; c.maximumBits += b.maximumBits; c.romReads += b.romReads
        c.lutProducts += b.lutProducts; c.productBits += b.productBits; c.dspProducts += b.dspProducts; c.registerBits += b.registerBits
        c.addressRegisterBits += b.addressRegisterBits
        return c
    }
}

/// One read of a table: its words and the bits of the word that are used.
public struct ROMRead: Codable, Sendable, Equatable {
    public var words: Int
    public var bits: Int
    /// The address comes straight from a register that nothing else reads.
    public var registeredAddress: Bool

    public init(words: Int, bits: Int, registeredAddress: Bool = false) {
        self.words = words
        self.bits = bits
        self.registeredAddress = registeredAddress
    }
}

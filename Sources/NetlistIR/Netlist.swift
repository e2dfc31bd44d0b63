import FixedPoint

/// A bit-level dataflow graph of one op: typed nodes in topological order,
/// each with its exact interval and power-of-two scale, from which every
/// width follows. Built by the methods below (which derive the intervals),
/// evaluated by ``Interpreter``, pipelined by ``Pipeline`` and printed by
/// ``VerilogPrinter``; hardware counts come from ``NetlistCost``.
public struct Netlist: Sendable {
    /// Input ports: name and the type of their elements (element `i` at
    /// bits `[i*W +: W]`).
    public struct Port: Sendable {
        public var name: String
        public var type: FixedType
        public var size: Int
    }

    public private(set) var nodes: [Node] = []
    public var ports: [Port] = []
    public var tables: [Table] = []
    /// The nodes holding the outputs, in order.
    public var outputs: [NodeID] = []
    /// The type each output is read as (its raw code is the output port field).
    public var outputType: FixedType?
    /// Comment lines printed before the node with the given index.
    public var sections: [Int: [String]] = [:]
    /// ``sum(_:wrap:name:)`` builds ternary adds where they are no slower
    /// than binary ones (``TernaryAdders``); off, only binary adds.
    public var ternarySums = false
    private var usedNames: [String: Int] = [:]

    public init() {}

    public subscript(_ id: NodeID) -> Node { nodes[id.index] }

    /// Attaches a comment line printed before the next node added.
    public mutating func section(_ line: String) { sections[nodes.count, default: []].append(line) }

    /// Adds a node with a unique name.
    mutating func append(_ op: Operation, _ interval: Interval, scale: Int, name: String, comment: String? = nil) -> NodeID {
        // A Verilog identifier whatever the hint: letters, digits, underscores.
        let name = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") ? $0 : "_" })
        var unique = name
        if let n = usedNames[name] {
            var k = n
            repeat { k += 1; unique = "\(name)_\(k)" } while usedNames[unique] != nil
            usedNames[name] = k
        }
        usedNames[unique] = 0
        nodes.append(Node(operation: op, interval: interval, scale: scale, name: unique, comment: comment))
        return NodeID(nodes.count - 1)
    }

    /// Replaces the node list (a pass that rewrites the graph); names stay unique.
    mutating func replaceNodes(_ new: [Node], outputs: [NodeID], sections: [Int: [String]]) {
        nodes = new
        self.outputs = outputs
        self.sections = sections
        usedNames = Dictionary(new.map { ($0.name, 0) }, uniquingKeysWith: { a, _ in a })
    }

    // MARK: Leaves

    /// Adds an input port and returns its elements.
    public mutating func addPort(_ name: String, type: FixedType, size: Int) -> [NodeID] {
        let port = ports.count
        ports.append(Port(name: name, type: type, size: size))
        let range = Interval(Int128(type.minRaw), Int128(type.maxRaw))
        return (0..<size).map { append(.input(port: port, element: $0), range, scale: -type.fractionBits, name: "\(name)_\($0)") }
    }

    /// A constant `v * 2^scale` (trailing zero bits move into the scale).
    public mutating func constant(_ v: Int128, scale: Int = 0, name: String) -> NodeID {
        guard v != 0 else { return append(.constant(0), Interval(exactly: 0), scale: scale, name: name) }
        let tz = v.trailingZeroBitCount
        return append(.constant(v >> tz), Interval(exactly: v >> tz), scale: scale + tz, name: name, comment: "\(v)")
    }

    // MARK: Arithmetic

    /// `a + b` (or `a - b`) with each operand multiplied by `2^shift`;
    /// exact, or wrapping to `wrap.bits` bits in units of `2^wrap.scale`
    /// (an accumulator).
    public mutating func add(_ a: NodeID, shift sa: Int = 0, _ b: NodeID, shift sb: Int = 0, subtract: Bool = false,
                             wrap: (bits: Int, scale: Int)? = nil, name: String) -> NodeID {
        let ea = self[a].scale + sa, eb = self[b].scale + sb
        let s = min(ea, eb)
        let ka = ea - s, kb = eb - s
        let ia = self[a].interval.shifted(by: ka), ib = self[b].interval.shifted(by: kb)
        var interval = subtract ? ia - ib : ia + ib
        if let w = wrap {
            let own = w.bits - (s - w.scale)
            if own <= 0 { return constant(0, scale: s, name: name + "_zero") }
            let word = Interval.signedWord(own)
            if interval.lo < word.lo || interval.hi > word.hi { interval = word }
        }
        return append(.add(a, shiftA: ka, b, shiftB: kb, subtract: subtract), interval, scale: s, name: name)
    }

    /// `±a ± b ± c`, each term's node multiplied by `2^shift`: one ternary
    /// add (``Operation/add3(_:_:_:)``), exact or wrapping like
    /// ``add(_:shift:_:shift:subtract:wrap:name:)``. At least one term must
    /// be positive.
    public mutating func add3(_ terms: [Term], wrap: (bits: Int, scale: Int)? = nil, name: String) -> NodeID {
        precondition(terms.count == 3 && terms.contains { !$0.negative }, "add3: three terms, one of them positive")
        let exponents = terms.map { self[$0.node].scale + $0.shift }
        let s = exponents.min()!
        var interval = Interval(exactly: 0)
        var aligned: [Term] = []
        for (t, e) in zip(terms, exponents) {
            let range = self[t.node].interval.shifted(by: e - s)
            interval = t.negative ? interval - range : interval + range
            aligned.append(Term(t.node, shift: e - s, negative: t.negative))
        }
        if let w = wrap {
            let own = w.bits - (s - w.scale)
            if own <= 0 { return constant(0, scale: s, name: name + "_zero") }
            let word = Interval.signedWord(own)
            if interval.lo < word.lo || interval.hi > word.hi { interval = word }
        }
        let ordered = TernaryAdders.positiveFirst(aligned)
        return append(.add3(ordered[0], ordered[1], ordered[2]), interval, scale: s, name: name)
    }

    public mutating func negate(_ a: NodeID, name: String) -> NodeID {
        append(.negate(a), -self[a].interval, scale: self[a].scale, name: name)
    }

    /// `a` modulo `2^bits`, as a signed word (no logic when it already fits).
    public mutating func wrap(_ a: NodeID, bits: Int, name: String) -> NodeID {
        let word = Interval.signedWord(bits)
        if word.lo <= self[a].interval.lo && self[a].interval.hi <= word.hi { return a }
        return append(.wrap(a, bits: bits), word, scale: self[a].scale, name: name)
    }

    /// The raw code of `type` for `a`'s real value.
    public mutating func quantize(_ a: NodeID, to type: FixedType, name: String) -> NodeID {
        let x = self[a]
        let range = Interval(Int128(type.minRaw), Int128(type.maxRaw))
        // Rounding is monotonic, and exact values within the range never
        // overflow: the result's range is that of the rounded ends.
        let f = -x.scale
        let qlo = Int128(type.quantize(ExactValue(raw: x.interval.lo, fractionBits: f)))
        let qhi = Int128(type.quantize(ExactValue(raw: x.interval.hi, fractionBits: f)))
        let fits = QuantizeBounds.fitsWithoutOverflow(x.interval, scale: x.scale, type: type)
        let interval = fits ? Interval(min(qlo, qhi), max(qlo, qhi)) : range
        return append(.quantize(a, type), interval, scale: -type.fractionBits, name: name)
    }

    /// `a` without its low `bits` bits, which the caller knows to be zero
    /// (an input whose producer appends them): the same real value at a
    /// scale `2^bits` coarser, one quantization that truncates and cannot
    /// overflow, printed as a slice of `a` (no logic). On a value whose low
    /// bits are not zero it truncates, in the interpreter as in the Verilog.
    /// `a` itself when there is nothing to drop.
    public mutating func droppingZeroLowBits(_ a: NodeID, _ bits: Int, name: String) -> NodeID {
        let x = self[a]
        let k = min(bits, x.width - 1)
        guard k > 0 else { return a }
        let width = x.width - k
        let fraction = -x.scale - k
        guard let type = try? FixedType(signed: x.isSigned, width: width, integerBits: width - fraction,
                                        quantization: .trn, overflow: .wrap) else { return a }
        return quantize(a, to: type, name: name)
    }

    public mutating func relu(_ a: NodeID, name: String) -> NodeID {
        let i = self[a].interval
        if i.lo >= 0 { return a }
        return append(.relu(a), Interval(0, max(i.hi, 0)), scale: self[a].scale, name: name)
    }

    /// The larger of two nodes of the same scale.
    public mutating func maximum(_ a: NodeID, _ b: NodeID, name: String) -> NodeID {
        precondition(self[a].scale == self[b].scale, "maximum of different scales")
        let ia = self[a].interval, ib = self[b].interval
        return append(.maximum(a, b), Interval(max(ia.lo, ib.lo), max(ia.hi, ib.hi)), scale: self[a].scale, name: name)
    }

    /// `test < 0 ? negative : otherwise`, branches of the same scale.
    public mutating func select(_ test: NodeID, negative: NodeID, otherwise: NodeID, name: String) -> NodeID {
        precondition(self[negative].scale == self[otherwise].scale, "select between different scales")
        return append(.select(test: test, negative: negative, otherwise: otherwise),
                      self[negative].interval.union(self[otherwise].interval), scale: self[negative].scale, name: name)
    }

    /// `a` assumed to lie in `interval` (intersected with its own).
    public mutating func assume(_ a: NodeID, _ interval: Interval, name: String) -> NodeID {
        let i = self[a].interval.intersection(interval) ?? Interval(exactly: interval.lo)
        if i == self[a].interval { return a }
        return append(.view(a), i, scale: self[a].scale, name: name)
    }

    /// `a` times `2^k`: the same bits at another scale.
    public mutating func rescale(_ a: NodeID, by k: Int, name: String) -> NodeID {
        if k == 0 { return a }
        return append(.view(a), self[a].interval, scale: self[a].scale + k, name: name)
    }

    /// A signed code of `bits` bits read in offset binary (`+ 2^(bits-1)`):
    /// the top bit inverted; the result is a `bits`-wide unsigned word.
    public mutating func offsetBinary(_ a: NodeID, bits: Int, name: String) -> NodeID {
        append(.offsetBinary(a, bits: bits), Interval.unsignedWord(bits), scale: self[a].scale, name: name)
    }

    /// Adds a table and returns its index.
    public mutating func addTable(_ t: Table) -> Int {
        tables.append(t)
        return tables.count - 1
    }

    /// Word `index` of table `table`, as the raw code of scale `scale`.
    public mutating func lookup(_ table: Int, index: NodeID, scale: Int, name: String) -> NodeID {
        append(.lookup(table: table, index: index), tables[table].interval, scale: scale, name: name)
    }

    public mutating func multiply(_ a: NodeID, _ b: NodeID, name: String) -> NodeID {
        append(.multiply(a, b), self[a].interval * self[b].interval, scale: self[a].scale + self[b].scale, name: name)
    }

    /// `a` one cycle later.
    mutating func register(_ a: NodeID, name: String) -> NodeID {
        append(.register(a), self[a].interval, scale: self[a].scale, name: name)
    }
}

/// When an assignment to a type cannot overflow.
enum QuantizeBounds {
    /// Whether every value of `interval * 2^scale`, rounded to the type's
    /// fraction bits, lies in the type's range (so no overflow logic is needed).
    static func fitsWithoutOverflow(_ interval: Interval, scale: Int, type: FixedType) -> Bool {
        let d = -scale - type.fractionBits
        // The rounded integer lies between floor and ceil of v / 2^d.
        let lo = d > 0 ? Interval.floorShift(interval.lo, d) : interval.lo << (-d)
        let hi = d > 0 ? Interval.ceilShift(interval.hi, d) : interval.hi << (-d)
        let minR = Int128(type.minRaw), maxR = Int128(type.maxRaw)
        let symmetric = type.overflow == .satSym && type.isSigned
        return lo >= (symmetric ? minR + 1 : minR) && hi <= maxR
    }
}

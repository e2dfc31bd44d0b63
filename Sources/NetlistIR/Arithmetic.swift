/// Sums and constant products built from ``Netlist/add(_:shift:_:shift:subtract:name:)``.
extension Netlist {
    /// A term of a sum: a node times `2^shift`, added or subtracted.
    public struct Term: Hashable, Sendable {
        public var node: NodeID
        public var shift: Int
        public var negative: Bool
        public init(_ node: NodeID, shift: Int = 0, negative: Bool = false) {
            self.node = node
            self.shift = shift
            self.negative = negative
        }
    }

    /// The logic depth from the inputs to `id` (``LogicDepth`` units), ignoring pipelining.
    public func depth(of id: NodeID) -> Int {
        var memo: [Int: Int] = [:]
        func walk(_ n: NodeID) -> Int {
            if let d = memo[n.index] { return d }
            let d = (self[n].operation.operands.map(walk).max() ?? 0) + LogicDepth.units(self[n], in: self)
            memo[n.index] = d
            return d
        }
        return walk(id)
    }

    /// The sum of `terms` as a balanced adder tree: the two shallowest
    /// terms are added first (ties in the order given), so equal-depth
    /// leaves form a tree of depth ceil(log2 n). A subtracted term becomes a
    /// subtraction, never a separate negation (except at the root when every
    /// term is subtracted). With `wrap`, every adder wraps to `wrap.bits`
    /// bits in units of `2^wrap.scale` (an accumulator: the sum modulo
    /// `2^bits` does not depend on where it wraps).
    public mutating func sum(_ terms: [Term], wrap: (bits: Int, scale: Int)? = nil, name: String) -> NodeID {
        guard !terms.isEmpty else { return constant(0, scale: wrap?.scale ?? 0, name: name + "_zero") }
        var pending: [(term: Term, depth: Int, order: Int)] = terms.enumerated().map { ($0.element, depth(of: $0.element.node), $0.offset) }
        var order = terms.count
        var index = 0
        func takeShallowest() -> Term {
            var best = 0
            for i in 1..<pending.count {
                let p = pending[i], q = pending[best]
                if p.depth < q.depth || (p.depth == q.depth && p.order < q.order) { best = i }
            }
            return pending.remove(at: best).term
        }
        // The three shallowest terms when one ternary add of them is ready no
        // later than a binary add of the first two could take the third
        // (the third is at most a ternary add's extra depth deeper than the
        // second), and none is a mux a binary adder's LUTs would absorb.
        func takeThreeForATernaryAdd() -> [Term]? {
            let byDepth = pending.indices.sorted { (pending[$0].depth, pending[$0].order) < (pending[$1].depth, pending[$1].order) }
            let first = Array(byDepth.prefix(3))
            guard pending[first[2]].depth <= pending[first[1]].depth + (LogicDepth.ternaryAdder - LogicDepth.adder),
                  !first.contains(where: { TernaryAdders.isMux(pending[$0].term.node, self) })
            else { return nil }
            let terms = first.map { pending[$0].term }
            for i in first.sorted(by: >) { pending.remove(at: i) }
            return terms
        }
        while pending.count > 1 {
            if ternarySums, pending.count >= 3, let three = takeThreeForATernaryAdd() {
                let nodeName = "\(name)_s\(index)"
                index += 1
                // All three subtracted: their sum, subtracted.
                let flip = three.allSatisfy(\.negative)
                let terms = three.map { Term($0.node, shift: $0.shift, negative: $0.negative != flip) }
                let combined = Term(add3(terms, wrap: wrap, name: nodeName), negative: flip)
                pending.append((combined, depth(of: combined.node), order))
                order += 1
                continue
            }
            let a = takeShallowest(), b = takeShallowest()
            let nodeName = "\(name)_s\(index)"
            index += 1
            let combined: Term
            switch (a.negative, b.negative) {
            case (false, false), (true, true):
                combined = Term(add(a.node, shift: a.shift, b.node, shift: b.shift, wrap: wrap, name: nodeName), negative: a.negative)
            case (false, true):
                combined = Term(add(a.node, shift: a.shift, b.node, shift: b.shift, subtract: true, wrap: wrap, name: nodeName))
            case (true, false):
                combined = Term(add(b.node, shift: b.shift, a.node, shift: a.shift, subtract: true, wrap: wrap, name: nodeName))
            }
            pending.append((combined, depth(of: combined.node), order))
            order += 1
        }
        let root = pending[0].term
        var result = rescale(root.node, by: root.shift, name: name + (root.shift < 0 ? "_xm\(-root.shift)" : "_x\(root.shift)"))
        if root.negative { result = negate(result, name: name + "_neg") }
        if let w = wrap {
            let own = w.bits - (self[result].scale - w.scale)
            if own <= 0 { return constant(0, scale: self[result].scale, name: name + "_zero") }
            result = self.wrap(result, bits: own, name: name + "_wrap")
        }
        return result
    }

    /// The terms of `x * c` for a constant `c`: one shifted copy of `x` per
    /// canonical signed digit.
    public func constantProductTerms(_ x: NodeID, _ c: Int128, shift: Int = 0) -> [Term] {
        SignedDigits.csd(c).map { Term(x, shift: $0.exponent + shift, negative: $0.negative) }
    }

    /// `a * b` exactly without a multiplier: one partial product per bit
    /// of the narrower operand (`bit k ? other : 0`, a mux that synthesis
    /// folds into the adder's LUTs), shifted by `k` and summed as an adder
    /// tree; a signed operand's top bit weighs `-2^k`, so its term is
    /// subtracted. The same integer as ``multiply(_:_:name:)``.
    public mutating func logicProduct(_ a: NodeID, _ b: NodeID, name: String) -> NodeID {
        let (x, bits) = self[a].width >= self[b].width ? (a, b) : (b, a)
        let w = self[bits].width
        let signed = self[bits].isSigned
        let zero = constant(0, scale: self[x].scale, name: name + "_zero")
        var terms: [Term] = []
        for k in 0..<w {
            // Bit k of `bits` is the sign of its low k+1 bits read as a signed word.
            let test = wrap(bits, bits: k + 1, name: "\(name)_b\(k)")
            let partial = select(test, negative: x, otherwise: zero, name: "\(name)_pp\(k)")
            terms.append(Term(partial, shift: k, negative: signed && k == w - 1))
        }
        let total = sum(terms, name: name)
        return rescale(total, by: self[bits].scale, name: name + "_at")
    }

    /// `x * c` exactly, by shift and add.
    public mutating func constantProduct(_ x: NodeID, _ c: Int128, name: String) -> NodeID {
        if c == 0 { return constant(0, scale: self[x].scale, name: name + "_zero") }
        return sum(constantProductTerms(x, c), name: name)
    }
}

/// Canonical signed-digit (non-adjacent) form.
public enum SignedDigits {
    /// `c = sum of (negative ? -1 : 1) * 2^exponent`, no two adjacent
    /// exponents, and the fewest nonzero digits of any signed-digit form.
    public static func csd(_ c: Int128) -> [(exponent: Int, negative: Bool)] {
        var digits: [(exponent: Int, negative: Bool)] = []
        var v = c
        var e = 0
        while v != 0 {
            if v & 1 != 0 {
                let negative = v & 3 == 3
                v += negative ? 1 : -1
                digits.append((e, negative))
            }
            v >>= 1
            e += 1
        }
        return digits
    }
}

import FixedPoint

/// A netlist that breaks a rule of the IR: the node, the rule, and the
/// pass after which it was found (when the verifier ran after one).
public struct NetlistVerifyError: Error, Equatable, Sendable, CustomStringConvertible {
    public var node: Int?
    public var name: String?
    public var message: String
    public var pass: String?

    public var description: String {
        var s = pass.map { "netlist after \($0)" } ?? "netlist"
        if let node { s += ", node %\(node)" + (name.map { " (\($0))" } ?? "") }
        return s + ": " + message
    }
}

/// The rules every netlist keeps, checked after every netlist pass
/// (building, ``TernaryAdders``, ``Pipeline`` with ``RegisterSinking``):
///
/// - **acyclic**: a node reads only nodes before it; ports, elements and
///   tables exist; outputs are nodes;
/// - **widths from intervals**: each node's interval holds every value its
///   operation can give on its operands' intervals (so its width, derived
///   from the interval, is wide enough), except where the operation is
///   defined to wrap (an accumulator's add to a signed word, ``Operation/wrap``)
///   or to assume (``Operation/view``, a narrower interval inside the
///   operand's); scales follow the operation;
/// - **registers at stage boundaries** (a pipelined netlist): a register is
///   one stage after what it holds, every other node reads only nodes of
///   its own stage (or constants), inputs are in stage 0, and the outputs
///   are read in one stage;
/// - **timing** (``verifyTiming(_:budget:delay:inputDepth:)``): no stage's
///   logic is deeper than the budget by the delay model, counted as the
///   pipeliner counts it.
public enum NetlistVerifier {
    public static func verify(_ n: Netlist, after pass: String? = nil) throws(NetlistVerifyError) {
        for (i, node) in n.nodes.enumerated() {
            func fail(_ message: String) -> NetlistVerifyError {
                NetlistVerifyError(node: i, name: node.name, message: message, pass: pass)
            }
            for a in node.operation.operands where a.index < 0 || a.index >= i {
                throw fail("reads \(a), which is not before it")
            }
            if let message = problem(node, in: n) { throw fail(message) }
        }
        for o in n.outputs where o.index < 0 || o.index >= n.nodes.count {
            throw NetlistVerifyError(node: nil, name: nil, message: "output \(o) is not a node", pass: pass)
        }
        if n.nodes.contains(where: { $0.stage > 0 }) || n.nodes.contains(where: { if case .register = $0.operation { true } else { false } }) {
            try verifyStages(n, after: pass)
        }
    }

    /// The pipeline rules of a netlist whose nodes have stages.
    static func verifyStages(_ n: Netlist, after pass: String?) throws(NetlistVerifyError) {
        for (i, node) in n.nodes.enumerated() {
            func fail(_ message: String) -> NetlistVerifyError {
                NetlistVerifyError(node: i, name: node.name, message: message, pass: pass)
            }
            switch node.operation {
            case .constant: continue
            case .input:
                if node.stage != 0 { throw fail("an input in stage \(node.stage), not 0") }
            case let .register(a):
                if !isConstant(n[a]), node.stage != n[a].stage + 1 {
                    throw fail("a register in stage \(node.stage) holds \(a) of stage \(n[a].stage): not at a stage boundary")
                }
            default:
                for a in node.operation.operands where !isConstant(n[a]) && n[a].stage != node.stage {
                    throw fail("reads \(a) of stage \(n[a].stage) in stage \(node.stage) without a register")
                }
            }
        }
        let stages = Set(n.outputs.filter { !isConstant(n[$0]) }.map { n[$0].stage })
        if stages.count > 1 {
            throw NetlistVerifyError(node: nil, name: nil, message: "outputs are read in stages \(stages.sorted()), not one", pass: pass)
        }
    }

    /// Every stage's logic within `budget` picoseconds of `delay`, the
    /// inputs arriving `inputDepth` into stage 0; a single node slower than
    /// the budget counts as the budget, as the pipeliner counts it.
    public static func verifyTiming(_ n: Netlist, budget: Int, delay: DelayModel, inputDepth: Int,
                                    after pass: String? = nil) throws(NetlistVerifyError) {
        var depth = [Int](repeating: 0, count: n.nodes.count)
        for (i, node) in n.nodes.enumerated() {
            switch node.operation {
            case .constant, .register: depth[i] = 0
            case .input: depth[i] = min(inputDepth, budget)
            default:
                let before = node.operation.operands.filter { !isConstant(n[$0]) }.map { depth[$0.index] }.max() ?? 0
                depth[i] = before + min(delay.picoseconds(node, in: n), budget)
                if depth[i] > budget {
                    throw NetlistVerifyError(node: i, name: node.name, message:
                        "stage \(node.stage) is \(depth[i]) ps deep here, past its budget of \(budget) ps", pass: pass)
                }
            }
        }
    }

    static func isConstant(_ node: Node) -> Bool { if case .constant = node.operation { true } else { false } }

    /// What is wrong with one node's interval or scale, or nil.
    static func problem(_ node: Node, in n: Netlist) -> String? {
        let i = node.interval
        func holds(_ derived: Interval?, _ what: String) -> String? {
            guard let derived else { return "the range of \(what) does not fit 127 bits" }
            return i.lo <= derived.lo && derived.hi <= i.hi ? nil : "interval \(i) does not hold \(derived), the range of \(what)"
        }
        func sameScale(_ a: NodeID) -> String? {
            node.scale == n[a].scale ? nil : "scale \(node.scale) differs from \(a)'s \(n[a].scale)"
        }
        switch node.operation {
        case let .input(port, element):
            guard port < n.ports.count, element < n.ports[port].size else { return "reads port \(port) element \(element), which does not exist" }
            let t = n.ports[port].type
            if node.scale != -t.fractionBits { return "scale \(node.scale), not \(-t.fractionBits) of \(t)" }
            return holds(Interval(Int128(t.minRaw), Int128(t.maxRaw)), "\(t)")
        case let .constant(c):
            return i.contains(c) ? nil : "interval \(i) does not hold the constant \(c)"
        case let .add(a, ka, b, kb, subtract):
            guard ka >= 0, kb >= 0, min(ka, kb) == 0 else { return "shifts \(ka) and \(kb): both at least 0, one of them 0" }
            let terms = [(n[a].interval, ka, false), (n[b].interval, kb, subtract)]
            return isWrappedWord(i) ? nil : holds(Checked.sum(terms), "the sum")
        case let .add3(a, b, c):
            let terms = [a, b, c]
            guard terms.allSatisfy({ $0.shift >= 0 }), terms.map(\.shift).min() == 0, terms.contains(where: { !$0.negative }) else {
                return "a ternary add needs shifts of at least 0 (one of them 0) and a positive term"
            }
            return isWrappedWord(i) ? nil : holds(Checked.sum(terms.map { (n[$0.node].interval, $0.shift, $0.negative) }), "the sum")
        case let .negate(a):
            return sameScale(a) ?? holds(Checked.sum([(n[a].interval, 0, true)]), "-\(a)")
        case let .wrap(a, bits):
            guard (1...126).contains(bits) else { return "wraps to \(bits) bits" }
            return sameScale(a) ?? (i == Interval.signedWord(bits) ? nil : "interval \(i) is not the \(bits)-bit signed word")
        case let .quantize(a, type):
            if node.scale != -type.fractionBits { return "scale \(node.scale), not \(-type.fractionBits) of \(type)" }
            let range = Interval(Int128(type.minRaw), Int128(type.maxRaw))
            guard range.lo <= i.lo, i.hi <= range.hi else { return "interval \(i) is outside \(type)'s codes \(range)" }
            let x = n[a], f = -x.scale
            let lo = Int128(type.quantize(ExactValue(raw: x.interval.lo, fractionBits: f)))
            let hi = Int128(type.quantize(ExactValue(raw: x.interval.hi, fractionBits: f)))
            let fits = QuantizeBounds.fitsWithoutOverflow(x.interval, scale: x.scale, type: type)
            return holds(fits ? Interval(min(lo, hi), max(lo, hi)) : range, "\(type) of \(a)")
        case let .relu(a):
            let x = n[a].interval
            return sameScale(a) ?? holds(Interval(max(x.lo, 0), max(x.hi, 0)), "relu(\(a))")
        case let .maximum(a, b):
            let x = n[a].interval, y = n[b].interval
            return sameScale(a) ?? sameScale(b) ?? holds(Interval(max(x.lo, y.lo), max(x.hi, y.hi)), "max(\(a), \(b))")
        case let .select(_, neg, other):
            return sameScale(neg) ?? sameScale(other) ?? holds(n[neg].interval.union(n[other].interval), "the branches")
        case let .view(a):
            let x = n[a].interval
            return x.lo <= i.lo && i.hi <= x.hi ? nil : "a view's interval \(i) is not inside \(a)'s \(x)"
        case let .offsetBinary(a, bits):
            guard (1...126).contains(bits) else { return "offset binary of \(bits) bits" }
            let word = Interval.signedWord(bits)
            guard word.lo <= n[a].interval.lo, n[a].interval.hi <= word.hi else { return "\(a) does not fit a \(bits)-bit signed code" }
            return sameScale(a) ?? holds(Interval.unsignedWord(bits), "a \(bits)-bit offset code")
        case let .lookup(table, index):
            guard table < n.tables.count else { return "reads table \(table), which does not exist" }
            let t = n.tables[table]
            guard n[index].interval.lo >= 0, n[index].interval.hi < Int128(t.values.count) else {
                return "index \(index) ranges over \(n[index].interval), past the \(t.values.count) words of table \(t.name)"
            }
            return holds(t.interval, "table \(t.name)")
        case let .multiply(a, b):
            if node.scale != n[a].scale + n[b].scale { return "scale \(node.scale), not the sum of the operands' scales" }
            return holds(Checked.product(n[a].interval, n[b].interval), "the product")
        case let .register(a):
            return sameScale(a) ?? (i == n[a].interval ? nil : "a register's interval \(i) differs from \(a)'s \(n[a].interval)")
        }
    }

    /// An adder's result is a signed word when it wraps (an accumulator).
    static func isWrappedWord(_ i: Interval) -> Bool { i == Interval.signedWord(i.width) && i.isSigned }
}

/// Interval arithmetic that reports overflow of Int128 (a parsed netlist
/// may hold any numbers) instead of trapping.
enum Checked {
    /// `Σ ±(interval << shift)`, or nil on overflow.
    static func sum(_ terms: [(Interval, Int, Bool)]) -> Interval? {
        var lo: Int128 = 0, hi: Int128 = 0
        for (interval, shift, negative) in terms {
            guard var l = shifted(interval.lo, shift), var h = shifted(interval.hi, shift) else { return nil }
            if negative {
                guard l != Int128.min, h != Int128.min else { return nil }
                (l, h) = (-h, -l)
            }
            let a = lo.addingReportingOverflow(l), b = hi.addingReportingOverflow(h)
            guard !a.overflow, !b.overflow else { return nil }
            (lo, hi) = (a.partialValue, b.partialValue)
        }
        return Interval(lo, hi)
    }

    static func product(_ a: Interval, _ b: Interval) -> Interval? {
        var corners: [Int128] = []
        for x in [a.lo, a.hi] {
            for y in [b.lo, b.hi] {
                let p = x.multipliedReportingOverflow(by: y)
                guard !p.overflow else { return nil }
                corners.append(p.partialValue)
            }
        }
        return Interval(corners.min()!, corners.max()!)
    }

    static func shifted(_ v: Int128, _ k: Int) -> Int128? {
        guard k >= 0 else { return nil }
        if v == 0 { return 0 }
        guard k < 126 else { return nil }
        let r = v << k
        return r >> k == v ? r : nil
    }
}

import FixedPoint

/// Why a netlist text could not be read: the line (from 1) and what is wrong.
public struct NetlistTextError: Error, Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "netlist text, line \(line): \(message)" }
}

/// Reads the text ``NetlistPrinter`` writes back into a ``Netlist``. Every
/// field is checked as it is read (a node reads only nodes before it, a
/// table or port exists, an interval is not empty, names are unique); that
/// the intervals, scales and stages are consistent is ``NetlistVerifier``'s
/// concern, so a test can hand the verifier a netlist that is wrong.
public enum NetlistParser {
    public static func parse(_ text: String) throws(NetlistTextError) -> Netlist {
        var n = Netlist()
        var nodes: [Node] = []
        var sections: [Int: [String]] = [:]
        var names = Set<String>()
        var sawOutput = false
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var i = 0
        func fail(_ message: String) -> NetlistTextError { NetlistTextError(line: i + 1, message: message) }
        guard lines.first.map(String.init) == NetlistPrinter.header else {
            throw NetlistTextError(line: 1, message: "expected '\(NetlistPrinter.header)'")
        }
        i = 1
        while i < lines.count {
            let line = String(lines[i])
            defer { i += 1 }
            if line.isEmpty { continue }
            if sawOutput { throw fail("nothing may follow the output line") }
            if line.hasPrefix("// ") {
                sections[nodes.count, default: []].append(String(line.dropFirst(3)))
                continue
            }
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            switch words[0] {
            case "port":
                guard nodes.isEmpty else { throw fail("ports come before the nodes") }
                guard words.count == 4, let size = Int(words[3]), size >= 0 else { throw fail("expected 'port <name> <type> <size>'") }
                n.ports.append(Netlist.Port(name: words[1], type: try type(words[2], fail), size: size))
            case "table":
                guard words.count >= 4, let bits = Int(words[2]), (0...30).contains(bits),
                      let quote = line.firstIndex(of: "\"") else { throw fail("expected 'table <name> <index bits> \"<comment>\"'") }
                let comment = try unquoted(line[quote...], fail)
                i += 1
                guard i < lines.count, lines[i].hasPrefix("  words") else { throw fail("expected a '  words' line after the table") }
                var values: [Int64] = []
                for w in lines[i].dropFirst("  words".count).split(separator: " ") {
                    guard let v = Int64(w) else { throw fail("'\(w)' is not a 64-bit integer") }
                    values.append(v)
                }
                n.tables.append(Table(name: words[1], values: values, indexBits: bits, comment: comment))
            case "ternary-sums":
                guard words.count == 2, words[1] == "on" || words[1] == "off" else { throw fail("expected 'ternary-sums on' or 'off'") }
                n.ternarySums = words[1] == "on"
            case "output":
                guard words.count >= 2 else { throw fail("expected 'output <type or -> <nodes>'") }
                n.outputType = words[1] == "-" ? nil : try type(words[1], fail)
                n.outputs = try words.dropFirst(2).map { w throws(NetlistTextError) in try node(w, before: nodes.count, fail) }
                sawOutput = true
            default:
                guard words[0] == "%\(nodes.count)" else { throw fail("expected node %\(nodes.count), found '\(words[0].prefix(40))'") }
                let parsed = try nodeLine(line, words: words, n: n, count: nodes.count, fail)
                guard names.insert(parsed.name).inserted else { throw fail("the name '\(parsed.name)' is used twice") }
                nodes.append(parsed)
            }
        }
        guard sawOutput else { throw NetlistTextError(line: lines.count, message: "no output line") }
        let outputs = n.outputs
        n.replaceNodes(nodes, outputs: outputs, sections: sections)
        return n
    }

    /// `%i name = op args : lo..hi s<scale> @<stage> [# comment]`.
    static func nodeLine(_ line: String, words: [String], n: Netlist, count: Int,
                         _ fail: (String) -> NetlistTextError) throws(NetlistTextError) -> Node {
        var body = Substring(line)
        var comment: String? = nil
        if let hash = line.firstRange(of: " # ") {
            comment = String(line[hash.upperBound...])
            body = line[..<hash.lowerBound]
        }
        let parts = body.split(separator: " ").map(String.init)
        guard parts.count >= 8, parts[2] == "=", let colon = parts.lastIndex(of: ":"), colon == parts.count - 4 else {
            throw fail("expected '%i <name> = <operation> : <lo>..<hi> s<scale> @<stage>'")
        }
        let name = parts[1]
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw fail("'\(name.prefix(40))' is not a Verilog identifier")
        }
        let bounds = parts[colon + 1].split(separator: "..", omittingEmptySubsequences: false).map(String.init)
        guard bounds.count == 2, let lo = Int128(bounds[0]), let hi = Int128(bounds[1]), lo <= hi else {
            throw fail("'\(parts[colon + 1].prefix(80))' is not an interval lo..hi")
        }
        guard parts[colon + 2].hasPrefix("s"), let scale = Int(parts[colon + 2].dropFirst()), abs(scale) <= 1024 else {
            throw fail("expected the scale as s<integer>")
        }
        guard parts[colon + 3].hasPrefix("@"), let stage = Int(parts[colon + 3].dropFirst()), stage >= 0 else {
            throw fail("expected the stage as @<integer>")
        }
        let op = try operation(Array(parts[3..<colon]), n: n, count: count, fail)
        var node = Node(operation: op, interval: Interval(lo, hi), scale: scale, name: name, comment: comment)
        node.stage = stage
        return node
    }

    static func operation(_ w: [String], n: Netlist, count: Int,
                          _ fail: (String) -> NetlistTextError) throws(NetlistTextError) -> Operation {
        func arity(_ k: Int) throws(NetlistTextError) {
            guard w.count == k + 1 else { throw fail("'\(w[0])' takes \(k) argument\(k == 1 ? "" : "s")") }
        }
        func ref(_ s: String) throws(NetlistTextError) -> NodeID { try node(s, before: count, fail) }
        func int(_ s: String, _ range: ClosedRange<Int>) throws(NetlistTextError) -> Int {
            guard let v = Int(s), range.contains(v) else { throw fail("'\(s.prefix(40))' is not an integer in \(range)") }
            return v
        }
        func shifted(_ s: String) throws(NetlistTextError) -> (NodeID, Int) {
            let p = s.split(separator: "<<", omittingEmptySubsequences: false).map(String.init)
            guard p.count == 2 else { throw fail("expected %node<<shift, found '\(s.prefix(40))'") }
            return (try ref(p[0]), try int(p[1], 0...1024))
        }
        switch w[0] {
        case "input":
            try arity(2)
            let port = try int(w[1], 0...Int.max)
            guard port < n.ports.count else { throw fail("port \(port) is not declared") }
            return .input(port: port, element: try int(w[2], 0...max(0, n.ports[port].size - 1)))
        case "const":
            try arity(1)
            guard let v = Int128(w[1]) else { throw fail("'\(w[1].prefix(50))' is not an integer") }
            return .constant(v)
        case "add", "sub":
            try arity(2)
            let (a, ka) = try shifted(w[1]), (b, kb) = try shifted(w[2])
            return .add(a, shiftA: ka, b, shiftB: kb, subtract: w[0] == "sub")
        case "add3":
            try arity(3)
            var terms: [Netlist.Term] = []
            for t in w[1...] {
                guard let sign = t.first, sign == "+" || sign == "-" else { throw fail("a ternary term starts with + or -") }
                let (node, shift) = try shifted(String(t.dropFirst()))
                terms.append(Netlist.Term(node, shift: shift, negative: sign == "-"))
            }
            return .add3(terms[0], terms[1], terms[2])
        case "neg": try arity(1); return .negate(try ref(w[1]))
        case "wrap": try arity(2); return .wrap(try ref(w[1]), bits: try int(w[2], 1...127))
        case "quantize": try arity(2); return .quantize(try ref(w[1]), try type(w[2], fail))
        case "relu": try arity(1); return .relu(try ref(w[1]))
        case "max": try arity(2); return .maximum(try ref(w[1]), try ref(w[2]))
        case "select": try arity(3); return .select(test: try ref(w[1]), negative: try ref(w[2]), otherwise: try ref(w[3]))
        case "view": try arity(1); return .view(try ref(w[1]))
        case "offset": try arity(2); return .offsetBinary(try ref(w[1]), bits: try int(w[2], 1...127))
        case "lookup":
            try arity(2)
            let table = try int(w[1], 0...Int.max)
            guard table < n.tables.count else { throw fail("table \(table) is not declared") }
            return .lookup(table: table, index: try ref(w[2]))
        case "mul": try arity(2); return .multiply(try ref(w[1]), try ref(w[2]))
        case "reg": try arity(1); return .register(try ref(w[1]))
        default: throw fail("unknown operation '\(w[0].prefix(40))'")
        }
    }

    /// `%k` with `k` below `count`: a node already read.
    static func node(_ s: String, before count: Int, _ fail: (String) -> NetlistTextError) throws(NetlistTextError) -> NodeID {
        guard s.hasPrefix("%"), let k = Int(s.dropFirst()), k >= 0 else { throw fail("'\(s.prefix(40))' is not a node (%<index>)") }
        guard k < count else { throw fail("\(s) is read before it is defined") }
        return NodeID(k)
    }

    static func type(_ s: String, _ fail: (String) -> NetlistTextError) throws(NetlistTextError) -> FixedType {
        do { return try FixedType(parsing: s) } catch { throw fail("\(error)") }
    }

    /// The text of a `"..."` with `\"` and `\\` escapes.
    static func unquoted(_ s: Substring, _ fail: (String) -> NetlistTextError) throws(NetlistTextError) -> String {
        guard s.count >= 2, s.first == "\"", s.last == "\"" else { throw fail("expected a quoted comment") }
        var out = ""
        var escaped = false
        for c in s.dropFirst().dropLast() {
            if escaped { out.append(c); escaped = false } else if c == "\\" { escaped = true } else { out.append(c) }
        }
        guard !escaped else { throw fail("a quoted comment ends in a lone backslash") }
        return out
    }
}

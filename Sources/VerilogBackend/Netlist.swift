/// The combinational network of one op module, before pipelining.
///
/// Every node is one named Verilog wire. Arithmetic helpers (in the
/// extensions of this type) add nodes and return ``Signal``s; the scheduler
/// (``Schedule``) then assigns each node to a pipeline stage and the printer
/// (``ModulePrinter``) inserts the registers.
struct Netlist {
    /// A piece of a Verilog expression: literal text, or a reference to
    /// another node (printed as that node's wire or pipeline register,
    /// whichever is visible in the reader's stage).
    enum Fragment: Equatable {
        case text(String)
        case ref(Int)
    }

    enum Kind: Equatable {
        /// A slice of a module input port: available in stage 0.
        case port
        /// A constant: available in every stage, never registered.
        case constant
        /// Logic of `cost` depth units (see ``CostModel``).
        case logic(cost: Int)
    }

    struct Node {
        var name: String
        var width: Int
        var kind: Kind
        var expression: [Fragment]
        var comment: String?

        var inputs: [Int] {
            expression.compactMap { if case .ref(let i) = $0 { return i } else { return nil } }
        }
        var cost: Int {
            if case .logic(let c) = kind { return c }
            return 0
        }
    }

    private(set) var nodes: [Node] = []
    private var usedNames: [String: Int] = [:]
    /// Comment lines to print before the node with the given index.
    var sectionComments: [Int: [String]] = [:]

    /// Accumulated depth (cost units) of each node, ignoring pipelining;
    /// used to pair the earliest-ready terms first in adder trees.
    private var depths: [Int] = []

    /// Adds a node and returns its index. Names are made unique.
    private mutating func add(_ name: String, width: Int, kind: Kind, _ expression: [Fragment], comment: String? = nil) -> Int {
        precondition(width >= 1, "netlist wire \(name) has width \(width)")
        var unique = name
        if let n = usedNames[name] {
            var k = n
            repeat { k += 1; unique = "\(name)_\(k)" } while usedNames[unique] != nil
            usedNames[name] = k
        }
        usedNames[unique] = 0
        nodes.append(Node(name: unique, width: width, kind: kind, expression: expression, comment: comment))
        return nodes.count - 1
    }

    /// Attaches a comment line printed before the next node added.
    mutating func section(_ line: String) {
        sectionComments[nodes.count, default: []].append(line)
    }

    /// The logic depth (cost units) from the ports to `node`, ignoring pipelining.
    func depth(of node: Int) -> Int { depths[node] }

    /// Adds a logic node of `cost` depth units.
    mutating func add(_ name: String, width: Int, cost: Int, _ expression: [Fragment], comment: String? = nil) -> Int {
        let id = add(name, width: width, kind: .logic(cost: cost), expression, comment: comment)
        recordDepth(id)
        return id
    }

    /// Adds a slice of an input port.
    mutating func addPort(_ name: String, width: Int, slice: String) -> Int {
        let id = add(name, width: width, kind: .port, [.text(slice)])
        recordDepth(id)
        return id
    }

    /// Adds a constant wire.
    mutating func addConstant(_ name: String, width: Int, pattern: String, comment: String? = nil) -> Int {
        let id = add(name, width: width, kind: .constant, [.text(pattern)], comment: comment)
        recordDepth(id)
        return id
    }

    private mutating func recordDepth(_ id: Int) {
        let d = nodes[id].inputs.map { depths[$0] }.max() ?? 0
        depths.append(d + nodes[id].cost)
    }
}

/// How much logic fits between two registers, in depth units: an adder or a
/// rounding increment is 4 units, a comparator with its mux 6, a 2:1 mux 2,
/// an overflow check with its mux 4, a ROM read 4 (up to 64 words) or 8, a
/// variable multiplier 12 (at most a whole stage).
public struct CostModel: Sendable, Equatable {
    public static let adder = 4
    public static let mux = 2
    public static let compareSelect = 6
    public static let overflow = 4
    public static func rom(indexBits: Int) -> Int { indexBits <= 6 ? 4 : 8 }
    public static let multiplier = 12

    /// Depth units allowed per pipeline stage.
    public var budget: Int

    /// `addersPerStage` is clamped to 1 ... ``VerilogOptions/maxAddersPerStage``.
    public init(addersPerStage: Int) {
        budget = min(max(1, addersPerStage), VerilogOptions.maxAddersPerStage) * Self.adder
    }

    /// A node's cost, clamped so that a single node always fits a stage.
    func clamp(_ cost: Int) -> Int { min(cost, budget) }
}

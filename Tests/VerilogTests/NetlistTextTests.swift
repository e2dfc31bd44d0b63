import FixedPoint
import Foundation
import ModelIR
import NetlistIR
import Testing
import VerilogBackend

/// The netlist text form on real netlists: every op of every zoo and shipped
/// model, combinational and pipelined, prints, parses back to the same
/// netlist (the same text, and the same outputs on the interpreter), and
/// passes the verifier, with each choice of ternary adders.
@Suite struct NetlistTextTests {
    @Test(arguments: NetlistInterpreterTests.cases)
    func everyOpNetlistRoundTripsAndVerifies(model name: String, ternaryAdders: TernaryAdderUse) throws {
        let model = try NetlistInterpreterTests.lowered(name)
        let options = VerilogOptions(ternaryAdders: ternaryAdders)
        let built = try NetlistModel.buildOps(model, options: options)
        let pipelined = try NetlistModel(model, built: built, options: options)
        let netlists = built.map(\.netlist) + pipelined.ops.map(\.netlist)
        for (k, n) in netlists.enumerated() {
            let text = NetlistPrinter.print(n)
            let back = try NetlistParser.parse(text)
            #expect(NetlistPrinter.print(back) == text, "\(name) netlist \(k): the text does not round-trip")
            #expect(back.nodes.count == n.nodes.count && back.outputs == n.outputs && back.tables == n.tables)
            try NetlistVerifier.verify(back)
        }
        // The parsed pipelined netlists compute what the originals do.
        let ops = model.ops
        for (op, original) in zip(ops, pipelined.ops) {
            let parsed = try NetlistParser.parse(NetlistPrinter.print(original.netlist))
            for event in RTLTest.inputs(model, count: 50, seed: 3) {
                let ports = Self.ports(op, of: model, event: event)
                guard let ports else { break }
                #expect(Interpreter(parsed).evaluate(ports) == Interpreter(original.netlist).evaluate(ports))
            }
        }
    }

    /// The op's input ports for one model event, where the op reads only model inputs (else nil).
    static func ports(_ op: LoweredOp, of model: LoweredModel, event: [Int64]) -> [[Int64]]? {
        var offset = 0
        var byTensor: [Int: [Int64]] = [:]
        for id in model.inputs {
            byTensor[id.index] = Array(event[offset..<(offset + model[id].size)])
            offset += model[id].size
        }
        let ports = op.inputs.map { byTensor[$0.index] }
        return ports.contains { $0 == nil } ? nil : ports.map { $0! }
    }
}

/// `rtl/netlist.txt` of a compiled design: one section per op module, each
/// the module's pipelined netlist, which parses, verifies and is the netlist
/// the Verilog was printed from.
@Suite struct DesignNetlistFileTests {
    @Test func theDesignsNetlistFileHoldsEveryOpModule() throws {
        let model = try NetlistInterpreterTests.lowered("examples/jet_tagger")
        let design = try VerilogEmitter.emit(model, options: VerilogOptions())
        let file = try #require(design.files.first { $0.path == VerilogEmitter.netlistFile })
        let sections = VerilogEmitter.netlistSections(file.contents)
        #expect(sections.map(\.module) == design.modules.map(\.module))
        let netlists = try NetlistModel(model, options: VerilogOptions())
        for (section, built) in zip(sections, netlists.ops) {
            let parsed = try NetlistParser.parse(section.text)
            #expect(NetlistPrinter.print(parsed) == NetlistPrinter.print(built.netlist))
            try NetlistVerifier.verify(parsed)
        }
    }
}

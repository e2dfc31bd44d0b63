import FixedPoint
import ModelIR
import ModelZoo
import NetlistIR
import NetlistLowering
import Reference
import Testing
import VerilogBackend

/// Ops that read elements whose low bits their producer leaves zero
/// (``NetlistCost/outputZeroLowBits(_:inputZeros:)``) drop them before their
/// sums: on the zoo's calorimeter model a dense op is narrower than built
/// without that knowledge, and the model still computes the reference's codes.
@Suite struct ZeroLowBitsInputTests {
    @Test func aDenseOpReadsItsInputsWithoutTheProducersZeros() throws {
        let model = try RTLTest.lower(ModelZoo.calorimeterConv())
        let options = VerilogOptions()
        let built = try NetlistModel.buildOps(model, options: options)
        var narrowed = 0
        for (op, b) in zip(model.ops, built) where b.notes.contains(where: { $0.hasPrefix("inputs read without the low bits") }) {
            narrowed += 1
            let plain = try OpNetlists.build(op, in: model, ternarySums: true)
            #expect(NetlistCost(b.netlist).adderBits < NetlistCost(plain.netlist).adderBits, "op \(op.name)")
            // The dropped bits are slices of the ports: no logic of their own.
            let drops = b.netlist.nodes.filter { $0.name.hasSuffix("_nz") }
            #expect(!drops.isEmpty && drops.allSatisfy { node in
                guard case let .quantize(a, type) = node.operation else { return false }
                return type.quantization == .trn && type.width < b.netlist[a].width && node.scale > b.netlist[a].scale
            })
        }
        #expect(narrowed > 0)
        let netlists = try NetlistModel(model, built: built, options: options)
        let reference = FixedPointEvaluator(model)
        for event in RTLTest.inputs(model, count: 500, seed: 3) {
            #expect(netlists.evaluate(event) == reference.runRaw(event))
        }
    }
}

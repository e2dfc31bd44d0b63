import FixedPoint
import ModelIR
import NetlistIR

extension OpNetlists {
    static func forest(_ f: ForestOp, _ x: [NodeID], inputType: FixedType, out: FixedType, _ b: inout OpNetlist) throws(VerilogError) -> [NodeID] {
        throw VerilogError.unsupported(op: "forest", "the Verilog backend does not build forests yet")
    }
}

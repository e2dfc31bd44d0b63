import Testing
import FixedPoint
import ModelIR
import Simulation
import VerilogBackend

/// The generated quantize logic against ``FixedType/quantize(_:)-(ExactValue)``:
/// every quantization mode, every overflow mode, several saturation-bit counts
/// and target shapes (fewer fraction bits, fewer integer bits, wider, unsigned,
/// negative F, one bit, the source format itself), from a signed and an unsigned source, with every
/// source code simulated.
@Suite(.serialized) struct QuantizeLogicTests {
    static func sweepModel() throws -> LoweredModel {
        let signedSource = FixedType.fixed(10, 4)
        let unsignedSource = FixedType.ufixed(9, 3)
        var tensors = [TensorInfo(name: "s", size: 1, type: signedSource), TensorInfo(name: "u", size: 1, type: unsignedSource)]
        var ops: [LoweredOp] = []
        let overflows: [(OverflowMode, Int)] = [(.wrap, 0), (.wrap, 1), (.wrap, 2), (.sat, 0), (.satZero, 0), (.satSym, 0),
                                                (.wrapSM, 0), (.wrapSM, 1), (.wrapSM, 2)]
        let shapes: [(Bool, Int, Int)] = [(true, 6, 3), (false, 5, 2), (true, 8, 2), (true, 12, 7), (true, 4, 6), (true, 1, 1),
                                          (false, 4, -1), (true, 7, 4), (true, 10, 4), (false, 9, 3)]
        for (source, id) in [("s", TensorID(0)), ("u", TensorID(1))] {
            for q in QuantizationMode.allCases {
                for (o, n) in overflows {
                    for (signed, w, i) in shapes where n <= w && (signed || o != .wrapSM) {
                        let t = try FixedType(signed: signed, width: w, integerBits: i, quantization: q, overflow: o, saturationBits: n)
                        let name = "\(source)_\(q.rawValue.lowercased())_\(o.rawValue.lowercased())\(n)_\(signed ? "s" : "u")\(w)_\(i < 0 ? "m\(-i)" : "\(i)")"
                        tensors.append(TensorInfo(name: name, size: 1, type: t))
                        ops.append(LoweredOp(name: name, sourceLayers: [name], kind: .quantize, inputs: [id], output: TensorID(tensors.count - 1)))
                    }
                }
            }
        }
        return LoweredModel(name: "quantize_sweep", tensors: tensors, inputs: [TensorID(0), TensorID(1)],
                            outputs: ops.map(\.output), ops: ops)
    }

    @Test func everyModeMatchesFixedTypeQuantize() async throws {
        let model = try Self.sweepModel()
        let design = try VerilogEmitter.emit(model, options: VerilogOptions())
        // Every signed code, paired with every unsigned code (cycled).
        let s = model.tensors[0].type, u = model.tensors[1].type
        let inputs: [[Int64]] = (0..<1024).map { k in [s.minRaw + Int64(k), u.minRaw + Int64((k * 7) % 512)] }
        let result = try await VerilatorSimulation(design: design, model: model).run(raw: inputs)
        #expect(result.compared.mismatchCount == 0)
        for m in result.compared.mismatches.prefix(10) {
            let op = model.ops[m.output]
            Issue.record("\(op.name): \(m)")
        }
        #expect(result.measuredLatency == design.latency)
    }
}

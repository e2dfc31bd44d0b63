import Foundation
import QONNX
import Testing

/// Hostile QONNX files too large to commit (issue 21, memory and time):
/// built here with the ONNX protobuf types, then imported by the CLI with
/// its peak memory measured. Small hostile ONNX files live in
/// Tests/QONNXTests/Malformed (make_malformed.py).
@Suite(.serialized) struct HostileImportTests {
    /// `x[N,4]` (FLOAT) read by `MatMul(x, w)` with a 4 × 4 weight, plus
    /// whatever `extra` nodes and initializers add.
    static func model(extraNodes: [Onnx_NodeProto] = [], extraInitializers: [Onnx_TensorProto] = [],
                      output: String = "y") -> Onnx_ModelProto {
        let w = Onnx_TensorProto.with {
            $0.name = "w"
            $0.dataType = 1
            $0.dims = [4, 4]
            $0.floatData = (0..<16).map { Float($0 % 5) * 0.25 }
        }
        let mm = Onnx_NodeProto.with { $0.opType = "MatMul"; $0.name = "mm"; $0.input = ["x", "w"]; $0.output = ["h"] }
        let relu = Onnx_NodeProto.with { $0.opType = "Relu"; $0.name = "relu"; $0.input = ["h"]; $0.output = ["y"] }
        func info(_ name: String) -> Onnx_ValueInfoProto {
            Onnx_ValueInfoProto.with {
                $0.name = name
                $0.type.tensorType.elemType = 1
                $0.type.tensorType.shape.dim = [.with { $0.dimParam = "N" }, .with { $0.dimValue = 4 }]
            }
        }
        return Onnx_ModelProto.with {
            $0.irVersion = 8
            $0.opsetImport = [.with { $0.domain = ""; $0.version = 13 }]
            $0.graph.name = "hostile"
            $0.graph.node = [mm, relu] + extraNodes
            $0.graph.initializer = [w] + extraInitializers
            $0.graph.input = [info("x")]
            $0.graph.output = [info(output)]
        }
    }

    func importPeak(_ model: Onnx_ModelProto, named name: String) throws -> CLI.Result {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(name).path
        try model.serializedData().write(to: URL(fileURLWithPath: path))
        let r = try CLI.run(["import", path, "--out", dir.appendingPathComponent("m.json").path,
                             "--input-type", "ap_fixed<8,4>"], timeout: 300)
        #expect(!r.timedOut)
        print("\(name): exit \(r.code), \(String(format: "%.1f", r.seconds)) s, peak \(Int(r.peakMegabytes)) MB")
        return r
    }

    /// Two unused 15M-element INT8 initializers (30 MB of file): never
    /// decoded. Each used to become 120 MB of Doubles (ten of 49M: 4.8 GB;
    /// such a file is now over the 32 MB limit).
    @Test func unusedInitializersAreNeverDecoded() throws {
        let unused = (0..<2).map { i in
            Onnx_TensorProto.with {
                $0.name = "unused\(i)"
                $0.dataType = 3
                $0.dims = [5_000, 3_000]
                $0.rawData = Data(count: 15_000_000)
            }
        }
        let r = try importPeak(Self.model(extraInitializers: unused), named: "unused.onnx")
        #expect(r.code == 0, "\(r.err.prefix(500))")
        #expect(r.peakMegabytes < 150, "peak \(r.peakMegabytes) MB")
    }

    /// The worst case of the protobuf itself: 30 M packed `int64_data`
    /// zeros are one byte each in the file and 8 bytes decoded (240 MB),
    /// plus 240 MB more as Doubles when they were decoded although unused.
    @Test func packedIntegersStayUnderTheBudget() throws {
        let unused = Onnx_TensorProto.with {
            $0.name = "packed"
            $0.dataType = 7
            $0.dims = [30_000_000]
            $0.int64Data = Array(repeating: 0, count: 30_000_000)
        }
        let r = try importPeak(Self.model(extraInitializers: [unused]), named: "packed.onnx")
        #expect(r.code == 0, "\(r.err.prefix(500))")
        #expect(r.peakMegabytes < 400, "peak \(r.peakMegabytes) MB")
    }

    /// A file over the 32 MB limit is refused from its size, unread.
    @Test func aFileOverTheLimitIsRefusedUnread() throws {
        let big = Onnx_TensorProto.with { $0.name = "big"; $0.dataType = 3; $0.dims = [40_000_000]; $0.rawData = Data(count: 40_000_000) }
        let r = try importPeak(Self.model(extraInitializers: [big]), named: "big.onnx")
        #expect(r.code == 2)
        #expect(r.err.contains("big.onnx: file is"), "\(r.err.prefix(300))")
        #expect(r.err.contains("the limit is 33554432"), "\(r.err.prefix(300))")
        #expect(r.peakMegabytes < 100, "peak \(r.peakMegabytes) MB")
    }

    /// `Add(const[50000,1], const[1,50000])` in a 400 KB file: refused before
    /// the 2.5·10^9 values are computed.
    @Test func aBroadcastConstantIsRefusedBeforeItIsComputed() throws {
        func column(_ name: String, _ dims: [Int64]) -> Onnx_TensorProto {
            Onnx_TensorProto.with { $0.name = name; $0.dataType = 1; $0.dims = dims; $0.floatData = Array(repeating: 1, count: 50_000) }
        }
        let add = Onnx_NodeProto.with { $0.opType = "Add"; $0.name = "blowup"; $0.input = ["c1", "c2"]; $0.output = ["c"] }
        let use = Onnx_NodeProto.with { $0.opType = "Add"; $0.name = "use"; $0.input = ["y", "c"]; $0.output = ["z"] }
        let m = Self.model(extraNodes: [add, use], extraInitializers: [column("c1", [50_000, 1]), column("c2", [1, 50_000])], output: "z")
        let r = try importPeak(m, named: "blowup.onnx")
        #expect(r.code == 2)
        #expect(r.err.contains("blowup.onnx: node 'blowup' (Add): shapes [50000, 1] and [1, 50000] broadcast to [50000, 50000], more than 10000000 elements"), "\(r.err.prefix(500))")
        #expect(r.peakMegabytes < 400, "peak \(r.peakMegabytes) MB")
    }

    /// Folds of 9 M elements each (under the per-tensor limit) chained:
    /// all constants together are limited, so the chain cannot add up.
    @Test func chainedConstantFoldsAreLimitedInAll() throws {
        func tensor(_ name: String, _ dims: [Int64], _ count: Int) -> Onnx_TensorProto {
            Onnx_TensorProto.with { $0.name = name; $0.dataType = 1; $0.dims = dims; $0.floatData = Array(repeating: 0.5, count: count) }
        }
        var nodes = [Onnx_NodeProto.with { $0.opType = "Add"; $0.name = "fold0"; $0.input = ["c1", "c2"]; $0.output = ["k0"] }]
        for i in 1..<8 {
            nodes.append(.with { $0.opType = "Mul"; $0.name = "fold\(i)"; $0.input = ["k\(i - 1)", "half"]; $0.output = ["k\(i)"] })
        }
        let m = Self.model(extraNodes: nodes, extraInitializers: [tensor("c1", [3000, 1], 3000), tensor("c2", [1, 3000], 3000),
                                                                 tensor("half", [1], 1)])
        let r = try importPeak(m, named: "folds.onnx")
        #expect(r.code == 2)
        #expect(r.err.contains("folds.onnx: node 'fold1' (Mul): the constants read or computed at import would hold more than 10000000 elements in all"), "\(r.err.prefix(500))")
        #expect(r.peakMegabytes < 400, "peak \(r.peakMegabytes) MB")
    }

    /// A Quant scale of higher rank than the weights it quantizes
    /// (`[1, 1, 4]` on `[4, 4]`) broadcasts like numpy (it trapped: a
    /// negative repeat count).
    @Test func aParameterOfHigherRankBroadcasts() throws {
        func f32(_ name: String, _ dims: [Int64], _ values: [Float]) -> Onnx_TensorProto {
            Onnx_TensorProto.with { $0.name = name; $0.dataType = 1; $0.dims = dims; $0.floatData = values }
        }
        let quant = Onnx_NodeProto.with {
            $0.opType = "Quant"; $0.domain = "qonnx.custom_op.general"; $0.name = "wq"
            $0.input = ["w2", "s", "z", "b"]; $0.output = ["w2q"]
            $0.attribute = [.with { $0.name = "signed"; $0.type = .int; $0.i = 1 }, .with { $0.name = "narrow"; $0.type = .int; $0.i = 0 }]
        }
        let mm = Onnx_NodeProto.with { $0.opType = "MatMul"; $0.name = "mm2"; $0.input = ["y", "w2q"]; $0.output = ["out"] }
        var m = Self.model(extraNodes: [quant, mm], extraInitializers: [
            f32("w2", [4, 4], (0..<16).map { Float($0) * 0.3 }), f32("s", [1, 1, 4], [0.25, 0.25, 0.25, 0.25]),
            f32("z", [], [0]), f32("b", [], [8])], output: "out")
        m.opsetImport.append(.with { $0.domain = "qonnx.custom_op.general"; $0.version = 1 })
        let r = try importPeak(m, named: "rank.onnx")
        #expect(r.code == 0, "\(r.err.prefix(500))")
    }

    /// 20 000 nodes of one name: unique graph names are found in linear time
    /// (this was quadratic); the import succeeds.
    @Test func twentyThousandReluNodesImport() throws {
        var nodes: [Onnx_NodeProto] = []
        var last = "y"
        for i in 0..<20_000 {
            let out = "r\(i)"
            nodes.append(.with { $0.opType = "Relu"; $0.name = "relu"; $0.input = [last]; $0.output = [out] })
            last = out
        }
        let r = try importPeak(Self.model(extraNodes: nodes, output: last), named: "relus.onnx")
        #expect(r.code == 0, "\(r.err.prefix(500))")
        #expect(r.peakMegabytes < 400, "peak \(r.peakMegabytes) MB")
    }
}

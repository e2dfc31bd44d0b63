import Foundation
import FixedPoint
import HLSBackend
import ModelIR
import ModelZoo
import Passes
import TensorIO

/// The synthetic models the HLS tests compile, lowered once.
enum Zoo {
    static func lowered(_ graph: Graph) -> LoweredModel { try! Pipeline.lower(graph) }

    static let oneLayer = lowered(ModelZoo.oneLayer())
    static let tagger = lowered(ModelZoo.tagger())
    static let taggerSoftmax = lowered(ModelZoo.tagger(softmax: true))
    static let autoencoder = lowered(ModelZoo.autoencoder())
    static let sigmoid = lowered(ModelZoo.sigmoid())
    static let branchy = lowered(ModelZoo.branchy())
    static let scales = lowered(ModelZoo.scales())
    static let modes = lowered(modesGraph())
    static let deepSets = lowered(ModelZoo.deepSets())
    static let calorimeterConv = lowered(ModelZoo.calorimeterConv())
    /// Both convolutions with their own reuse factors (2 and 3).
    static let calorimeterConvReuse = lowered(ModelZoo.calorimeterConv(reuse: (2, 3)))
    static let sequenceConv = lowered(ModelZoo.sequenceConv())

    /// Hand-built: 60-bit weights and biases whose codes have more significant
    /// bits than a double (the two-part literals), a 64-bit accumulator and
    /// output, a LeakyReLU slope of 40 bits, and a 63-bit unsigned output.
    static let wide: LoweredModel = {
        let x = TensorInfo(name: "x", size: 3, type: type("ap_fixed<12,4,AP_RND,AP_SAT>"))
        let y = TensorInfo(name: "y", size: 2, type: type("ap_fixed<64,12,AP_RND_CONV,AP_SAT>"))
        let z = TensorInfo(name: "z", size: 2, type: type("ap_ufixed<63,20,AP_RND,AP_SAT>"))
        let dense = DenseOp(
            weightType: type("ap_fixed<62,2>"), biasType: type("ap_fixed<60,8>"), accumulatorType: type("ap_fixed<64,12,AP_RND>"),
            rows: [[WeightTerm(input: 0, weight: 0x1AAA_AAAA_AAAA_AAAB), WeightTerm(input: 1, weight: -0x1555_5555_5555_5555),
                    WeightTerm(input: 2, weight: 0x0123_4567_89AB_CDEF)],
                   [WeightTerm(input: 0, weight: -0x1FFF_FFFF_FFFF_FFFF), WeightTerm(input: 2, weight: 0x1000_0000_0000_0001)]],
            bias: [0x07FF_FFFF_FFFF_FFFF, -0x0765_4321_0FED_CBA9],
            activation: .leakyReLU(alpha: 0x33_3333_3333, alphaType: type("ap_fixed<40,1>")))
        return LoweredModel(name: "wide", tensors: [x, y, z], inputs: [TensorID(0)], outputs: [TensorID(1), TensorID(2)],
                            ops: [LoweredOp(name: "fc", sourceLayers: ["fc"], kind: .dense(dense), inputs: [TensorID(0)], output: TensorID(1)),
                                  LoweredOp(name: "q", sourceLayers: ["q"], kind: .quantize, inputs: [TensorID(1)], output: TensorID(2))])
    }()

    static func type(_ text: String) -> FixedType { try! FixedType(parsing: text) }

    /// Two inputs (one unsigned and wrapping, one with saturation bits),
    /// every quantization and overflow mode, a rounding accumulator, a table
    /// indexed by a left shift, softmax with declared table types, outputs
    /// that later layers also read.
    static func modesGraph() -> Graph {
        var rng = ModelZoo.Random(seed: 6)
        var nodes: [Node] = []
        nodes.append(ModelZoo.dense("d1", input: "x", inputs: 6, units: 6, rng: &rng, precision: LayerPrecision(
            weight: type("ap_fixed<7,1,AP_RND_INF>"), bias: type("ap_fixed<6,2>"), accumulator: type("ap_fixed<14,5,AP_RND>"),
            result: type("ap_fixed<10,4,AP_RND_ZERO,AP_SAT_SYM>"))))
        nodes.append(Node(name: "a1", op: .activation(.leakyReLU(alpha: 0.2)), inputs: ["d1"],
                          precision: LayerPrecision(result: type("ap_fixed<9,3,AP_RND_MIN_INF,AP_SAT_ZERO>"), alpha: type("ap_fixed<6,0,AP_RND>"))))
        nodes.append(Node(name: "e", op: .subtract, inputs: ["a1", "y"], precision: LayerPrecision(result: type("ap_fixed<8,3,AP_RND_INF,AP_WRAP_SM>"))))
        nodes.append(Node(name: "m", op: .multiply, inputs: ["e", "a1"], precision: LayerPrecision(result: type("ap_fixed<10,4,AP_RND_CONV,AP_WRAP,1>"))))
        nodes.append(Node(name: "t", op: .activation(.tanh(TableSettings(size: 1024, range: 4))), inputs: ["m"],
                          precision: LayerPrecision(result: type("ap_fixed<10,1,AP_RND,AP_SAT>"))))
        nodes.append(Node(name: "s", op: .activation(.sigmoid(TableSettings(size: 64, range: 16))), inputs: ["d1"],
                          precision: LayerPrecision(result: type("ap_ufixed<8,0,AP_RND,AP_SAT>"))))
        nodes.append(Node(name: "c", op: .concatenate(axis: -1), inputs: ["t", "s", "x"], precision: LayerPrecision(result: type("ap_fixed<12,4,AP_RND,AP_SAT>"))))
        nodes.append(ModelZoo.dense("d2", input: "c", inputs: 18, units: 5, rng: &rng, precision: LayerPrecision(
            weight: type("ap_fixed<8,2,AP_RND>"), result: type("ap_fixed<12,5,AP_TRN,AP_SAT>"))))
        nodes.append(Node(name: "sm", op: .activation(.softmax(SoftmaxTableSettings())), inputs: ["d2"],
                          precision: LayerPrecision(result: type("ap_ufixed<12,1,AP_RND,AP_SAT>"), exp: type("ap_ufixed<10,1,AP_RND>"),
                                                    inverse: type("ap_ufixed<12,4,AP_RND,AP_SAT>"))))
        nodes.append(Node(name: "total", op: .sum, inputs: ["x"], precision: LayerPrecision(result: type("ap_ufixed<10,6,AP_RND,AP_SAT>"))))
        return Graph(name: "modes",
                     inputs: [GraphInput(name: "x", shape: [6], type: type("ap_ufixed<9,3,AP_RND_CONV,AP_WRAP>")),
                              GraphInput(name: "y", shape: [6], type: type("ap_fixed<7,2,AP_TRN_ZERO,AP_WRAP,2>"))],
                     nodes: nodes, outputs: ["sm", "total", "d1", "m"])
    }
}

/// Random events that stress the input boundary: values inside the range,
/// exact codes, ties between codes, the extremes, and values beyond the
/// range (saturated or wrapped by the input type's O mode).
enum StressEvents {
    static func make(_ model: LoweredModel, events: Int, seed: UInt64) -> EventTable {
        var rng = ModelZoo.Random(seed: seed)
        let types = model.inputs.flatMap { id in Array(repeating: model[id].type, count: model[id].size) }
        var values: [Double] = []
        values.reserveCapacity(events * types.count)
        for _ in 0..<events {
            for t in types { values.append(value(t, &rng)) }
        }
        return EventTable(rows: events, columns: types.count, values: values)
    }

    static func value(_ t: FixedType, _ rng: inout ModelZoo.Random) -> Double {
        let span = t.maxValue - t.minValue
        let u = rng.uniform(0, 1)
        func code() -> Double { Double(t.minRaw) + (Double(t.maxRaw) - Double(t.minRaw)) * rng.uniform(0, 1) }
        switch u {
        case ..<0.55: return rng.uniform(t.minValue, t.maxValue)
        case ..<0.65: return code().rounded(.down) * t.lsb                      // an exact code
        case ..<0.75: return (code().rounded(.down) + 0.5) * t.lsb              // a tie between two codes
        case ..<0.88: return rng.uniform(t.minValue - span, t.maxValue + span)  // beyond the range
        default:
            let edges = [t.maxValue, t.minValue, t.maxValue + t.lsb / 2, t.minValue - t.lsb / 2,
                         t.maxValue + t.lsb, t.minValue - t.lsb, 0, -0.0, t.lsb / 2, -t.lsb / 2,
                         4 * t.maxValue + t.lsb, 1e6, -1e6, 3 * t.minValue]
            return edges[Int(rng.next() % UInt64(edges.count))]
        }
    }
}

enum ProjectFiles {
    /// Writes generated files below `folder`.
    static func write(_ files: [GeneratedFile], to folder: String) throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: folder)
        for f in files {
            let url = URL(fileURLWithPath: folder).appendingPathComponent(f.path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(f.contents.utf8).write(to: url)
        }
    }

    static func temporaryFolder(_ name: String) -> String {
        (NSTemporaryDirectory() as NSString).appendingPathComponent("hepml-hls-tests-\(ProcessInfo.processInfo.processIdentifier)/\(name)")
    }
}

import FixedPoint
import Foundation
import InputFiles
import ModelIR
import Passes
import SwiftProtobuf

/// What the importer needs beyond the file.
public struct ImportOptions: Sendable {
    /// The type of model inputs that no `Quant` node quantizes (`--input-type`).
    public var inputType: FixedType?
    /// For a tree ensemble: leave out its post-transform (`import --raw`).
    public var rawForest = false

    public init(inputType: FixedType? = nil, rawForest: Bool = false) {
        self.inputType = inputType
        self.rawForest = rawForest
    }
}

/// QONNX (ONNX with `Quant` nodes) to the graph IR (docs/import-export.md).
///
/// Every tensor the QONNX graph quantizes gets that `Quant` node's
/// `ap_fixed`/`ap_ufixed` type; every other tensor gets a type that holds
/// its values exactly, so the design computes what the QONNX graph
/// computes. Anything that cannot be expressed that way is a ``QONNXError``
/// naming the node: nothing is approximated silently.
public enum QONNXImporter {
    /// Reads and imports a `.onnx` file (regular files only, at most 512 MB).
    public static func load(path: String, options: ImportOptions = ImportOptions()) throws(QONNXError) -> Graph {
        let label = (path as NSString).lastPathComponent
        let stem = ((label as NSString).deletingPathExtension)
        return try importModel(readModel(path: path), file: label, fallbackName: stem, options: options)
    }

    /// The decoded ONNX model of the file at `path` (regular files only, within ``ONNXLimits/maxFileBytes``).
    static func readModel(path: String) throws(QONNXError) -> Onnx_ModelProto {
        let label = (path as NSString).lastPathComponent
        let data: Data
        do {
            data = try InputFile.read(path, maxBytes: ONNXLimits.maxFileBytes)
        } catch {
            if case .tooLarge(let size, let limit) = error {
                throw QONNXError(file: label, message: "file is \(size) bytes; the limit is \(limit)")
            }
            throw QONNXError(file: path, message: "cannot read the model file: \(error)")
        }
        return try parseModel(data, file: label)
    }

    static func parseModel(_ data: Data, file: String) throws(QONNXError) -> Onnx_ModelProto {
        do {
            var decoding = BinaryDecodingOptions()
            decoding.messageDepthLimit = 64
            return try Onnx_ModelProto(serializedBytes: data, options: decoding)
        } catch {
            throw QONNXError(file: file, message: "not a valid ONNX protobuf (\(error)); expected a .onnx ModelProto file")
        }
    }

    /// Imports ONNX protobuf bytes; `file` labels the messages, `fallbackName`
    /// names a model whose graph has no usable name.
    public static func decode(_ data: Data, file: String = "model.onnx", fallbackName: String = "model",
                              options: ImportOptions = ImportOptions()) throws(QONNXError) -> Graph {
        try importModel(parseModel(data, file: file), file: file, fallbackName: fallbackName, options: options)
    }

    /// Imports a decoded model: an ONNX-ML tree ensemble as a forest, anything else as QONNX.
    static func importModel(_ model: Onnx_ModelProto, file: String, fallbackName: String,
                            options: ImportOptions) throws(QONNXError) -> Graph {
        if let forest = try TreeEnsembleImporter.ifTreeEnsemble(model, file: file, inputType: options.inputType, raw: options.rawForest) {
            return forest
        }
        guard model.hasGraph, model.irVersion > 0 else {
            throw QONNXError(file: file, message: "not an ONNX model: no ir_version or no graph (is this really a .onnx file?)")
        }
        var importer = try GraphImporter(model: model, file: file, fallbackName: fallbackName, options: options)
        return try importer.run()
    }

    /// The ONNX domains whose `Quant`, `BipolarQuant` and `Trunc` mean QONNX's.
    public static let quantDomains: Set<String> = ["qonnx.custom_op.general", "finn.custom_op.general", "onnx.brevitas"]
}

/// A tensor of the ONNX graph as the importer sees it.
enum ImportedValue {
    case constant(ConstantTensor)
    case dynamic(DynamicTensor)
}

/// A tensor computed from the model inputs: a graph IR tensor of an exact
/// type, possibly with a pending per-element factor.
struct DynamicTensor {
    /// The graph IR tensor (an input or a node name).
    var tensor: String
    /// The ONNX dimensions (a leading batch dimension is 1).
    var dims: [Int]
    /// The type of the graph IR tensor's values.
    var type: FixedType
    /// The ONNX value is `pending[i] * value[i]`; nil means 1. Non-power-of-two
    /// scales live here until a `Quant` node absorbs them (or they cannot be folded).
    var pending: [Double]?
    /// The ONNX tensor has exactly one reader and is not a graph output, so
    /// its producer may absorb the reader (a `Quant` becomes its result type).
    var soleUse: Bool
    /// The axis of `dims` that is the batch (its entry is 1 here: one event
    /// at a time), or nil when the events are not an axis of this tensor
    /// (a model input of fixed shape). Operations across this axis mix
    /// events; they are refused, never imported as feature operations.
    var batchAxis: Int?
    /// How the graph IR tensor lays out the ONNX tensor: its elements are
    /// the ONNX tensor transposed by this permutation of `dims`' axes, in C
    /// order (a convolution's output is channels-last: `[0, 2, 3, 1]` of
    /// NCHW). Nil: the ONNX order. Pending factors are in the graph IR order.
    var layout: [Int]? = nil
    /// Float operators applied after the exact value `pending · value`, as
    /// the executor rounds them (FloatChain.swift); only a `Quant` (integer
    /// thresholds) or another chain operator may read such a tensor.
    var chain: FloatChain? = nil
    /// The ONNX node of each step of ``chain``, for messages.
    var chainSources: [String] = []
    /// A float32 sum whose order the executor does not fix (FloatSums.swift):
    /// per element, the bound `δ` with `|executor's value − (pending · value + offset)| ≤ δ`
    /// before ``chain``; nil when the value is exact.
    var slack: [Double]? = nil
    /// Per element, a constant the executor adds inside that sum (a `Gemm`'s `C`); nil: 0.
    var offset: [Double]? = nil
    /// The node whose sum carries ``slack``, for messages.
    var sumSource: String? = nil

    var count: Int { dims.reduce(1, *) }
    /// Whether the tensor is a vector: every dimension but one is 1.
    var isVector: Bool { dims.filter { $0 != 1 }.count <= 1 }
}

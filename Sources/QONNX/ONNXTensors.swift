import FixedPoint
import Foundation

/// A constant tensor (an initializer, a `Constant` node or a folded
/// subgraph) in row-major order, with its ONNX dimensions.
struct ConstantTensor: Sendable {
    var dims: [Int]
    var values: [Double]
    /// Set when a `Quant` node with a power-of-two scale produced this
    /// tensor: its values are exact codes of this type.
    var quantType: FixedType? = nil
    /// Set when a `Quant` node with a scale that is not a power of two
    /// produced this tensor: `values[i] == codes[i] * scales[i]` (the
    /// scale broadcast to every element), kept so the scale can be folded.
    var factored: (codes: [Double], scales: [Double])? = nil
    /// A shape folded from `Shape` of a tensor with a batch axis: its 0s
    /// stand for the batch size (see ShapeArithmetic.swift).
    var holdsBatchSize = false

    var count: Int { values.count }
}

/// Limits on what an ONNX file may ask us to allocate (docs/hardening.md).
enum ONNXLimits {
    /// Model files larger than this are refused before parsing. The
    /// protobuf is parsed whole in memory, and a packed list of small
    /// integers grows up to 8 times when decoded (`int64_data` of zeros: one
    /// byte each in the file, eight in memory), so 32 MB keeps any file
    /// under the 400 MB budget of docs/hardening.md. The shipped tagger is
    /// 21 KB; a 1000 × 1000 float32 layer is 4 MB.
    static let maxFileBytes = 32 * 1024 * 1024
    /// Elements of one constant the graph uses (decoded to Doubles: 80 MB),
    /// and of one constant computed at import (a broadcast `Add` of two
    /// constants is refused before it is computed). Initializers that no
    /// node reads are never decoded, whatever their size.
    static let maxElements = 10_000_000
    /// Elements of all constants held at once: decoded initializers,
    /// `Constant` nodes and constants computed at import (each node's
    /// constant result counts, so a chain of folds cannot add up).
    static let maxConstantElements = 10_000_000
    /// Rank of one tensor.
    static let maxRank = 8
    /// Nodes of the graph.
    static let maxNodes = 100_000
}

/// ONNX `TensorProto.DataType` codes this importer reads.
enum ONNXDataType: Int32 {
    case float = 1, uint8 = 2, int8 = 3, int32 = 6, int64 = 7, double = 11

    var name: String {
        switch self {
        case .float: return "FLOAT"
        case .uint8: return "UINT8"
        case .int8: return "INT8"
        case .int32: return "INT32"
        case .int64: return "INT64"
        case .double: return "DOUBLE"
        }
    }

    static func name(of code: Int32) -> String {
        let names: [Int32: String] = [0: "UNDEFINED", 4: "UINT16", 5: "INT16", 8: "STRING", 9: "BOOL", 10: "FLOAT16",
                                      12: "UINT32", 13: "UINT64", 14: "COMPLEX64", 15: "COMPLEX128", 16: "BFLOAT16"]
        return ONNXDataType(rawValue: code)?.name ?? names[code] ?? "type \(code)"
    }
}

extension ConstantTensor {
    /// Decodes a `TensorProto`: float, double and integer data, from the
    /// typed fields or little-endian `raw_data`. External data, strings and
    /// other element types are refused; so are non-finite values.
    init(_ proto: Onnx_TensorProto, fail: (String) -> QONNXError) throws(QONNXError) {
        guard proto.dataLocation != .external else {
            throw fail("stores its data in an external file; only self-contained .onnx files are read (save the model without external data)")
        }
        guard proto.dims.count <= ONNXLimits.maxRank else { throw fail("has rank \(proto.dims.count); at most \(ONNXLimits.maxRank) is supported") }
        var dims: [Int] = []
        for d in proto.dims {
            guard d >= 0, d <= Int64(ONNXLimits.maxElements) else { throw fail("has a dimension \(d)") }
            // An empty tensor is read only as an empty list (axes, a shape):
            // elsewhere a zero dimension would hide any product of the others.
            guard d > 0 || proto.dims.count == 1 else {
                throw fail("has a dimension 0 in its shape \(proto.dims.prefix(8)); empty tensors are read only as 1-D lists")
            }
            dims.append(Int(d))
        }
        guard let count = Shape.elements(dims), count <= ONNXLimits.maxElements else {
            throw fail("has more than \(ONNXLimits.maxElements) elements (shape \(dims)); constants the graph uses are limited to \(ONNXLimits.maxElements)")
        }
        guard let type = ONNXDataType(rawValue: proto.dataType) else {
            throw fail("has element type \(ONNXDataType.name(of: proto.dataType)); FLOAT, DOUBLE and integer tensors are read")
        }
        var values: [Double]
        let raw = proto.rawData
        if !raw.isEmpty {
            let size: Int
            switch type {
            case .float, .int32: size = 4
            case .double, .int64: size = 8
            case .uint8, .int8: size = 1
            }
            guard raw.count == count * size else {
                throw fail("raw_data holds \(raw.count) bytes; \(dims) \(type.name) needs \(count * size)")
            }
            values = raw.withUnsafeBytes { buffer -> [Double] in
                [Double](unsafeUninitializedCapacity: count) { out, initialized in
                  for i in 0..<count {
                    let offset = i * size
                    out[i] = switch type {
                    case .float: Double(Float(bitPattern: UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))))
                    case .double: Double(bitPattern: UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
                    case .int32: Double(Int32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
                    case .int64: Double(Int64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
                    case .uint8: Double(buffer[offset])
                    case .int8: Double(Int8(bitPattern: buffer[offset]))
                    }
                  }
                  initialized = count
                }
            }
        } else {
            // The count is checked before anything is converted.
            let held: Int
            switch type {
            case .float: held = proto.floatData.count
            case .double: held = proto.doubleData.count
            case .int64: held = proto.int64Data.count
            case .int32, .uint8, .int8: held = proto.int32Data.count
            }
            guard held == count else {
                throw fail("holds \(held) values; its dimensions \(dims) need \(count)")
            }
            switch type {
            case .float: values = proto.floatData.map(Double.init)
            case .double: values = proto.doubleData
            case .int64: values = proto.int64Data.map(Double.init)
            case .int32, .uint8, .int8: values = proto.int32Data.map(Double.init)
            }
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw fail("element \(bad) is \(values[bad]); weights and parameters must be finite")
        }
        self.init(dims: dims, values: values)
    }

    /// The single value of a scalar (or one-element) tensor.
    var scalar: Double? { values.count == 1 ? values[0] : nil }
}

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

    var count: Int { values.count }
}

/// Limits on what an ONNX file may ask us to allocate (docs/hardening.md).
enum ONNXLimits {
    /// Model files larger than this are refused before parsing.
    static let maxFileBytes = 512 * 1024 * 1024
    /// Elements of one tensor.
    static let maxElements = 50_000_000
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
        var count = 1
        var dims: [Int] = []
        for d in proto.dims {
            guard d >= 0, d <= Int64(ONNXLimits.maxElements) else { throw fail("has a dimension \(d)") }
            dims.append(Int(d))
            count = count.multipliedReportingOverflow(by: Int(d)).partialValue
            guard count <= ONNXLimits.maxElements else { throw fail("has more than \(ONNXLimits.maxElements) elements") }
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
                (0..<count).map { i -> Double in
                    let offset = i * size
                    switch type {
                    case .float: return Double(Float(bitPattern: UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))))
                    case .double: return Double(bitPattern: UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
                    case .int32: return Double(Int32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
                    case .int64: return Double(Int64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
                    case .uint8: return Double(buffer[offset])
                    case .int8: return Double(Int8(bitPattern: buffer[offset]))
                    }
                }
            }
        } else {
            switch type {
            case .float: values = proto.floatData.map(Double.init)
            case .double: values = proto.doubleData
            case .int64: values = proto.int64Data.map(Double.init)
            case .int32, .uint8, .int8: values = proto.int32Data.map(Double.init)
            }
            guard values.count == count else {
                throw fail("holds \(values.count) values; its dimensions \(dims) need \(count)")
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

/// Numpy broadcasting of shapes (ONNX's multidirectional broadcasting).
enum Broadcast {
    static func shape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        let pa = Array(repeating: 1, count: rank - a.count) + a
        let pb = Array(repeating: 1, count: rank - b.count) + b
        var out: [Int] = []
        for (x, y) in zip(pa, pb) {
            if x == y || y == 1 { out.append(x) } else if x == 1 { out.append(y) } else { return nil }
        }
        return out
    }

    /// `values` (of shape `dims`) repeated to the row-major layout of `target`,
    /// which `dims` must broadcast to.
    static func expand(_ values: [Double], dims: [Int], to target: [Int]) -> [Double] {
        let rank = target.count
        let padded = Array(repeating: 1, count: rank - dims.count) + dims
        let total = target.reduce(1, *)
        if padded == target { return values }
        var strides = Array(repeating: 0, count: rank)
        var s = 1
        for d in stride(from: rank - 1, through: 0, by: -1) {
            strides[d] = padded[d] == 1 ? 0 : s
            s *= padded[d]
        }
        var out = [Double](repeating: 0, count: total)
        var index = Array(repeating: 0, count: rank)
        for i in 0..<total {
            var offset = 0
            for d in 0..<rank { offset += index[d] * strides[d] }
            out[i] = values[offset]
            var d = rank - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < target[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return out
    }

    /// The row-major transpose of `values` (shape `dims`) by `perm`.
    static func transpose(_ values: [Double], dims: [Int], perm: [Int]) -> (dims: [Int], values: [Double]) {
        let rank = dims.count
        let outDims = perm.map { dims[$0] }
        var inStrides = Array(repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { inStrides[d] = inStrides[d + 1] * dims[d + 1] }
        var out = [Double](repeating: 0, count: values.count)
        var index = Array(repeating: 0, count: rank)
        for i in 0..<values.count {
            var offset = 0
            for d in 0..<rank { offset += index[d] * inStrides[perm[d]] }
            out[i] = values[offset]
            var d = rank - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < outDims[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return (outDims, out)
    }
}

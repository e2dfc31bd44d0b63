import CKernels
import Foundation
import ModelIR
import TensorIO

/// ``FloatEvaluator`` on many events at once, with the events innermost
/// (the layout of ``BatchEvaluator``): every event gets exactly the Double
/// result of the scalar evaluator — the same operations in the same order,
/// products rounded before they are added — computed a block of 8 events
/// at a time in vector registers.
public struct BatchFloatEvaluator: Sendable {
    public let graph: Graph
    public let lanes: Int
    /// Offset (in lanes) of each tensor by name, and the total.
    let offsets: [String: Int]
    let sizes: [String: Int]
    let bufferSize: Int
    /// Per dense node: its weights row-major.
    let weights: [String: [Double]]

    /// `graph` must pass ValidateGraph; it runs in its flat form (ExpandTensorOps).
    public init(_ graph: Graph, lanes: Int = 64) {
        let graph = FloatEvaluator.flat(graph)
        self.graph = graph
        self.lanes = (max(1, lanes) + 7) / 8 * 8
        let sizes = graph.tensorSizes()
        var offsets: [String: Int] = [:]
        var total = 0
        for name in graph.inputs.map(\.name) + graph.nodes.map(\.name) {
            offsets[name] = total
            total += sizes[name] ?? 0
        }
        self.offsets = offsets
        self.sizes = sizes
        bufferSize = total
        var weights: [String: [Double]] = [:]
        for node in graph.nodes { if case .dense(let d) = node.op { weights[node.name] = d.weights.flatMap { $0 } } }
        self.weights = weights
    }

    public var outputWidth: Int { graph.outputs.reduce(0) { $0 + (sizes[$1] ?? 0) } }

    /// Outputs (concatenated in the order of ``Graph/outputs``, row-major)
    /// of `events` events given row-major.
    public func run(_ values: UnsafeBufferPointer<Double>, events: Int, into out: UnsafeMutableBufferPointer<Double>) {
        let width = graph.inputs.reduce(0) { $0 + $1.size }
        let outWidth = outputWidth
        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: max(1, bufferSize * lanes))
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0, count: max(1, bufferSize * lanes))
        var first = 0
        while first < events {
            let n = min(lanes, events - first)
            var column = 0
            for input in graph.inputs {
                let base = buffer + offsets[input.name]! * lanes
                for e in 0..<n { for i in 0..<input.size { base[i * lanes + e] = values[(first + e) * width + column + i] } }
                column += input.size
            }
            let padded = min(lanes, (n + 7) / 8 * 8)
            for node in graph.nodes { run(node, buffer, count: padded) }
            var k = 0
            for name in graph.outputs {
                let base = buffer + offsets[name]! * lanes
                for i in 0..<sizes[name]! {
                    for e in 0..<n { out[(first + e) * outWidth + k] = base[i * lanes + e] }
                    k += 1
                }
            }
            first += n
        }
    }

    func run(_ node: Node, _ b: UnsafeMutablePointer<Double>, count n: Int) {
        let x = b + offsets[node.inputs[0]]! * lanes
        let y = b + offsets[node.name]! * lanes
        let inSize = sizes[node.inputs[0]]!, outSize = sizes[node.name]!
        switch node.op {
        case .dense(let d):
            weights[node.name]!.withUnsafeBufferPointer { w in
                d.bias.withUnsafeBufferPointer { bias in
                    hepml_dense_float(x, lanes, n / 8, inSize, w.baseAddress, outSize, bias.baseAddress, y)
                }
            }
        case .batchNorm(let bn):
            let (scale, shift) = bn.scaleAndShift
            for i in 0..<outSize { for e in 0..<n { y[i * lanes + e] = scale[i] * x[i * lanes + e] + shift[i] } }
        case .activation(let a):
            switch a {
            case .linear: y.update(from: x, count: outSize * lanes)
            case .relu: for i in 0..<(outSize * lanes) { y[i] = max(x[i], 0) }
            case .leakyReLU(let alpha): for i in 0..<(outSize * lanes) { y[i] = x[i] >= 0 ? x[i] : alpha * x[i] }
            case .sigmoid: for i in 0..<(outSize * lanes) { y[i] = 1 / (1 + exp(-x[i])) }
            case .tanh: for i in 0..<(outSize * lanes) { y[i] = Foundation.tanh(x[i]) }
            case .softmax:
                for e in 0..<n {
                    var m = x[e]
                    for i in 1..<outSize { m = max(m, x[i * lanes + e]) }
                    var s = 0.0
                    for i in 0..<outSize { y[i * lanes + e] = exp(x[i * lanes + e] - m); s += y[i * lanes + e] }
                    for i in 0..<outSize { y[i * lanes + e] /= s }
                }
            }
        case .add, .subtract, .multiply:
            let v = b + offsets[node.inputs[1]]! * lanes
            for i in 0..<(outSize * lanes) {
                switch node.op {
                case .add: y[i] = x[i] + v[i]
                case .subtract: y[i] = x[i] - v[i]
                default: y[i] = x[i] * v[i]
                }
            }
        case .concatenate:
            var k = 0
            for name in node.inputs {
                let size = sizes[name]!
                (y + k * lanes).update(from: b + offsets[name]! * lanes, count: size * lanes)
                k += size
            }
        case .sum:
            for e in 0..<n {
                var total = 0.0
                for i in 0..<inSize { total += x[i * lanes + e] }
                y[e] = total
            }
        case .forest(let f):
            for e in 0..<n {
                let s = f.scores { x[$0 * lanes + e] }
                for k in s.indices { y[k * lanes + e] = s[k] }
            }
        case .linear(let l):
            // The scalar evaluator's order: the bias, then each term's product added.
            for (j, row) in l.rows.enumerated() {
                let yj = y + j * lanes
                let bias = l.bias[l.biasIndex[j]]
                for e in 0..<n { yj[e] = bias }
                for t in row {
                    let w = l.weights[t.parameter], xk = x + t.input * lanes
                    for e in 0..<n { yj[e] += w * xk[e] }
                }
            }
        case .maximum(let groups):
            for (j, g) in groups.enumerated() {
                let yj = y + j * lanes
                yj.update(from: x + g[0] * lanes, count: n)
                for k in g.dropFirst() { let xk = x + k * lanes; for e in 0..<n { yj[e] = max(yj[e], xk[e]) } }
            }
        case .gather(let indices):
            for (i, k) in indices.enumerated() { (y + i * lanes).update(from: x + k * lanes, count: n) }
        case .threshold(let t):
            for i in 0..<outSize { for e in 0..<n { y[i * lanes + e] = t.evaluate(x[i * lanes + e], element: i) } }
        case .conv, .pool, .reduce, .reshape, .transpose:
            preconditionFailure("\(node.op.kindName) is evaluated in its flat form (ExpandTensorOps)")
        }
    }

    /// Float outputs of every event of `table` (row-major, ``outputWidth``
    /// per event): chunks of ``FixedPointEvaluator/chunkEvents`` events on up to
    /// `threads` threads, in order, as ``FixedPointEvaluator/runRaw(_:threads:)``
    /// does for the fixed-point model.
    public func run(_ table: EventTable, threads: Int) -> [Double] {
        let width = outputWidth, columns = table.columns
        let chunks = Parallel.ranges(table.rows, pieces: (table.rows + FixedPointEvaluator.chunkEvents - 1) / FixedPointEvaluator.chunkEvents)
        return table.values.withUnsafeBufferPointer { values in
            nonisolated(unsafe) let input = values
            return [Double](unsafeUninitializedCapacity: table.rows * width) { out, count in
                nonisolated(unsafe) let output = out
                _ = Parallel.map(chunks.count, threads: threads) { i in
                    let r = chunks[i]
                    run(UnsafeBufferPointer(rebasing: input[(r.lowerBound * columns)..<(r.upperBound * columns)]), events: r.count,
                        into: UnsafeMutableBufferPointer(rebasing: output[(r.lowerBound * width)..<(r.upperBound * width)]))
                }
                count = table.rows * width
            }
        }
    }
}

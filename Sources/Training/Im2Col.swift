import ModelIR
import Passes

/// Where each tap of each window of a convolution reads, built once from the
/// compiler's own window geometry (`Shapes.windows`, `ExpandTensorOps.window`),
/// so that training and the compiled design agree on every border and stride.
struct WindowTable: Sendable {
    /// Output spatial positions (C order over the output's spatial axes).
    let outputs: Int
    /// Taps of the kernel (C order over the kernel axes: the weight layout).
    let taps: Int
    /// Input spatial positions.
    let inputs: Int
    /// `source[o * taps + t]`: the input spatial position output `o` reads at
    /// tap `t`, or -1 where the tap falls in the padding (it reads zero).
    let source: [Int]

    init(axes: [WindowAxis], inputSpatial: [Int]) {
        let positions = ExpandTensorOps.positions(axes)
        outputs = positions.count
        taps = axes.reduce(1) { $0 * $1.kernel }
        inputs = inputSpatial.reduce(1, *)
        var source = [Int](repeating: -1, count: outputs * taps)
        for (o, position) in positions.enumerated() {
            for (input, tap) in ExpandTensorOps.window(position, axes: axes, inputSpatial: inputSpatial) {
                source[o * taps + tap] = input
            }
        }
        self.source = source
    }

    /// The patch matrix of a batch laid out `events x [inputs][channels]`:
    /// one row per (event, output position), `taps * channels` columns in
    /// the kernel's `[tap][channel]` order, zeros for padding taps. A
    /// convolution is then one GEMM of this with the `[tap][channel] x filters` kernel.
    func im2col(_ x: Matrix, channels c: Int) -> Matrix {
        let events = x.rows
        let width = taps * c
        var col = [Float](repeating: 0, count: events * outputs * width)
        x.data.withUnsafeBufferPointer { src in
            col.withUnsafeMutableBufferPointer { dst in
                forEachTap(events: events, channels: c) { cell, patch in
                    (dst.baseAddress! + patch).update(from: src.baseAddress! + cell, count: c)
                }
            }
        }
        return Matrix(rows: events * outputs, columns: width, data: col)
    }

    /// The adjoint of ``im2col(_:channels:)``: adds every patch entry back
    /// onto the input cell it was copied from (padding taps are dropped).
    func col2im(_ col: Matrix, events: Int, channels c: Int) -> Matrix {
        var dx = Matrix(rows: events, columns: inputs * c)
        col.data.withUnsafeBufferPointer { src in
            dx.data.withUnsafeMutableBufferPointer { dst in
                forEachTap(events: events, channels: c) { cell, patch in
                    for k in 0..<c { dst[cell + k] += src[patch + k] }
                }
            }
        }
        return dx
    }

    /// Every (event, output position, tap) that reads an input cell, as the
    /// offsets of that cell's `c` channels in the batch (`cell`) and of the
    /// tap's `c` columns in the patch matrix (`patch`): the one walk that
    /// ``im2col(_:channels:)`` copies along and ``col2im(_:events:channels:)`` adds back along.
    @inline(__always)
    private func forEachTap(events: Int, channels c: Int, _ body: (_ cell: Int, _ patch: Int) -> Void) {
        let width = taps * c
        for e in 0..<events {
            let inBase = e * inputs * c
            for o in 0..<outputs {
                let rowBase = (e * outputs + o) * width
                for t in 0..<taps {
                    let s = source[o * taps + t]
                    guard s >= 0 else { continue }
                    body(inBase + s * c, rowBase + t * c)
                }
            }
        }
    }

    /// The patches channel by channel (for depthwise kernels): `channels`
    /// blocks, each `(events * outputs) x taps`, so that each channel's
    /// convolution is one matrix-vector product.
    func im2colByChannel(_ x: Matrix, channels c: Int) -> [Float] {
        let rows = x.rows * outputs
        var col = [Float](repeating: 0, count: c * rows * taps)
        x.data.withUnsafeBufferPointer { src in
            col.withUnsafeMutableBufferPointer { dst in
                for e in 0..<x.rows {
                    let inBase = e * inputs * c
                    for o in 0..<outputs {
                        let r = e * outputs + o
                        for t in 0..<taps {
                            let s = source[o * taps + t]
                            guard s >= 0 else { continue }
                            for k in 0..<c { dst[(k * rows + r) * taps + t] = src[inBase + s * c + k] }
                        }
                    }
                }
            }
        }
        return col
    }

    /// The adjoint of ``im2colByChannel(_:channels:)``.
    func col2imByChannel(_ col: [Float], events: Int, channels c: Int) -> Matrix {
        var dx = Matrix(rows: events, columns: inputs * c)
        let rows = events * outputs
        col.withUnsafeBufferPointer { src in
            dx.data.withUnsafeMutableBufferPointer { dst in
                for e in 0..<events {
                    let inBase = e * inputs * c
                    for o in 0..<outputs {
                        let r = e * outputs + o
                        for t in 0..<taps {
                            let s = source[o * taps + t]
                            guard s >= 0 else { continue }
                            for k in 0..<c { dst[inBase + s * c + k] += src[(k * rows + r) * taps + t] }
                        }
                    }
                }
            }
        }
        return dx
    }
}

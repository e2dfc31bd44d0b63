import CBLAS

/// A row-major matrix of Float: one event a row in a mini-batch.
public struct Matrix: Sendable, Equatable {
    public var rows: Int
    public var columns: Int
    public var data: [Float]

    public init(rows: Int, columns: Int, data: [Float]) {
        precondition(data.count == rows * columns, "Matrix: data does not fill rows x columns")
        self.rows = rows
        self.columns = columns
        self.data = data
    }

    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        self.init(rows: rows, columns: columns, data: [Float](repeating: value, count: rows * columns))
    }

    public subscript(r: Int, c: Int) -> Float {
        get { data[r * columns + c] }
        set { data[r * columns + c] = newValue }
    }

    /// Rows `indices` of this matrix, in that order.
    public func gatherRows(_ indices: ArraySlice<Int>) -> Matrix {
        var out = [Float](repeating: 0, count: indices.count * columns)
        for (i, r) in indices.enumerated() {
            for c in 0..<columns { out[i * columns + c] = data[r * columns + c] }
        }
        return Matrix(rows: indices.count, columns: columns, data: out)
    }
}

/// `C = alpha * op(A) * op(B) + beta * C` on OpenBLAS (`cblas_sgemm`),
/// where `op` transposes when asked. Shapes are checked here so that a
/// mistake traps in Swift, not inside BLAS.
func gemm(_ a: Matrix, transposeA: Bool = false, _ b: Matrix, transposeB: Bool = false,
          alpha: Float = 1, beta: Float = 0, into c: inout Matrix) {
    let m = transposeA ? a.columns : a.rows
    let k = transposeA ? a.rows : a.columns
    let kb = transposeB ? b.columns : b.rows
    let n = transposeB ? b.rows : b.columns
    precondition(k == kb && c.rows == m && c.columns == n, "gemm: shape mismatch")
    if m == 0 || n == 0 { return }
    if k == 0 {
        for i in c.data.indices { c.data[i] *= beta }
        return
    }
    a.data.withUnsafeBufferPointer { pa in
        b.data.withUnsafeBufferPointer { pb in
            c.data.withUnsafeMutableBufferPointer { pc in
                cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                            Int32(m), Int32(n), Int32(k), alpha,
                            pa.baseAddress, Int32(a.columns), pb.baseAddress, Int32(b.columns),
                            beta, pc.baseAddress, Int32(c.columns))
            }
        }
    }
}

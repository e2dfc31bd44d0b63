/// One piece of a CSV file's events: whole lines, parsed on one thread.
///
/// The fast path reads the common line — numbers separated by commas, with
/// spaces or tabs around them — straight from the bytes. Any other line
/// (a comment, a blank line, a bad value, a wrong count, non-ASCII text)
/// goes to ``CSVTable/classify(_:lineNumber:file:headerAllowed:columns:)``,
/// the line-by-line reader written for clarity, so that every message and
/// every value is the one it gives.
struct CSVPiece {
    /// Values of the piece's events, row-major.
    var values: [Double]
    /// Lines in the piece (blank lines and comments included).
    var lines: Int
    /// The first bad line: its index in the piece (0-based) and the error,
    /// whose `line` is filled in by the caller, who knows where the piece starts.
    var error: (line: Int, error: TensorIOError)?

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, columns: Int, file: String) -> CSVPiece {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return CSVPiece(values: [], lines: 0, error: nil) }
        let end = base + bytes.count
        var lines = 0
        var failure: (Int, TensorIOError)? = nil
        let capacity = bytes.count / 2 + 1 + columns
        let values = DecimalNumber.powers.withUnsafeBufferPointer { powersBuffer in
            let powers = powersBuffer.baseAddress!
            return [Double](unsafeUninitializedCapacity: capacity) { out, count in
                var p = base
                while p < end {
                    var q = p
                    var k = 0
                    var ok = false
                    var blank = false
                    while q < end, q.pointee == 0x20 || q.pointee == 0x09 { q += 1 }
                    if q == end || q.pointee == 0x0A || q.pointee == 0x0D {
                        blank = true
                    } else if q.pointee != UInt8(ascii: "#") {
                        // Numbers, each followed by optional blanks and a comma or the line end.
                        while k < columns, let (v, after) = DecimalNumber.parse(q, end, powers: powers) {
                            out[count + k] = v
                            k += 1
                            q = after
                            while q < end, q.pointee == 0x20 || q.pointee == 0x09 { q += 1 }
                            if q == end || q.pointee == 0x0A || q.pointee == 0x0D { ok = k == columns; break }
                            guard q.pointee == UInt8(ascii: ","), k < columns else { break }
                            q += 1
                            while q < end, q.pointee == 0x20 || q.pointee == 0x09 { q += 1 }
                        }
                    }
                    if ok {
                        count += columns
                    } else {
                        // Anything else, comments included: the line reader decides.
                        q = p
                        while q < end, q.pointee != 0x0A, q.pointee != 0x0D { q += 1 }
                        if !blank, q - p > 4096, let count = tooManyFields(from: p, to: q, columns: columns) {
                            // A long line with too many values: refused from its
                            // comma count, never held as a String of fields.
                            failure = (lines, TensorIOError(file: file, line: 0, message: "expected \(columns) values, got \(count)"))
                            return
                        }
                        if !blank {
                            let line = UnsafeBufferPointer(start: p, count: q - p)
                            do throws(TensorIOError) {
                                if case .values(let row) = try CSVTable.classify(line, lineNumber: 0, file: file, headerAllowed: false, columns: columns) {
                                    for (i, v) in row.enumerated() { out[count + i] = v }
                                    count += row.count
                                }
                            } catch {
                                failure = (lines, error)
                                return
                            }
                        }
                    }
                    // Past the line's end: LF, CRLF or CR.
                    if q < end {
                        q += q.pointee == 0x0D && q + 1 < end && (q + 1).pointee == 0x0A ? 2 : 1
                    }
                    lines += 1
                    p = q
                }
            }
        }
        return CSVPiece(values: values, lines: lines, error: failure)
    }

    /// The number of fields of the line `p..<q` when it is not a comment and
    /// has more than `columns` of them, else nil.
    static func tooManyFields(from p: UnsafePointer<UInt8>, to q: UnsafePointer<UInt8>, columns: Int) -> Int? {
        var r = p
        while r < q, r.pointee == 0x20 || r.pointee == 0x09 { r += 1 }
        guard r < q, r.pointee != UInt8(ascii: "#") else { return nil }
        var fields = 1
        while r < q {
            if r.pointee == UInt8(ascii: ",") { fields += 1 }
            r += 1
        }
        return fields > columns ? fields : nil
    }

    /// Where to cut `bytes` into about `pieces` runs of whole lines: each cut
    /// is just after a line end (never between the CR and LF of a CRLF).
    static func cuts(_ bytes: UnsafeBufferPointer<UInt8>, pieces: Int) -> [Int] {
        var cuts = [0]
        let n = bytes.count
        for i in 1..<max(1, pieces) {
            var c = max(n * i / pieces, cuts.last!)
            while c < n, bytes[c] != 0x0A, bytes[c] != 0x0D { c += 1 }
            if c < n { c += bytes[c] == 0x0D && c + 1 < n && bytes[c + 1] == 0x0A ? 2 : 1 }
            if c > cuts.last!, c < n { cuts.append(c) }
        }
        cuts.append(n)
        return cuts
    }
}

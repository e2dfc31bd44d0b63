import ModelIR

/// model.json form of a threshold layer (docs/model-format.md): `thresholds`
/// (one list per channel of the innermost axis, or one shared list, each
/// sorted), `out_scale` (default 1) and `out_bias` (default 0).
extension LayerDecoder {
    /// Thresholds per list (a 16-bit activation has 65535).
    static let maxThresholdSteps = 65_536
    /// Thresholds in all the lists of one layer.
    static let maxThresholds = 1_000_000

    func decodeThresholdLayer(_ r: FieldReader, input: [Int]) throws(ModelFormatError) -> (Op, Set<String>) {
        var lists: [[Double]] = []
        var total = 0
        for (i, item) in try r.array("thresholds").enumerated() {
            guard case .array(let values) = item else { throw r.error("thresholds[\(i)]", "expected an array of thresholds") }
            total += values.count
            guard values.count <= Self.maxThresholdSteps, total <= Self.maxThresholds else {
                throw r.error("thresholds", "more than \(Self.maxThresholdSteps) thresholds in a list or \(Self.maxThresholds) in all (each is a comparator per element)")
            }
            var row: [Double] = []
            for (k, v) in values.enumerated() { row.append(try FieldReader.finiteNumber(v, at: "thresholds[\(i)][\(k)]", reader: r)) }
            lists.append(row)
        }
        let t = Thresholds(thresholds: lists, outScale: try r.optionalNumber("out_scale") ?? 1,
                           outBias: try r.optionalNumber("out_bias") ?? 0)
        if let p = t.problem(shape: input) { throw r.error(p.field, p.message) }
        return (.threshold(t), ["thresholds", "out_scale", "out_bias"])
    }
}

extension ModelEncoder {
    static func thresholdFields(_ t: Thresholds, indent: Int) -> [(String, String)] {
        [("thresholds", "[\n" + t.thresholds.map { pad(indent + 2) + numbers($0) }.joined(separator: ",\n") + "\n" + pad(indent + 1) + "]"),
         ("out_scale", number(t.outScale)), ("out_bias", number(t.outBias))]
    }
}

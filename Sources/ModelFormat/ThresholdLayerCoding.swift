import ModelIR

/// model.json form of a threshold layer (docs/model-format.md): `thresholds`
/// (one list per channel of the innermost axis, or one shared list, each
/// sorted), `out_scale` (default 1) and `out_bias` (default 0).
extension LayerDecoder {
    func decodeThresholdLayer(_ r: FieldReader, input: [Int]) throws(ModelFormatError) -> (Op, Set<String>) {
        var lists: [[Double]] = []
        for (i, item) in try r.array("thresholds").enumerated() {
            guard case .array(let values) = item else { throw r.error("thresholds[\(i)]", "expected an array of thresholds") }
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

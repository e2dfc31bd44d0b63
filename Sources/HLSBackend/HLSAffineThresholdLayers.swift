import FixedPoint
import ModelIR

/// A threshold op counted by multiply-add-shift (``ThresholdOp/affine``)
/// as `nnet::threshold_affine` (nnet_threshold.h): per list a multiplier,
/// an offset and a shift, in an integer type that holds `m * code + a`
/// exactly over the input's codes, and the output levels as constants of
/// the output type, as for the comparator bank.
extension HLSLayerPlanner {
    mutating func planAffineThreshold(_ t: ThresholdOp, _ forms: [AffineCount], _ site: HLSOpSite) -> HLSLayer {
        let base = site.base, name = site.op.name
        let inputType = site.inputs[0].type
        let bits = Self.lineBits(forms, lo: inputType.minRaw, hi: inputType.maxRaw)
        let lineT = names.make(base + "_line_t")
        let config = names.make("config_" + base)
        let arrays = ["mult", "offset", "shift", "level"].map { names.make(base + "_" + $0) }
        let resT = site.dataTypes[site.dataTypes.count - 1]
        var layer = HLSLayer(op: site.op, summary: "\(name): \(forms.count) multiply-add-shift form(s) of \(t.steps) thresholds over \(site.inputs[0].size) elements\(site.from)")
        layer.typedefs = [HLSTypedef(name: lineT, spelled: "ap_int<\(bits)>", comment: "m * x + a of \(name) on raw input codes, exactly")]
        layer.definitions = ["#include \"nnet_utils/\(Self.thresholdHeader)\""]
        layer.header = base
        let levels = (0...t.steps).map { HLSLiterals.literal(t.outputBias + t.outputStep * Int64($0), of: site.output.type, typeName: resT) }
        layer.arrays = [
            HLSArray(comment: "multipliers m of \(name), one per list", typeName: lineT, name: arrays[0], size: forms.count,
                     lines: Self.chunks(forms.map { "\(lineT)(\($0.multiplier)LL)" })),
            HLSArray(comment: "offsets a of \(name), one per list", typeName: lineT, name: arrays[1], size: forms.count,
                     lines: Self.chunks(forms.map { "\(lineT)(\($0.offset)LL)" })),
            HLSArray(comment: "right shifts s of \(name), one per list", typeName: "unsigned", name: arrays[2], size: forms.count,
                     lines: Self.chunks(forms.map { "\($0.shift)" })),
            HLSArray(comment: "output of \(name) per number of thresholds reached, \(site.output.type)", typeName: resT,
                     name: arrays[3], size: levels.count, lines: Self.chunks(levels)),
        ]
        layer.config = HLSConfig(name: config, base: "threshold_config", members: [
            "static const unsigned n_in = \(site.inputs[0].size);",
            "static const unsigned n_lists = \(forms.count);",
            "static const unsigned n_steps = \(t.steps);",
            "static const unsigned reuse_factor = \(site.reuseFactor);",
            "typedef \(lineT) line_t;",
        ])
        layer.calls = [site.call("threshold_affine", config: config, extra: arrays)]
        return layer
    }

    /// The width of a signed integer holding every multiplier, offset and
    /// `m * x + a` for `x` in `[lo, hi]`, and `n_steps` (the clamp compares with it).
    static func lineBits(_ forms: [AffineCount], lo: Int64, hi: Int64) -> Int {
        var values: [Int128] = []
        for f in forms {
            let m = Int128(f.multiplier), a = Int128(f.offset)
            values += [m, a, m * Int128(lo) + a, m * Int128(hi) + a]
        }
        let low = min(values.min() ?? 0, 0), high = max(values.max() ?? 0, 0)
        var bits = 2
        while Int128(1) << (bits - 1) <= high || -(Int128(1) << (bits - 1)) > low { bits += 1 }
        return bits + 1
    }
}

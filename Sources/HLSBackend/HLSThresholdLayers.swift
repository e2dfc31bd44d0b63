import FixedPoint
import ModelIR

/// A threshold op as `nnet::threshold` (nnet_threshold.h): the threshold
/// lists end to end in a type two bits wider than the input (it holds one
/// code above the input's range exactly), and the output levels
/// `bias + step * n`, `n = 0 ... K`, as constants of the output type.
extension HLSLayerPlanner {
    /// The layer-library header only models with thresholds need.
    static let thresholdHeader = "nnet_threshold.h"

    mutating func planThreshold(_ t: ThresholdOp, _ site: HLSOpSite) throws(HLSError) -> HLSLayer {
        let base = site.base, name = site.op.name
        let inputType = site.inputs[0].type
        let thresholdType: FixedType
        do {
            thresholdType = try FixedType(signed: true, width: inputType.width + 2, integerBits: inputType.integerBits + 2)
        } catch {
            throw HLSError.unsupported(layer: name, "the thresholds need a type of \(inputType.width + 2) bits: \(error)")
        }
        let thresholdT = names.make(base + "_threshold_t")
        let config = names.make("config_" + base)
        let arrays = ["threshold", "level"].map { names.make(base + "_" + $0) }
        let resT = site.dataTypes[site.dataTypes.count - 1]
        var layer = HLSLayer(op: site.op, summary: "\(name): \(t.thresholds.count) threshold list(s) of \(t.steps) over \(site.inputs[0].size) elements\(site.from)")
        layer.typedefs = [HLSTypedef(name: thresholdT, type: thresholdType, comment: "thresholds of \(name): the input's codes and one more")]
        layer.definitions = ["#include \"nnet_utils/\(Self.thresholdHeader)\""]
        layer.header = base
        let flat = t.thresholds.flatMap { $0 }.map { HLSLiterals.literal($0, of: thresholdType, typeName: thresholdT) }
        let levels = (0...t.steps).map { HLSLiterals.literal(t.outputBias + t.outputStep * Int64($0), of: site.output.type, typeName: resT) }
        layer.arrays = [
            HLSArray(comment: "threshold lists of \(name), \(inputType) codes: x >= t adds a step", typeName: thresholdT,
                     name: arrays[0], size: flat.count, lines: Self.chunks(flat)),
            HLSArray(comment: "output of \(name) per number of thresholds reached, \(site.output.type)", typeName: resT,
                     name: arrays[1], size: levels.count, lines: Self.chunks(levels)),
        ]
        layer.config = HLSConfig(name: config, base: "threshold_config", members: [
            "static const unsigned n_in = \(site.inputs[0].size);",
            "static const unsigned n_lists = \(t.thresholds.count);",
            "static const unsigned n_steps = \(t.steps);",
            "static const unsigned reuse_factor = \(site.reuseFactor);",
            "typedef \(thresholdT) threshold_t;",
        ])
        layer.calls = [site.call("threshold", config: config, extra: arrays)]
        return layer
    }
}

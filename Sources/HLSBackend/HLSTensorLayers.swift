import ModelIR

/// The maximum and gather ops of models over tensors, as `nnet::maximum`
/// and `nnet::gather` (nnet_tensor.h) with their index arrays.
extension HLSLayerPlanner {
    /// The layer-library header only models with these ops need.
    static let tensorHeader = "nnet_tensor.h"

    mutating func planGather(_ g: GatherOp, _ site: HLSOpSite) -> HLSLayer {
        let config = names.make("config_" + site.base)
        let index = names.make(site.base + "_index")
        var layer = HLSLayer(op: site.op, summary: "\(site.op.name): gather \(g.indices.count) of \(site.inputs[0].size) elements (data movement)\(site.from)")
        layer.definitions = ["#include \"nnet_utils/\(Self.tensorHeader)\""]
        layer.header = site.base
        layer.arrays = [HLSArray(comment: "input element of each output of \(site.op.name)", typeName: "unsigned", name: index,
                                 size: g.indices.count, lines: Self.chunks(g.indices.map { "\($0)" }))]
        layer.config = HLSConfig(name: config, base: "gather_config", members: [
            "static const unsigned n_in = \(site.inputs[0].size);",
            "static const unsigned n_out = \(g.indices.count);",
            "static const unsigned reuse_factor = \(site.reuseFactor);",
        ])
        layer.calls = [site.call("gather", config: config, extra: [index])]
        return layer
    }

    mutating func planMaximum(_ m: MaximumOp, _ site: HLSOpSite) -> HLSLayer {
        let config = names.make("config_" + site.base)
        let member = names.make(site.base + "_member")
        let size = m.groupSize
        var layer = HLSLayer(op: site.op, summary: "\(site.op.name): maximum of \(m.groups.count) groups of up to \(size) elements\(site.from)")
        layer.definitions = ["#include \"nnet_utils/\(Self.tensorHeader)\""]
        layer.header = site.base
        let members = m.paddedMembers
        layer.arrays = [HLSArray(comment: "members of each group of \(site.op.name), \(size) per output", typeName: "unsigned",
                                 name: member, size: members.count, lines: Self.chunks(members.map { "\($0)" }))]
        layer.config = HLSConfig(name: config, base: "maximum_config", members: [
            "static const unsigned n_in = \(site.inputs[0].size);",
            "static const unsigned n_out = \(m.groups.count);",
            "static const unsigned group_size = \(size);",
            "static const unsigned reuse_factor = \(site.reuseFactor);",
        ])
        layer.calls = [site.call("maximum", config: config, extra: [member])]
        return layer
    }
}

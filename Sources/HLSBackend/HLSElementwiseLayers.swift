import FixedPoint
import ModelIR

/// Ops without constants: pointwise activations, element-wise add,
/// subtract and multiply, requantization, the sum and concatenation
/// (nnet_activation.h, nnet_merge.h).
extension HLSLayerPlanner {
    /// ReLU, LeakyReLU or linear by logic.
    mutating func planActivation(_ a: PointwiseActivation, _ site: HLSOpSite) -> HLSLayer {
        var layer = HLSLayer(op: site.op, summary: "\(site.op.name): \(a.kindName) on \(site.output.size) elements\(site.from)")
        let activation = activationPolicy(a, base: site.base, into: &layer)
        let config = names.make("config_" + site.base)
        layer.config = HLSConfig(name: config, base: "activation_config", members: [
            "static const unsigned n_in = \(site.output.size);",
            "static const unsigned reuse_factor = \(site.reuseFactor);",
            "typedef \(activation) activation;",
        ])
        layer.calls = [site.call("activation", config: config)]
        return layer
    }

    /// `nnet::add`, `nnet::subtract` or `nnet::multiply` of two tensors.
    mutating func planBinary(_ site: HLSOpSite) -> HLSLayer {
        let function = site.op.kind.kindName
        return merge(site, summary: "element-wise \(function) of \(site.output.size) elements", function: function)
    }

    mutating func planQuantize(_ site: HLSOpSite) -> HLSLayer {
        merge(site, summary: "requantize \(site.output.size) elements from \(site.inputs[0].type) to \(site.output.type)", function: "quantize")
    }

    /// A layer of nnet_merge.h configured by its element count alone.
    private mutating func merge(_ site: HLSOpSite, summary: String, function: String) -> HLSLayer {
        let config = names.make("config_" + site.base)
        var layer = HLSLayer(op: site.op, summary: "\(site.op.name): \(summary)\(site.from)")
        layer.config = HLSConfig(name: config, base: "merge_config", members: [
            "static const unsigned n_elem = \(site.output.size);",
            "static const unsigned reuse_factor = \(site.reuseFactor);",
        ])
        layer.calls = [site.call(function, config: config)]
        return layer
    }

    /// The sum of all elements in an accumulator that cannot overflow.
    mutating func planSum(_ site: HLSOpSite) -> HLSLayer {
        let config = names.make("config_" + site.base)
        let accumT = names.make(site.base + "_accum_t")
        let x = site.inputs[0].type, n = site.inputs[0].size
        let growth = Self.ceilLog2(n)
        var layer = HLSLayer(op: site.op, summary: "\(site.op.name): sum of \(n) elements\(site.from)")
        // Same LSB, `growth` more integer bits: no sum of the inputs can overflow it.
        let accum = "\(x.isSigned ? "ap_fixed" : "ap_ufixed")<\(x.width + growth),\(x.integerBits + growth)>"
        layer.typedefs.append(HLSTypedef(name: accumT, spelled: accum, comment: "\(site.op.name) exact sum of \(n) values"))
        layer.config = HLSConfig(name: config, base: "merge_config", members: [
            "static const unsigned n_elem = \(n);",
            "static const unsigned reuse_factor = \(site.reuseFactor);",
            "typedef \(accumT) accum_t;",
        ])
        layer.calls = [site.call("sum", config: config)]
        return layer
    }

    /// Each input copied into its place in the output (the inputs already
    /// have the output's type).
    func planConcatenate(_ site: HLSOpSite) -> HLSLayer {
        var layer = HLSLayer(op: site.op, summary: "\(site.op.name): concatenate \(site.inputs.map { "\($0.size)" }.joined(separator: " + ")) elements\(site.from)")
        let out = site.variables.last!, outT = site.dataTypes.last!
        var offset = 0
        for (k, input) in site.inputs.enumerated() {
            layer.calls.append("nnet::copy_into<\(site.dataTypes[k]), \(outT), \(input.size), \(offset)>(\(site.variables[k]), \(out));")
            offset += input.size
        }
        return layer
    }
}

import FixedPoint
import ModelIR
import Passes
import Datasets

/// Batchnorm folding, fake-quantizer installation and calibration for the
/// tensor layers (convolutions, pooling and reductions, concatenation); the
/// dense and activation layers are handled in ``Quantization`` itself.
extension Quantization {
    /// A convolution with a following per-filter batchnorm folded in (in
    /// Double, as for a dense layer: `w * s`, `(b - mean) * s + beta`); the
    /// folded layer keeps the batchnorm's name, as the compiler's FoldBatchNorm does.
    static func fold(_ bn: BatchNormLayer, into conv: ConvolutionLayer) -> ConvolutionLayer? {
        guard bn.size == conv.filters else { return nil }
        let scale = (0..<conv.filters).map { Double(bn.gamma[$0]) / (Double(bn.runningVariance[$0]) + Double(bn.epsilon)).squareRoot() }
        // Both layouts end in the filter (depthwise: the channel, one filter each).
        let w = conv.weights.indices.map { Float(Double(conv.weights[$0]) * scale[$0 % conv.filters]) }
        let b = (0..<conv.filters).map { f in
            Float((Double(conv.bias[f]) - Double(bn.runningMean[f])) * scale[f] + Double(bn.beta[f]))
        }
        guard var folded = try? ConvolutionLayer(name: bn.name, inputShape: conv.inputShape, kernel: conv.kernel,
                                                 strides: conv.strides, dilations: conv.dilations, padding: conv.padding,
                                                 filters: conv.filters, depthwise: conv.depthwise, weights: w, bias: b)
        else { return nil }
        folded.l1 = conv.l1
        folded.l2 = conv.l2
        return folded
    }

    /// `layer` with the fake quantizers of `plan` installed (its branches
    /// too); nil when it is not a tensor layer.
    static func installTensorQuantizers(_ plan: PrecisionPlan, on layer: any TrainableLayer) -> (any TrainableLayer)? {
        let types = plan.layers[layer.name] ?? LayerTypes()
        if var conv = layer as? ConvolutionLayer {
            conv.weightQuantizer = types.weight.map(FakeQuantizer.init)
            conv.biasQuantizer = types.bias.map(FakeQuantizer.init)
            conv.resultQuantizer = types.result.map(FakeQuantizer.init)
            return conv
        } else if var pool = layer as? PoolingLayer {
            pool.weightQuantizer = types.weight.map(FakeQuantizer.init)
            pool.resultQuantizer = types.result.map(FakeQuantizer.init)
            return pool
        } else if var cat = layer as? ConcatenateLayer {
            cat.resultQuantizer = types.result.map(FakeQuantizer.init)
            cat.branches = cat.branches.map { installTensorQuantizers(plan, on: $0) ?? $0 }
            return cat
        }
        return nil
    }

    /// The largest output magnitude of each branch of a concatenation on
    /// `input` (the concatenation's input batch); empty for other layers.
    static func branchRanges(_ layer: any TrainableLayer, input: Matrix) -> [String: Double] {
        guard let cat = layer as? ConcatenateLayer else { return [:] }
        var ranges: [String: Double] = [:]
        var rng = SeededRandom(seed: 0)
        for var branch in cat.branches {
            ranges[branch.name] = branch.forward(input, training: false, rng: &rng).data.reduce(0.0) { max($0, Double(abs($1))) }
        }
        return ranges
    }

    /// The calibrated types of a tensor layer and of its branches, from the
    /// largest output magnitude of each (by name); empty when it is not a
    /// tensor layer (a reshape has none: it only moves values).
    static func tensorTypes(_ layer: any TrainableLayer, maxAbs: [String: Double],
                            settings: CalibrationSettings) -> [String: LayerTypes] {
        let result = fitting((maxAbs[layer.name] ?? 0) * settings.margin, width: settings.resultWidth)
        if let conv = layer as? ConvolutionLayer {
            return [conv.name: LayerTypes(weight: fitting(conv.weights.map { Double(abs($0)) }.max() ?? 0, width: settings.weightWidth),
                                          bias: fitting(conv.bias.map { Double(abs($0)) }.max() ?? 0, width: settings.biasWidth),
                                          result: result)]
        } else if let pool = layer as? PoolingLayer {
            // The factor 1/n takes the type the compiler would give it, written out.
            let weight = pool.kind == .max ? nil : ExpandTensorOps.withMeanWeightType(LayerPrecision(), counts: pool.counts).weight
            return [pool.name: LayerTypes(weight: weight, result: result)]
        } else if let cat = layer as? ConcatenateLayer {
            var types = [cat.name: LayerTypes(result: result)]
            for branch in cat.branches { types.merge(tensorTypes(branch, maxAbs: maxAbs, settings: settings)) { a, _ in a } }
            return types
        }
        return [:]
    }
}

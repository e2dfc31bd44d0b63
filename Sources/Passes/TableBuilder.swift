import Foundation
import FixedPoint
import ModelIR

/// Contents of the activation tables. The values are computed once, here, and
/// stored in the lowered IR: the reference, the HLS tables and the Verilog
/// ROMs all read these same integers.
public enum TableBuilder {
    /// `log2(n)` for a power of two.
    static func log2Exact(_ n: Double) -> Int { Int(n.exponent) }

    /// Sigmoid or tanh sampled at the centre of each of `size` bins over
    /// `[-range, range)`, assigned to `output`.
    public static func table(_ function: TableFunction, settings: TableSettings, output: FixedType) -> TableOp {
        let bits = log2Exact(Double(settings.size))
        let rangeLog2 = log2Exact(settings.range)
        let n = settings.size
        let step = 2 * settings.range / Double(n)
        let values = (0..<n).map { i -> Int64 in
            let centre = -settings.range + (Double(i) + 0.5) * step
            let y = function == .sigmoid ? 1 / (1 + exp(-centre)) : Foundation.tanh(centre)
            return output.quantize(y)
        }
        return TableOp(function: function, indexBits: bits, rangeLog2: rangeLog2, values: values)
    }

    /// The two softmax tables for an input of `count` elements.
    public static func softmax(_ settings: SoftmaxTableSettings, count: Int, expType: FixedType,
                               inverseType: FixedType) throws(LoweringError) -> SoftmaxOp {
        let expBits = log2Exact(Double(settings.expSize))
        let expRangeLog2 = log2Exact(settings.expRange)
        let expStep = settings.expRange / Double(settings.expSize)
        let expValues = (0..<settings.expSize).map { i in expType.quantize(exp(-(Double(i) + 0.5) * expStep)) }
        // The sum of `count` exp values, exactly.
        let countBits = Int(ceil(log2(Double(count))))
        let sumIntegerBits = max(expType.integerBits, 1) + countBits
        let sumFraction = expType.fractionBits
        guard let sumType = try? FixedType(signed: false, width: sumIntegerBits + sumFraction, integerBits: sumIntegerBits) else {
            throw LoweringError(field: "precision.exp", message: "the exact sum of \(count) values of \(expType) does not fit 63 bits; use a narrower exp type")
        }
        // Every exp value is at most 1, so the sum is below 2^countBits.
        let inverseRangeLog2 = countBits
        let inverseBits = log2Exact(Double(settings.inverseSize))
        let invStep = pow(2.0, Double(inverseRangeLog2)) / Double(settings.inverseSize)
        let inverseValues = (0..<settings.inverseSize).map { i in inverseType.quantize(1 / ((Double(i) + 0.5) * invStep)) }
        return SoftmaxOp(expType: expType, expIndexBits: expBits, expRangeLog2: expRangeLog2, expValues: expValues,
                         sumType: sumType, inverseType: inverseType, inverseIndexBits: inverseBits,
                         inverseRangeLog2: inverseRangeLog2, inverseValues: inverseValues)
    }
}

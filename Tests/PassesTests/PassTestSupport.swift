import FixedPoint
import ModelIR
import ModelZoo
import Passes
import Reference

/// Random raw input vectors over the whole range of each input's type.
func randomRawInputs(_ m: LoweredModel, count: Int, seed: UInt64) -> [[Int64]] {
    var rng = ModelZoo.Random(seed: seed)
    return (0..<count).map { _ in
        m.inputs.flatMap { id -> [Int64] in
            let t = m[id].type
            return (0..<m[id].size).map { _ in
                let span = UInt64(t.maxRaw - t.minRaw) &+ 1
                return t.minRaw &+ Int64(bitPattern: span == 0 ? rng.next() : rng.next() % span)
            }
        }
    }
}

/// The lowered model straight after `Lower`, before the optional passes.
func lowerOnly(_ g: Graph) throws -> LoweredModel {
    try Lower.run(FoldBatchNorm.run(try ExpandTensorOps.run(g)).0)
}

import FixedPoint
import ModelIR

extension HLSLayerPlanner {
    mutating func planForest(_ f: ForestOp, _ site: HLSOpSite) throws(HLSError) -> HLSLayer {
        throw HLSError.unsupported(layer: site.op.name, "the HLS backend does not build forests yet")
    }
}

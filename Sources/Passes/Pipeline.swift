import ModelIR

/// The lowering pipeline, in order:
/// ValidateGraph → ExpandTensorOps → ValidateGraph (flat) → FoldBatchNorm (float graph) → Lower (types, quantized weights, tables) →
/// InsertQuantize → PruneZeroWeights → FuseActivations, with ``Verify``
/// after Lower and after each lowered pass (when `verifyEachPass`), and
/// always once at the end.
public enum Pipeline {
    public static func lower(_ graph: Graph, options: LoweringOptions = LoweringOptions()) throws(LoweringError) -> LoweredModel {
        try run(graph, options: options).model
    }

    public static func run(_ graph: Graph, options: LoweringOptions = LoweringOptions()) throws(LoweringError) -> LoweringResult {
        var log: [String] = []
        try ValidateGraph.run(graph)
        let flat = try ExpandTensorOps.run(graph)
        do { try ValidateGraph.run(flat) } catch {
            throw LoweringError(layer: error.layer, field: error.field, message: "internal error after ExpandTensorOps: \(error.message)")
        }
        let (folded, foldLog) = FoldBatchNorm.run(flat)
        log += foldLog
        let lowered = try Lower.runReportingOverflows(folded, options: options)
        var model = lowered.model
        if options.verifyEachPass { try Verify.run(model, after: "Lower", explicitQuantize: false) }
        let passes: [(String, (LoweredModel) -> (LoweredModel, [String]))] = [
            ("InsertQuantize", InsertQuantize.run),
            ("PruneZeroWeights", PruneZeroWeights.run),
            ("FuseActivations", FuseActivations.run),
        ]
        for (name, pass) in passes {
            let (next, passLog) = pass(model)
            model = next
            log += passLog
            if options.verifyEachPass { try Verify.run(model, after: name) }
        }
        try Verify.run(model, after: "the pipeline")
        return LoweringResult(model: model, log: log, overflows: lowered.overflows)
    }
}

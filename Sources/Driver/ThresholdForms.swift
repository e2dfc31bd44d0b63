import Foundation
import ModelIR
import NetlistLowering
import Passes

extension CompilerDriver {
    /// `loaded` with its threshold ops in the form asked for
    /// (``ThresholdFormChoice``), each decision a line of its lowering log,
    /// verified again (Verify proves each multiply-add-shift form).
    public static func applyThresholdForm(_ form: ThresholdForm, to loaded: LoadedModel) throws(DriverError) -> LoadedModel {
        let file = (loaded.path as NSString).lastPathComponent
        guard loaded.model.ops.contains(where: { if case .threshold = $0.kind { return true } else { return false } }) else { return loaded }
        var result = loaded
        let chosen: (model: LoweredModel, decisions: [ThresholdFormChoice.Decision])
        do {
            chosen = try ThresholdFormChoice.apply(form, to: loaded.model)
        } catch {
            switch error {
            case let .unsupported(op, message):
                throw .lowering(file: file, LoweringError(layer: op, field: "threshold", message: message))
            }
        }
        do { try Verify.run(chosen.model, after: "ThresholdFormChoice") } catch { throw .lowering(file: file, error) }
        result.lowering.model = chosen.model
        result.lowering.log += chosen.decisions.map(\.line)
        return result
    }
}

import HLSBackend
import Reports
import Simulation
import Templates
import TensorIO
import VerilogBackend

/// How the lower modules' errors map onto exit codes: a template that is
/// missing or untrusted is an installation problem (3) wherever it shows up;
/// a model a backend cannot emit is bad input (2).
extension DriverError {
    /// An error of an emitter (HLS or Verilog) or of finding its templates.
    init(emitting error: any Error) {
        switch error {
        case VerilogError.template: self = .installation("\(error)")
        case VerilogError.invalidNetlist: self = .io("\(error)")
        case HLSError.template: self = .installation("\(error)")
        case is TemplateError: self = .installation("\(error)")
        default: self = .option("\(error)")
        }
    }

    /// A failed Verilator simulation (or its build).
    init(_ error: RTLSimulationError) {
        switch error {
        case .tool(let e): self = .tool(e)
        case .emit(let s), .input(let s): self = .option(s)
        case .output(let s), .io(let s): self = .io(s)
        case .refused(let e): self = .refused(e)
        case .installation(let s): self = .installation(s)
        }
    }

    /// A failed C simulation (or its build).
    init(_ error: CSimError) {
        switch error {
        case .apTypesNotFound: self = .tool(.notInstalled(tool: "ap_types (ap_fixed.h)", hint: error.description))
        case .tool(let e): self = .tool(e)
        case .emit(let s), .input(let s): self = .option(s)
        case .output(let s), .io(let s): self = .io(s)
        case .refused(let e): self = .refused(e)
        case .installation(let s): self = .installation(s)
        }
    }

    /// A report that cannot be built or rendered; `labels` names the labels file.
    init(_ error: ReportError, labels: String?) {
        switch error {
        case .labels(let s): self = .data(TensorIOError(file: labels ?? "labels", message: s))
        case .template(let s): self = .installation(s)
        case .io(let s): self = .io(s)
        }
    }
}

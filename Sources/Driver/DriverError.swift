import FileSafety
import FixedPoint
import ModelFormat
import Passes
import QONNX
import TensorIO
import Toolchain
import Training

/// Everything that can stop a CLI command, with the exit code it maps to:
/// 2 for bad user input (model, data, options), 3 for a missing external
/// tool or a missing or untrusted part of the installation (templates,
/// ap_types headers), 4 for a failed tool run or I/O error, 5 for a
/// verification failure. ``DriverError/init(emitting:)`` and its siblings
/// (ErrorMapping.swift) class the lower modules' errors this way.
public enum DriverError: Error, Sendable, CustomStringConvertible {
    case model(ModelFormatError)
    /// A QONNX file that cannot be imported, or a model that cannot be exported as QONNX.
    case qonnx(QONNXError)
    case lowering(file: String, LoweringError)
    case data(TensorIOError)
    /// A bad option, or bad input already described in full.
    case option(String)
    /// A training config that cannot be used, or a training run that failed.
    case training(TrainingError)
    case tool(ToolError)
    /// The installation is incomplete or untrusted: templates missing, or
    /// found somewhere another user could have written them.
    case installation(String)
    /// A file or folder the command will not write or trust.
    case refused(FileSafetyError)
    case io(String)
    case mismatch(String)

    public var exitCode: Int32 {
        switch self {
        case .model, .qonnx, .lowering, .data, .option, .training: return 2
        case .refused(.refused): return 2
        case .refused(.io): return 4
        case .tool(.notInstalled), .tool(.untrusted), .installation: return 3
        case .tool, .io: return 4
        case .mismatch: return 5
        }
    }

    public var description: String {
        switch self {
        case .model(let e): return e.description
        case .qonnx(let e): return e.description
        case .lowering(let file, let e): return "\(file): \(e)"
        case .data(let e): return e.description
        case .option(let s): return s
        case .training(let e): return e.description
        case .tool(let e): return e.description
        case .installation(let s): return "installation problem: \(s)"
        case .refused(let e): return e.description
        case .io(let s): return s
        case .mismatch(let s): return s
        }
    }
}

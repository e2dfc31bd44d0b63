import FileSafety
import Foundation
import TensorIO

/// `hepml-compile predict`: the reference (or the float model) on an event file.
public struct PredictOptions: Sendable {
    public var model: ModelSource
    /// Events, CSV or `.npy` by extension.
    public var input: String
    /// CSV or `.npy` by extension; `-` for standard output.
    public var output: String
    /// The unquantized float model instead of the fixed-point reference.
    public var float = false
    /// Raw integer codes instead of real values (fixed-point only).
    public var raw = false
    /// The events of inputs with a float-scale or bipolar Quant are its codes already (not float values).
    public var inputCodes = false
    public var threads = CompilerDriver.defaultThreads
    /// No progress line.
    public var quiet = false

    public init(model: ModelSource, input: String, output: String) {
        self.model = model
        self.input = input
        self.output = output
    }
}

/// What a prediction wrote.
public struct PredictResult: Sendable {
    public var events: Int
    /// One line saying what was written where.
    public var message: String
    /// The outputs went to standard output, so ``message`` belongs on standard error.
    public var dataOnStandardOutput: Bool
}

extension CompilerDriver {
    /// The threads a command uses unless told otherwise: every core.
    public static var defaultThreads: Int { Parallel.defaultThreads }

    /// Runs the model on every event of the input and writes the outputs
    /// (see ``Prediction``).
    public static func predict(_ options: PredictOptions, console: Console = .standard) throws(DriverError) -> PredictResult {
        try CountLimits.check(options.threads, "--threads", limit: CountLimits.threads)
        try OutputWriter.refuseOverwriting(options.output, inputs: [options.model.path, options.input])
        let loaded = try options.model.load(console: console)
        var prediction = Prediction(input: options.input, output: options.output)
        prediction.arithmetic = options.float ? .float : options.raw ? .raw : .fixed
        prediction.threads = options.threads
        prediction.quiet = options.quiet
        prediction.inputCodes = options.inputCodes
        let events = try prediction.run(loaded)
        let written = options.output == "-" ? "standard output" : options.output
        return PredictResult(events: events, message: "\(options.float ? "float" : "fixed-point") outputs of \(events) events written to \(written)",
                             dataOnStandardOutput: options.output == OutputFile.standardOutput)
    }
}

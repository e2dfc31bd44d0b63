import Foundation
import ModelIR
import NetlistLowering
import TensorIO
import VerilogBackend

/// What `hepml-compile model.json --target ...` produces.
public enum CompileTarget: String, CaseIterable, Sendable {
    /// Both backends.
    case fpga
    /// The Vitis HLS C++ project only.
    case hls
    /// The Verilog RTL only.
    case verilog
}

/// What the backends are asked for, beyond model.json: the pure compiler's
/// settings (``CompileOptions`` is the command's, which also names files).
public struct BackendOptions: Sendable {
    public var target: CompileTarget
    public var clockNs: Double
    public var reuseFactor: Int
    /// Events shipped as test vectors with the HLS project (nil: a seeded sample).
    public var testInputs: EventTable?
    /// The largest op, in ``RTLSize`` terms, the Verilog target emits.
    public var maxRTLSize: Int = RTLSize.defaultLimit
    /// The FPGA family whose delays pipeline the Verilog.
    public var family: FPGAFamily = .standard
    /// Picoseconds of logic per pipeline stage; nil derives them from ``clockNs``.
    public var stageBudget: Int?
    /// Variable products on DSP blocks instead of adders.
    public var dspMultipliers = false
    /// Where adders are ternary (Xilinx primitives).
    public var ternaryAdders = TernaryAdderUse.all

    /// The Verilog backend's options for these.
    public var verilog: VerilogOptions {
        VerilogOptions(clockNs: clockNs, family: family, stageBudget: stageBudget, dspMultipliers: dspMultipliers,
                       ternaryAdders: ternaryAdders)
    }

    /// The options that give the Verilog a latency of at most `cycles`
    /// (`--latency-cycles`): the least logic per stage that reaches it, and
    /// the clock period it implies on `family` (also the HLS clock).
    public static func forLatency(_ cycles: Int, model: LoweredModel, target: CompileTarget = .fpga, family: FPGAFamily = .standard,
                                  dspMultipliers: Bool = false, ternaryAdders: TernaryAdderUse = .all,
                                  reuseFactor: Int = 1) throws(DriverError) -> (options: BackendOptions, target: LatencyTarget) {
        guard cycles >= 0 else { throw .option("--latency-cycles must be 0 or more, not \(cycles)") }
        var fewest = 0
        let found: LatencyTarget?
        do { found = try LatencyTarget.search(model, cycles: cycles, base: VerilogOptions(family: family, dspMultipliers: dspMultipliers, ternaryAdders: ternaryAdders),
                                                    fewest: &fewest) } catch {
            throw DriverError(emitting: error)
        }
        guard let found else {
            throw .option("--latency-cycles \(cycles): the model needs at least \(fewest) cycles even at a 100 ns clock")
        }
        var options = BackendOptions(target: target, clockNs: found.clockNs, reuseFactor: reuseFactor)
        options.family = family
        options.dspMultipliers = dspMultipliers
        options.ternaryAdders = ternaryAdders
        options.stageBudget = found.stageBudget
        return (options, found)
    }

    /// The clock periods `--clock-ns` accepts: 0.1 ns (10 GHz, beyond any
    /// FPGA) to 1000 ns (1 MHz, far below an L1 trigger's 40 MHz).
    public static let clockRange: ClosedRange<Double> = 0.1...1000

    /// Refuses a clock period outside ``clockRange`` (NaN and infinities
    /// included), naming the option.
    public static func checkClock(_ ns: Double, option: String = "--clock-ns") throws(DriverError) {
        guard clockRange.contains(ns) else {
            throw .option("\(option): \(ns) ns is outside the accepted range "
                + "\(clockRange.lowerBound)...\(clockRange.upperBound) ns")
        }
    }

    public init(target: CompileTarget = .fpga, clockNs: Double = 5.0, reuseFactor: Int = 1, testInputs: EventTable? = nil) {
        self.target = target
        self.clockNs = clockNs
        self.reuseFactor = reuseFactor
        self.testInputs = testInputs
    }
}

/// The files of one compiled model, relative to `hls-out/<model>/`.
public struct CompiledDesign: Sendable {
    public var files: [GeneratedFile]
    /// One line per notable fact (passes applied, latency), for the CLI.
    public var summary: [String]
}

public enum Compiler {
    /// Runs the backends the target asks for. Pure: writes nothing.
    public static func compile(_ loaded: LoadedModel, options: BackendOptions) throws(DriverError) -> CompiledDesign {
        let model = loaded.model
        var files = [GeneratedFile(path: "lowered.txt", contents: LoweredPrinter.print(model))]
        var summary = loaded.lowering.log
        if options.target != .hls { try CompilerDriver.checkRTLSize(model, file: loaded.path, limit: options.maxRTLSize) }
        let backends = try BackendRunner.run(model, options: options)
        files += backends.files
        files.append(GeneratedFile(path: DesignDescriptor.fileName,
                                   contents: DesignDescriptor(model: model, rtl: backends.rtl, hls: backends.hls).text))
        summary += backends.summary
        return CompiledDesign(files: files.sorted { $0.path < $1.path }, summary: summary)
    }
}

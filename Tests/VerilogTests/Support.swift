import FixedPoint
import ModelIR
import ModelZoo
import Passes
import Simulation
import VerilogBackend

/// Shared helpers of the Verilog tests.
enum RTLTest {
    /// Raw input codes that exercise the whole input range: typical values,
    /// real values up to 1.5x beyond the type's range converted with the
    /// input type's own Q and O modes (saturation or wrap), uniform codes,
    /// and the extreme codes.
    static func inputs(_ model: LoweredModel, count: Int, seed: UInt64) -> [[Int64]] {
        var rng = ModelZoo.Random(seed: seed)
        let types = model.inputs.flatMap { id in Array(repeating: model[id].type, count: model[id].size) }
        return (0..<count).map { event in
            let style = event % 5
            return types.map { t in
                switch style {
                case 0:
                    return t.quantize(rng.uniform(-2, 2))
                case 1:
                    return t.quantize(rng.uniform(1.5 * t.minValue - 1, 1.5 * t.maxValue + 1))
                case 2:
                    let span = UInt64(t.maxRaw - t.minRaw) &+ 1
                    return t.minRaw &+ Int64(bitPattern: span == 0 ? rng.next() : rng.next() % span)
                case 3:
                    switch rng.next() % 4 {
                    case 0: return t.minRaw
                    case 1: return t.maxRaw
                    case 2: return 0
                    default: return t.quantize(rng.uniform(-8, 8))
                    }
                default:
                    return t.quantize(rng.uniform(t.minValue / 4, t.maxValue / 4))
                }
            }
        }
    }

    /// Lowers a zoo model.
    static func lower(_ graph: Graph) throws -> LoweredModel {
        try Pipeline.lower(graph)
    }

    /// Emits, builds, simulates `count` vectors and returns the design and result.
    /// With `primitiveAdders`, ternary adders are simulated as their Xilinx primitives.
    static func simulate(_ model: LoweredModel, count: Int, seed: UInt64 = 1, options: VerilogOptions = VerilogOptions(),
                         validGap: Int = 0, primitiveAdders: Bool = false) async throws -> (VerilogDesign, VerilatorSimulation.Result) {
        let design = try VerilogEmitter.emit(model, options: options)
        var sim = VerilatorSimulation(design: design, model: model)
        sim.primitiveAdders = primitiveAdders
        let result = try await sim.run(raw: inputs(model, count: count, seed: seed), validGap: validGap)
        print("\(model.name): \(count) vectors, \(result.compared.mismatchCount) mismatches, latency reported \(design.latency) measured \(result.measuredLatency.map(String.init) ?? "varies"), build \(String(format: "%.1f", result.build.seconds)) s (rebuilt: \(!result.build.cached)), \(Int(result.eventsPerSecond)) events/s")
        for m in result.compared.mismatches.prefix(5) { print("  \(m)") }
        return (design, result)
    }
}

import Foundation
import FixedPoint
import ModelIR
import ModelZoo
import Passes
import Reference
import TensorIO

// Measures the Swift fixed-point reference on one core: events per second for
// the synthetic models, the tagger at ap_fixed<16,6> everywhere included.
// Usage: hepml-bench [events]   (prints a table and JSON lines)

/// CPU time of this thread: the figure stays meaningful on a loaded machine.
func seconds(_ body: () -> Void) -> Double {
    func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
    let start = now()
    body()
    return now() - start
}

let events = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 200_000 : 200_000
var models: [(String, Graph)] = ModelZoo.all.map { ($0.name, $0.make()) }
models.insert(("tagger_16_6", ModelZoo.mlp(name: "tagger_16_6", sizes: [16, 64, 32, 32, 5], seed: 2,
                                            inputType: .fixed(16, 6),
                                            defaults: PrecisionDefaults(precision: .fixed(16, 6), result: .fixed(16, 6)))), at: 0)
func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
print(pad("model", 16) + pad("lower ms", 10) + pad("events/s (1 core, CPU time)", 30))
for (name, graph) in models {
    var model: LoweredModel!
    let lowerTime = seconds { model = try! Pipeline.lower(graph) }
    let eval = FixedPointEvaluator(model)
    var rng = ModelZoo.Random(seed: 1)
    let width = model.inputWidth
    let inputs: [[Int64]] = (0..<1000).map { _ in
        model.inputs.flatMap { id in (0..<model[id].size).map { _ in model[id].type.quantize(rng.uniform(-4, 4)) } }
    }
    _ = width
    var checksum: Int64 = 0
    let n = name == "tagger_16_6" ? events : events / 4
    let t = seconds {
        for i in 0..<n { checksum &+= eval.runRaw(inputs[i % inputs.count])[0] }
    }
    let rate = Double(n) / t
    print(pad(name, 16) + pad(String(format: "%.2f", lowerTime * 1000), 10) + pad("\(Int(rate))", 30))
    print("{\"bench\":\"reference\",\"model\":\"\(name)\",\"events_per_second\":\(Int(rate)),\"lower_ms\":\(String(format: "%.2f", lowerTime * 1000)),\"checksum\":\(checksum)}")
}

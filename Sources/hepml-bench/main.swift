import Datasets
import FileSafety
import Foundation
import FixedPoint
import ModelFormat
import ModelIR
import ModelZoo
import Passes
import Reference
import TensorIO

// Measures the Swift fixed-point reference on one core: events per second for
// the synthetic models, the tagger at ap_fixed<16,6> everywhere included.
// Usage: hepml-bench [events]   (prints a table and JSON lines)
//        hepml-bench --reference model.json [events]
//          the same measurement for a model.json (one JSON line), for bench/run.
//        hepml-bench --write-mlp 64,128,128,64,10 out.json [seed]
//          writes a ReLU MLP with ap_fixed<16,6> input, weights, biases and
//          results and random weights (ModelZoo.mlp) as model.json, for bench/run.

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

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write("hepml-bench: \(message)\n".data(using: .utf8)!)
    exit(code)
}

/// Events per second of the reference on `model` (CPU time of this thread) over
/// `n` events cycling through 1,000 seeded inputs in [-4, 4), and a checksum
/// that keeps the work from being optimized away.
func referenceRate(_ model: LoweredModel, events n: Int) -> (rate: Double, checksum: Int64) {
    let eval = FixedPointEvaluator(model)
    var rng = ModelZoo.Random(seed: 1)
    let inputs: [[Int64]] = (0..<1000).map { _ in
        model.inputs.flatMap { id in (0..<model[id].size).map { _ in model[id].type.quantize(rng.uniform(-4, 4)) } }
    }
    var checksum: Int64 = 0
    let t = seconds {
        for i in 0..<n { checksum &+= eval.runRaw(inputs[i % inputs.count])[0] }
    }
    return (Double(n) / t, checksum)
}

/// CPU time of the whole process (every thread).
func processSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Wall-clock seconds of `body`.
func wallSeconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let arguments = CommandLine.arguments
if arguments.count > 1, arguments[1] == "--write-events" {
    // hepml-bench --write-events tagger|l1 N out.npy|out.csv [f4]: N seeded
    // events for the streaming benches, made in chunks on every core and
    // written in blocks. tagger: 16 standard-normal features (the scale of
    // the tagger's standardized inputs); l1: the L1 background mixture
    // (57 values in hardware units, exact in float32).
    guard arguments.count >= 5, let n = Int(arguments[3]), n > 0, ["tagger", "l1"].contains(arguments[2]) else {
        fail("usage: hepml-bench --write-events tagger|l1 N out.npy|out.csv [f4]", code: 2)
    }
    do { try BenchEvents.write(kind: arguments[2], count: n, path: arguments[4], float32: arguments.count > 5 && arguments[5] == "f4") }
    catch { fail("\(arguments[4]): \(error)", code: 1) }
    exit(0)
}
if arguments.count > 1, arguments[1] == "--write-jets" {
    // Labelled jet-tagging events (the data the shipped tagger was trained
    // on, docs/datasets.md) for the sweep bench: features to .npy or CSV by
    // extension, one class index per row to a CSV.
    guard arguments.count >= 5, let n = Int(arguments[2]), n > 0 else {
        fail("usage: hepml-bench --write-jets N events.npy|events.csv labels.csv [seed]", code: 2)
    }
    let seed = arguments.count > 5 ? UInt64(arguments[5]) ?? 99 : 99
    let data = GeneratedData.make("jet_tagging", count: n, seed: seed)!
    let labels = EventTable(rows: n, columns: 1, values: (data.labels ?? []).map(Double.init))
    do {
        try EventFile.write(data.features, to: arguments[3])
        try EventFile.write(labels, to: arguments[4])
    } catch { fail("\(error)", code: 1) }
    exit(0)
}

if arguments.count > 1, arguments[1] == "--read" {
    // hepml-bench --read FILE [threads]: reads an event file (CSV or .npy)
    // in blocks and prints MB/s and events/s (wall time, this process).
    guard arguments.count >= 3 else { fail("usage: hepml-bench --read events.csv|events.npy [threads]", code: 2) }
    let threads = arguments.count > 3 ? Int(arguments[3]) ?? Parallel.defaultThreads : Parallel.defaultThreads
    var rows = 0, checksum = 0.0
    let t: Double
    do {
        t = try wallSeconds {
            let reader = try EventFile.reader(path: arguments[2], threads: threads)
            while let block = try reader.next() { rows += block.rows; checksum += block.values.first ?? 0 }
        }
    } catch { fail("\(error)", code: 2) }
    let bytes = Double((try? FileManager.default.attributesOfItem(atPath: arguments[2])[.size] as? Int) ?? 0)
    print("{\"bench\":\"read\",\"file\":\"\(arguments[2])\",\"threads\":\(threads),\"events\":\(rows),\"seconds\":\(String(format: "%.3f", t)),\"mb_per_second\":\(String(format: "%.1f", bytes / t / 1e6)),\"events_per_second\":\(Int(Double(rows) / t)),\"checksum\":\(checksum)}")
    exit(0)
}
if arguments.count > 1, arguments[1] == "--write-mlp" {
    let sizes = arguments.count >= 4 ? arguments[2].split(separator: ",").compactMap { Int($0) } : []
    guard sizes.count >= 2, sizes.allSatisfy({ $0 > 0 }) else {
        fail("usage: hepml-bench --write-mlp N0,N1,...,Nk out.json [seed]", code: 2)
    }
    let seed = arguments.count > 4 ? UInt64(arguments[4]) ?? 7 : 7
    let name = "mlp_" + sizes.map(String.init).joined(separator: "_")
    let graph = ModelZoo.mlp(name: name, sizes: sizes, seed: seed, inputType: .fixed(16, 6),
                             defaults: PrecisionDefaults(precision: .fixed(16, 6), result: .fixed(16, 6)))
    do {
        try ModelEncoder.encode(graph).write(toFile: arguments[3], atomically: true, encoding: .utf8)
    } catch {
        fail("cannot write \(arguments[3]): \(error)", code: 1)
    }
    exit(0)
}
if arguments.count > 1, arguments[1] == "--batch" {
    // hepml-bench --batch model.json [events] [threads]: the batched,
    // threaded reference in this process on seeded events in [-4, 4):
    // events/s over wall time, and CPU seconds of the whole process.
    guard arguments.count >= 3 else { fail("usage: hepml-bench --batch model.json [events] [threads]", code: 2) }
    let n = arguments.count > 3 ? Int(arguments[3]) ?? 1_000_000 : 1_000_000
    let threads = arguments.count > 4 ? Int(arguments[4]) ?? Parallel.defaultThreads : Parallel.defaultThreads
    let model: LoweredModel
    do { model = try Pipeline.lower(ModelDecoder.load(path: arguments[2])) } catch {
        fail("\(arguments[2]): \(error)", code: 2)
    }
    var rng = ModelZoo.Random(seed: 1)
    let table = EventTable(rows: n, columns: model.inputWidth, values: (0..<(n * model.inputWidth)).map { _ in rng.uniform(-4, 4) })
    let eval = FixedPointEvaluator(model)
    let cpu0 = processSeconds()
    var checksum: Int64 = 0
    let t = wallSeconds { checksum = eval.runRaw(table, threads: threads).reduce(0, &+) }
    let cpu = processSeconds() - cpu0
    print("{\"bench\":\"batch\",\"model\":\"\(model.name)\",\"events\":\(n),\"threads\":\(threads),\"events_per_second\":\(Int(Double(n) / t)),\"events_per_cpu_second\":\(Int(Double(n) / cpu)),\"checksum\":\(checksum)}")
    exit(0)
}
if arguments.count > 1, arguments[1] == "--reference" {
    guard arguments.count >= 3 else { fail("usage: hepml-bench --reference model.json [events]", code: 2) }
    let n = arguments.count > 3 ? Int(arguments[3]) ?? 100_000 : 100_000
    let model: LoweredModel
    do { model = try Pipeline.lower(ModelDecoder.load(path: arguments[2])) } catch {
        fail("\(arguments[2]): \(error)", code: 2)
    }
    let (rate, checksum) = referenceRate(model, events: n)
    print("{\"bench\":\"reference\",\"model\":\"\(model.name)\",\"events\":\(n),\"events_per_second\":\(Int(rate)),\"checksum\":\(checksum)}")
    exit(0)
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
    let (rate, checksum) = referenceRate(model, events: name == "tagger_16_6" ? events : events / 4)
    print(pad(name, 16) + pad(String(format: "%.2f", lowerTime * 1000), 10) + pad("\(Int(rate))", 30))
    print("{\"bench\":\"reference\",\"model\":\"\(name)\",\"events_per_second\":\(Int(rate)),\"lower_ms\":\(String(format: "%.2f", lowerTime * 1000)),\"checksum\":\(checksum)}")
}

import FixedPoint
import Foundation
import ModelFormat
import ModelIR
import ModelZoo
import Passes
@testable import Reference
import TensorIO
import Testing

/// The batched, threaded evaluator equals the event-by-event reference bit
/// for bit, on every model and every event count (chunks and batches that
/// do not divide it, and none at all).
@Suite struct BatchEvaluatorTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shipped = ["jet_tagger", "l1_autoencoder"]
    /// Wide types: 64-bit sums (the `wide` dense path) and the exact paths.
    static let wide = "wide"
    static let names = ModelZoo.all.map(\.name) + shipped + [wide]

    static func model(_ name: String) throws -> LoweredModel {
        if shipped.contains(name) {
            return try Pipeline.lower(ModelDecoder.load(path: repoRoot.appendingPathComponent("examples/\(name)/model.json").path))
        }
        if name == wide {
            return try Pipeline.lower(ModelZoo.mlp(
                name: wide, sizes: [6, 8, 3], seed: 11, inputType: .fixed(40, 12, .rnd, .sat), hidden: .leakyReLU(alpha: 0.3),
                precisions: [LayerPrecision(weight: .fixed(24, 4), result: .fixed(48, 16, .rnd, .sat)),
                             LayerPrecision(weight: .fixed(30, 2), result: .fixed(60, 20, .rndConv, .wrap))]))
        }
        return try Pipeline.lower(ModelZoo.all.first { $0.name == name }!.make())
    }

    /// Real inputs: mostly inside the input types' range, some far outside
    /// (saturation or wrap), some on half-LSB ties and exact zeros.
    static func events(_ m: LoweredModel, count: Int, seed: UInt64) -> EventTable {
        var rng = ModelZoo.Random(seed: seed)
        let types = m.inputs.flatMap { id in Array(repeating: m[id].type, count: m[id].size) }
        var values: [Double] = []
        for n in 0..<count {
            for t in types {
                switch (n + values.count) % 9 {
                case 0: values.append(rng.uniform(-4, 4) * t.maxValue)
                case 1: values.append((Double(Int64(rng.uniform(-1000, 1000))) + 0.5) * t.lsb)
                case 2: values.append(0)
                default: values.append(rng.uniform(t.minValue, t.maxValue))
                }
            }
        }
        return EventTable(rows: count, columns: types.count, values: values)
    }

    @Test(arguments: names)
    func threadedChunksEqualTheSingleEventReference(name: String) throws {
        let m = try Self.model(name)
        if name == Self.wide {
            let paths = BatchEvaluator(m).steps.compactMap { step -> BatchDense.Path? in
                if case .dense(let d) = step.kernel { return d.path } else { return nil }
            }
            #expect(paths.contains(.wide))
        }
        let reference = FixedPointEvaluator(m)
        let events = Self.events(m, count: 2 * FixedPointEvaluator.chunkEvents + 77, seed: 5)
        let expected = (0..<events.rows).flatMap { reference.runRaw(reference.quantizeInputs(events[row: $0])) }
        for threads in [1, 2, 3] {
            #expect(reference.runRaw(events, threads: threads) == expected, "\(name), \(threads) threads")
        }
        // Every batch size, including ones that divide nothing.
        for lanes in [1, 8, 24, 64] {
            let batch = BatchEvaluator(m, lanes: lanes)
            let head = 150
            var out = [Int64](repeating: 0, count: head * m.outputWidth)
            events.values.withUnsafeBufferPointer { v in
                out.withUnsafeMutableBufferPointer { batch.runRaw(v, events: head, into: $0) }
            }
            #expect(out == Array(expected.prefix(head * m.outputWidth)), "\(name), \(lanes) lanes")
        }
    }

    @Test(arguments: names)
    func rawCodesOverTheWholeInputRange(name: String) throws {
        let m = try Self.model(name)
        let reference = FixedPointEvaluator(m)
        var rng = ModelZoo.Random(seed: 9)
        let types = m.inputs.flatMap { id in Array(repeating: m[id].type, count: m[id].size) }
        let count = 500
        var codes: [Int64] = []
        for n in 0..<count {
            for t in types {
                let span = UInt64(t.maxRaw - t.minRaw) + 1
                codes.append(n % 5 == 0 ? t.maxRaw : n % 5 == 1 ? t.minRaw : t.minRaw + Int64(rng.next() % span))
            }
        }
        let expected = (0..<count).flatMap { reference.runRaw(Array(codes[($0 * types.count)..<(($0 + 1) * types.count)])) }
        var out = [Int64](repeating: 0, count: count * m.outputWidth)
        codes.withUnsafeBufferPointer { c in
            out.withUnsafeMutableBufferPointer { BatchEvaluator(m).runRaw(codes: c, events: count, into: $0) }
        }
        #expect(out == expected)
    }

    @Test func anEmptyTableGivesNoOutputs() throws {
        let m = try Self.model("tagger")
        #expect(FixedPointEvaluator(m).runRaw(EventTable(rows: 0, columns: 16, values: []), threads: 2).isEmpty)
        #expect(FixedPointEvaluator(m).run(EventTable(rows: 0, columns: 16, values: [])).rows == 0)
    }
}

/// The 64-bit fast forms of quantization equal the exact path for every
/// mode, width and shift.
@Suite struct RequantizerTests {
    static func randomType(_ rng: inout ModelZoo.Random) -> FixedType {
        let signed = rng.next() % 4 != 0
        let width = 1 + Int(rng.next() % 40)
        let q = QuantizationMode.allCases[Int(rng.next() % UInt64(QuantizationMode.allCases.count))]
        var o = OverflowMode.allCases[Int(rng.next() % UInt64(OverflowMode.allCases.count))]
        if !signed && o == .wrapSM { o = .wrap }
        return try! FixedType(signed: signed, width: width, integerBits: Int(rng.next() % 30) - 10,
                              quantization: q, overflow: o, saturationBits: rng.next() % 5 == 0 ? Int(rng.next() % UInt64(width)) : 0)
    }

    @Test func codesAreQuantizedAsTheExactPathDoes() {
        var rng = ModelZoo.Random(seed: 77)
        for _ in 0..<3000 {
            let output = Self.randomType(&rng)
            let inputBits = 2 + Int(rng.next() % 62)
            let fraction = Int(rng.next() % 60) - 20
            let r = Requantizer(from: fraction, inputBits: inputBits, to: output)
            var codes: [Int64] = []
            for _ in 0..<40 {
                let bound = Int64(1) << (inputBits - 1)
                let c = Int64(bitPattern: rng.next()) % bound
                codes.append(c)
            }
            codes += [(Int64(1) << (inputBits - 1)) - 1, -(Int64(1) << (inputBits - 1)), 0]
            let expected = codes.map { output.quantize(ExactValue(raw: Int128($0), fractionBits: fraction)) }
            #expect(codes.map(r.apply) == expected, "\(output) from \(fraction) fractional bits, \(inputBits) bits")
            var lanes = codes
            lanes.withUnsafeMutableBufferPointer { r.apply($0.baseAddress!, count: $0.count) }
            #expect(lanes == expected)
        }
    }

    @Test func realInputsAreQuantizedAsTheExactPathDoes() {
        var rng = ModelZoo.Random(seed: 78)
        for _ in 0..<2000 {
            let type = Self.randomType(&rng)
            let q = InputQuantizer(type)
            var values = [0.0, -0.0, type.lsb / 2, -type.lsb / 2, 1.5 * type.lsb, -2.5 * type.lsb, type.maxValue, type.minValue,
                          1e300, -1e300, Double.leastNonzeroMagnitude, -Double.leastNonzeroMagnitude, Double.leastNormalMagnitude / 8]
            for _ in 0..<40 { values.append(rng.uniform(-2, 2) * max(1, type.maxValue) * (rng.next() % 2 == 0 ? 1 : 1e-3)) }
            let expected = values.map { type.quantize($0) }
            #expect(values.map(q.code) == expected, "\(type)")
            // The loop over rows of a table: 4 rows of (values.count / 4) columns, lanes of stride 16.
            let size = values.count / 4
            var lanes = [Int64](repeating: 0, count: size * 16)
            values.withUnsafeBufferPointer { v in
                lanes.withUnsafeMutableBufferPointer { q.codes(v.baseAddress!, width: size, size: size, rows: 4, into: $0.baseAddress!, stride: 16) }
            }
            for e in 0..<4 { for i in 0..<size { #expect(lanes[i * 16 + e] == expected[e * size + i]) } }
        }
    }
}

/// The batched float evaluator gives every event the scalar evaluator's Double, bit for bit.
@Suite struct BatchFloatEvaluatorTests {
    @Test(arguments: BatchEvaluatorTests.names.filter { $0 != BatchEvaluatorTests.wide })
    func equalsTheScalarFloatEvaluator(name: String) throws {
        let graph = BatchEvaluatorTests.shipped.contains(name)
            ? try ModelDecoder.load(path: BatchEvaluatorTests.repoRoot.appendingPathComponent("examples/\(name)/model.json").path)
            : ModelZoo.all.first { $0.name == name }!.make()
        let m = try Pipeline.lower(graph)
        let events = BatchEvaluatorTests.events(m, count: 203, seed: 3)
        let expected = FloatEvaluator(graph).run(events)
        let batch = BatchFloatEvaluator(graph)
        var out = [Double](repeating: 0, count: events.rows * batch.outputWidth)
        events.values.withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { batch.run(v, events: events.rows, into: $0) } }
        #expect(out.map(\.bitPattern) == expected.values.map(\.bitPattern))
    }
}

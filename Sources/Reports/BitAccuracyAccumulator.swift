import FixedPoint
import ModelIR
import Reference
import TensorIO

/// ``BitAccuracyReport`` built block by block: each event is traced through
/// the float graph and the bit-exact reference, and every tensor's error,
/// range and overflow counts are accumulated in constant memory. Only the
/// outputs of the first ``BitAccuracyAnalysis/Options/keptEvents`` events
/// are kept, for the error histograms, the scatter plots and the physics
/// section; a file of any length is read in bounded memory.
public struct BitAccuracyAccumulator {
    let model: LoweredModel
    let options: BitAccuracyAnalysis.Options
    let fixed: FixedPointEvaluator
    let float: FloatEvaluator
    let floatNames: [String?]
    let producers: [TensorID: LoweredOp]
    let order: [TensorID]
    let outputNames: [String]

    var events = 0
    var errors: [ErrorAccumulator]
    var floatRange: [RangeAccumulator]
    var fixedRange: [RangeAccumulator]
    var overflow: [OverflowCheck.Counts]
    /// Per output element: its error over every event, and its (float, fixed) values for the kept events.
    var outputErrors: [ErrorAccumulator]
    var outputFloat: [[Double]]
    var outputFixed: [[Double]]

    public init(graph: Graph, model: LoweredModel, options: BitAccuracyAnalysis.Options = .init()) {
        self.model = model
        self.options = options
        fixed = FixedPointEvaluator(model)
        float = FloatEvaluator(graph)
        floatNames = BitAccuracyAnalysis.floatCounterparts(graph: graph, model: model)
        producers = Dictionary(model.ops.map { ($0.output, $0) }, uniquingKeysWith: { a, _ in a })
        order = model.inputs + model.ops.map(\.output)
        outputNames = BitAccuracyAnalysis.outputElementNames(model)
        let n = model.tensors.count
        errors = Array(repeating: ErrorAccumulator(), count: n)
        floatRange = Array(repeating: RangeAccumulator(), count: n)
        fixedRange = Array(repeating: RangeAccumulator(), count: n)
        overflow = Array(repeating: OverflowCheck.Counts(), count: n)
        outputErrors = Array(repeating: ErrorAccumulator(), count: outputNames.count)
        outputFloat = Array(repeating: [], count: outputNames.count)
        outputFixed = Array(repeating: [], count: outputNames.count)
    }

    /// Adds a block of events (rows of the model's input width).
    public mutating func add(_ block: EventTable) {
        for e in 0..<block.rows { add(event: block[row: e]) }
    }

    mutating func add(event row: ArraySlice<Double>) {
        let floatTrace = float.trace(row)
        let trace = fixed.trace(fixed.quantizeInputs(row))
        for id in order {
            let t = model[id]
            let raw = trace[id.index]
            let reference = floatNames[id.index].flatMap { floatTrace[$0] }
            for i in 0..<t.size {
                let q = t.type.value(ofRaw: raw[i])
                fixedRange[id.index].add(q)
                if let reference {
                    floatRange[id.index].add(reference[i])
                    errors[id.index].add(float: reference[i], fixed: q)
                }
            }
            if let op = producers[id] {
                OverflowCheck.count(op, in: model, trace: trace, into: &overflow[id.index])
            }
        }
        // Inputs: the float-to-fixed conversion at the boundary.
        var k = row.startIndex
        for id in model.inputs {
            for _ in 0..<model[id].size {
                if let exact = ExactValue(row[k]) {
                    switch OverflowCheck.outcome(exact, model[id].type) {
                    case .saturated: overflow[id.index].saturated += 1
                    case .wrapped: overflow[id.index].wrapped += 1
                    case .fits: break
                    }
                }
                k += 1
            }
        }
        let keep = events < options.keptEvents
        var o = 0
        for id in model.outputs {
            let floats = floatNames[id.index].flatMap { floatTrace[$0] }
            for i in 0..<model[id].size {
                let q = model[id].type.value(ofRaw: trace[id.index][i])
                let f = floats?[i] ?? .nan
                outputErrors[o].add(float: f, fixed: q)
                if keep {
                    outputFixed[o].append(q)
                    outputFloat[o].append(f)
                }
                o += 1
            }
        }
        events += 1
    }

    /// The report, and the float and fixed outputs of the kept events (one row each).
    public func finish() -> (report: BitAccuracyReport, float: EventTable, fixed: EventTable) {
        let layers: [LayerAccuracy] = order.map { id in
            let t = model[id]
            let op = producers[id]
            let compared = floatNames[id.index]
            let fr = floatRange[id.index], xr = fixedRange[id.index]
            let hasFloat = compared != nil && fr.count > 0
            return LayerAccuracy(
                tensor: t.name, op: op?.name, kind: op.map { BitAccuracyAnalysis.kindLabel($0.kind) } ?? "input",
                sourceLayers: op?.sourceLayers ?? [t.name], comparedWith: compared, type: t.type.description,
                size: t.size, declared: ValueInterval(min: t.type.minValue, max: t.type.maxValue), lsb: t.type.lsb,
                usedFloat: hasFloat ? ValueInterval(min: fr.min, max: fr.max) : nil,
                usedFixed: xr.count > 0 ? ValueInterval(min: xr.min, max: xr.max) : ValueInterval(min: 0, max: 0),
                integerBits: t.type.integerBits,
                integerBitsNeeded: integerBitsNeeded(maxAbs: hasFloat ? fr.maxAbs : xr.maxAbs, signed: t.type.isSigned),
                smallExponent: hasFloat ? fr.exponentQuantile(0.01) : xr.exponentQuantile(0.01),
                error: hasFloat ? errors[id.index].stats : nil,
                values: events * t.size, saturated: overflow[id.index].saturated,
                wrapped: overflow[id.index].wrapped, clamped: overflow[id.index].clamped)
        }
        let kept = min(events, options.keptEvents)
        let outputs = outputNames.indices.map { o in
            let diffs = zip(outputFixed[o], outputFloat[o]).map { $0 - $1 }.filter { !$0.isNaN }
            return OutputAccuracy(
                name: outputNames[o], error: outputErrors[o].stats,
                errorHistogram: Histogram(diffs, bins: options.histogramBins, symmetric: true),
                scatter: (0..<min(options.scatterEvents, kept)).map {
                    ScatterPoint(x: outputFloat[o][$0], y: outputFixed[o][$0])
                })
        }
        let columns = outputNames.count
        func table(_ perOutput: [[Double]]) -> EventTable {
            var values = [Double](repeating: 0, count: kept * columns)
            for o in 0..<columns { for e in 0..<kept { values[e * columns + o] = perOutput[o][e] } }
            return EventTable(rows: kept, columns: columns, values: values)
        }
        return (BitAccuracyReport(events: events, keptEvents: kept, layers: layers, outputs: outputs),
                table(outputFloat), table(outputFixed))
    }
}

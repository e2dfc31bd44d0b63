import Datasets
import Foundation
import Metrics
import ModelIR
import Passes
import TensorIO
import Training

/// The `physics` figures of an anomaly score: scores of the background and
/// of each signal, in chunks on every core, then the efficiencies at the threshold.
struct AnomalyFigures {
    let options: PhysicsOptions
    let graph: Graph
    /// The graph as lowered by the command's model loader.
    let lowered: LoweredModel

    /// The background fraction the threshold keeps, from one of the two options.
    func backgroundAcceptance() throws(DriverError) -> Double {
        if options.acceptance != nil && options.rateHz != nil { throw .option("give --rate-hz or --background-acceptance, not both") }
        if let rateHz = options.rateHz {
            guard rateHz > 0, rateHz <= PhysicsMetrics.bunchCrossingRate else {
                throw .option("--rate-hz must be in (0, 4e7], got \(rateHz)")
            }
            return PhysicsMetrics.acceptance(rateHz: rateHz)
        }
        let a = options.acceptance ?? 1e-3
        guard a > 0, a <= 1 else { throw .option("--background-acceptance must be in (0, 1], got \(a)") }
        return a
    }

    func run() throws(DriverError) -> PhysicsResult {
        let accept = try backgroundAcceptance()
        let events = options.events
        try CountLimits.check(options.threads, "--threads", limit: CountLimits.threads)
        try CountLimits.check(events, "--events", limit: CountLimits.events)
        guard lowered.inputWidth == L1AnomalyGenerator.featureCount || options.generator != "l1" else {
            throw .option("the model takes \(lowered.inputWidth) values; the l1 generator makes \(L1AnomalyGenerator.featureCount)")
        }
        let study = AnomalyScores(graph: graph, lowered: lowered, threads: options.threads)
        let progress = ProgressMeter("physics", quiet: options.quiet)
        defer { progress.finish() }
        let start = Date()
        var bkg: (float: [Double], fixed: [Double])
        var sigs: [(name: String, float: [Double], fixed: [Double])] = []
        if options.generator == "l1" {
            let g = L1AnomalyGenerator(seed: options.seed)
            let perSignal = options.signalEvents ?? max(1, min(events / 10, 100_000))
            try CountLimits.check(perSignal, "--signal-events", limit: CountLimits.events)
            let total = events + perSignal * L1Process.signals.count
            bkg = study.generated(count: events, make: { g.backgroundChunk($0, count: $1) }) {
                progress.update(done: $0, total: total)
            }
            for (k, p) in L1Process.signals.enumerated() {
                let done = events + k * perSignal
                let s = study.generated(count: perSignal, make: { g.signalChunk(p, $0, count: $1) }) {
                    progress.update(done: done + $0, total: total)
                }
                sigs.append((p.rawValue, s.float, s.fixed))
            }
        } else if options.generator == "calo" {
            let width = CaloRegionGenerator.shape.reduce(1, *)
            guard lowered.inputWidth == width else {
                throw .option("the model takes \(lowered.inputWidth) values; the calo generator makes \(width) (18 × 14 regions)")
            }
            // Zero bias is the background; each signal is laid over zero bias.
            let g = CaloRegionGenerator(seed: options.seed)
            let perSignal = options.signalEvents ?? max(1, min(events / 10, 100_000))
            try CountLimits.check(perSignal, "--signal-events", limit: CountLimits.events)
            let total = events + perSignal * CaloRegionGenerator.Process.signals.count
            bkg = study.generated(count: events, make: { g.events(.zeroBias, chunk: $0, count: $1) }) {
                progress.update(done: $0, total: total)
            }
            for (k, p) in CaloRegionGenerator.Process.signals.enumerated() {
                let done = events + k * perSignal
                let s = study.generated(count: perSignal, make: { g.events(p, chunk: $0, count: $1) }) {
                    progress.update(done: done + $0, total: total)
                }
                sigs.append((p.rawValue, s.float, s.fixed))
            }
        } else if options.generator == "track_quality" {
            guard lowered.inputWidth == TrackQualityGenerator.featureNames.count else {
                throw .option("the model takes \(lowered.inputWidth) values; the track_quality generator makes \(TrackQualityGenerator.featureNames.count)")
            }
            // Fake tracks are the background the threshold rejects; genuine tracks the signal.
            let g = TrackQualityGenerator(seed: options.seed)
            let genuine = options.signalEvents ?? events
            bkg = study.generated(count: events, make: { g.tracks(genuine: false, chunk: $0, count: $1) }) {
                progress.update(done: $0, total: events + genuine)
            }
            let s = study.generated(count: genuine, make: { g.tracks(genuine: true, chunk: $0, count: $1) }) {
                progress.update(done: events + $0, total: events + genuine)
            }
            sigs.append(("genuine tracks", s.float, s.fixed))
        } else if let background = options.background {
            bkg = try scores(background, study, progress)
            for path in options.signal {
                let s = try scores(path, study, progress)
                sigs.append(((path as NSString).lastPathComponent, s.float, s.fixed))
            }
        } else {
            throw .option("give --generator l1, --generator calo, --generator track_quality, or --background and --signal files")
        }
        // Sorted in place: the figures need sorted samples, and a sorted copy would double the memory.
        bkg.float.sort()
        bkg.fixed.sort()
        for i in sigs.indices { sigs[i].float.sort(); sigs[i].fixed.sort() }
        let float = PhysicsEvaluation.anomaly(background: bkg.float, signals: sigs.map(\.float), acceptance: accept)
        let fixed = PhysicsEvaluation.anomaly(background: bkg.fixed, signals: sigs.map(\.fixed), acceptance: accept)
        progress.finish()
        let working = options.rateHz.map { String(format: "%g Hz of 40 MHz (%.3g of the background)", $0, accept) }
            ?? String(format: "%g of the background", accept)
        let counts = sigs.map(\.float.count)
        let signalText = Set(counts).count == 1 ? "\(counts.first ?? 0) per signal" : counts.map(String.init).joined(separator: ", ") + " signal events"
        var lines = ["\(graph.name): anomaly score on \(bkg.float.count) background events and \(signalText), threshold at \(working) kept"
                     + String(format: " (%.1f s)", Date().timeIntervalSince(start))]
        if Double(bkg.float.count) * accept < 100 {
            lines.append("note: only \(Int(Double(bkg.float.count) * accept)) background events are above the threshold; give more --events for a stable threshold")
        }
        lines.append(PhysicsEvaluation.anomalyTable(float: float, fixed: fixed, signalNames: sigs.map(\.name)))
        return PhysicsResult(lines: lines)
    }

    func scores(_ path: String, _ study: AnomalyScores, _ progress: ProgressMeter) throws(DriverError) -> (float: [Double], fixed: [Double]) {
        do {
            let reader = try EventFile.reader(path: path, expectedColumns: study.fixed.model.inputWidth, threads: options.threads)
            return try study.file(reader) { progress.update(done: $0, total: reader.totalRows) }
        } catch {
            throw .option("\(error)")
        }
    }
}
